package io.raftkv.tracecheck;

import io.raftkv.spec.SpecFiles;
import io.raftkv.spec.TlcResult;
import io.raftkv.spec.TlcRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Replays traces against spec/TraceRaft.tla with TLC and says, per trace, whether some behaviour of
 * the spec takes the same steps with the same post-states.
 *
 * <p>How a verdict is reached. TLC explores the behaviours of TraceRaft in which the k-th step is
 * the action of the k-th event. TraceAccepted prints a marker when a behaviour has consumed a whole
 * trace; TLC itself ends without error either way (it simply runs out of states), so a trace
 * without its marker is rejected. To find where, the trace is run alone: the depth TLC reports is
 * D when events 1..D-1 matched and event D did not. A third run with StopAt = D takes event D
 * without its post-state and prints the last matched state, what the spec could do there and what
 * the logged action would have produced: the diagnosis.
 *
 * <p>Several traces with the same servers, initial voters, PreVote and LeaseReads settings share one
 * TLC run (a JVM start and the spec's parsing cost about a second each, more than a few hundred
 * events cost), in separate behaviours.
 */
public final class TraceValidator {

  /** How TLC gets the trace. */
  public enum Input {
    /** A generated TLA+ module holding the trace as a tuple of records. */
    MODULE,
    /** TraceReader.tla's ReadNdjson, whose body is Java (Jackson) inside TLC. */
    OVERRIDE
  }

  /**
   * @param input     how TLC reads traces
   * @param workers   TLC worker threads
   * @param batchSize at most this many traces per TLC run
   * @param diagnose  whether to explain a rejection (two more TLC runs)
   * @param maxHeap   TLC's -Xmx, or null to size it by the run's events (see {@link #heapFor})
   * @param workRoot  where runs keep their files (a temporary directory, deleted after, if null)
   * @param specDir   the directory of Raft.tla and TraceRaft.tla; if null, SpecFiles's default
   *                  (RAFTKV_HOME/spec, the working directory, ./spec, else the spec jar's copy)
   */
  public record Options(Input input, int workers, int batchSize, boolean diagnose, String maxHeap, Path workRoot,
      Path specDir) {

    public static Options defaults() {
      return new Options(Input.OVERRIDE, 2, 25, true, null, null, null);
    }

    public Options withInput(Input newInput) {
      return new Options(newInput, workers, batchSize, diagnose, maxHeap, workRoot, specDir);
    }

    public Options withBatchSize(int newBatchSize) {
      return new Options(input, workers, newBatchSize, diagnose, maxHeap, workRoot, specDir);
    }

    public Options withDiagnose(boolean newDiagnose) {
      return new Options(input, workers, batchSize, newDiagnose, maxHeap, workRoot, specDir);
    }

    public Options withWorkers(int newWorkers) {
      return new Options(input, newWorkers, batchSize, diagnose, maxHeap, workRoot, specDir);
    }
  }

  /**
   * The outcome for one trace.
   *
   * @param failedEvent the first event no behaviour could match (1-based), 0 when accepted or
   *                    when the trace could not be checked at all (see {@code problem})
   * @param seconds     TLC's time for this trace (its share of a shared run, by events)
   * @param diagnosis   human-readable lines explaining a rejection
   * @param problem     why the trace could not be checked (malformed, TLC error), or null
   */
  public record Verdict(Path file, boolean ok, int events, double seconds, int failedEvent, String failedLine,
      List<String> diagnosis, String problem) {

    /** The one line the driver ends with for this trace. */
    public String summary() {
      if (ok) {
        return String.format(Locale.ROOT, "trace-check: OK %s %d events %.1f s", file, events, seconds);
      }
      if (failedEvent > 0) {
        return "trace-check: FAILED " + file + " at event " + failedEvent + ": " + failedLine;
      }
      return "trace-check: FAILED " + file + ": " + problem;
    }
  }

  private static final Pattern ACCEPTED = Pattern.compile("TRACECHECK accepted (\\d+)");
  private static final Pattern DIAGNOSIS = Pattern.compile("\"TRACECHECK (diag-[a-z-]+) (.*)\"$");

  private final Options options;

  public TraceValidator(Options options) {
    if (options.batchSize() < 1 || options.workers() < 1) {
      throw new IllegalArgumentException("batch size and workers must be >= 1");
    }
    this.options = options;
  }

  /** Checks every file; verdicts in the order of {@code files}. */
  public List<Verdict> validate(List<Path> files) throws IOException, InterruptedException {
    Map<Path, Verdict> verdicts = new LinkedHashMap<>();
    Map<String, List<Trace>> byConstants = new TreeMap<>();
    for (Path file : files) {
      try {
        Trace trace = Trace.read(file);
        byConstants.computeIfAbsent(trace.servers() + "/" + trace.voters() + "/" + trace.preVote() + "/"
            + trace.leaseReads(),
            key -> new ArrayList<>()).add(trace);
      } catch (Trace.TraceFormatException e) {
        verdicts.put(file, new Verdict(file, false, 0, 0, 0, null, List.of(), e.getMessage()));
      } catch (IOException e) {
        verdicts.put(file, new Verdict(file, false, 0, 0, 0, null, List.of(), "cannot read: " + e));
      }
    }
    Path work = workDirectory();
    try {
      int run = 0;
      for (List<Trace> group : byConstants.values()) {
        for (int from = 0; from < group.size(); from += options.batchSize()) {
          List<Trace> batch = group.subList(from, Math.min(group.size(), from + options.batchSize()));
          for (Verdict verdict : check(batch, work.resolve("run" + (++run)))) {
            verdicts.put(verdict.file(), verdict);
          }
        }
      }
    } finally {
      if (options.workRoot() == null) {
        deleteRecursively(work);
      }
    }
    List<Verdict> ordered = new ArrayList<>();
    for (Path file : files) {
      ordered.add(verdicts.get(file));
    }
    return ordered;
  }

  private List<Verdict> check(List<Trace> batch, Path dir) throws IOException, InterruptedException {
    if (batch.size() == 1) {
      return List.of(checkAlone(batch.get(0), dir));
    }
    TlcResult result = runTlc(dir, batch, 0);
    Set<Integer> accepted = acceptedIndexes(result);
    long totalEvents = batch.stream().mapToLong(Trace::size).sum();
    List<Verdict> verdicts = new ArrayList<>();
    for (int k = 0; k < batch.size(); k++) {
      Trace trace = batch.get(k);
      if (accepted.contains(k + 1)) {
        double share = totalEvents == 0 ? 0 : seconds(result) * trace.size() / totalEvents;
        verdicts.add(new Verdict(trace.file(), true, trace.size(), share, 0, null, List.of(), null));
      } else {
        verdicts.add(checkAlone(trace, dir.resolve("trace" + (k + 1))));
      }
    }
    return verdicts;
  }

  /** One trace in its own run; on rejection, finds the failed event and explains it. */
  private Verdict checkAlone(Trace trace, Path dir) throws IOException, InterruptedException {
    TlcResult result = runTlc(dir, List.of(trace), 0);
    if (acceptedIndexes(result).contains(1)) {
      return new Verdict(trace.file(), true, trace.size(), seconds(result), 0, null, List.of(), null);
    }
    Optional<String> violated = result.violatedProperty();
    if (violated.isPresent() && !result.trace().isEmpty()) {
      // The error trace's last state is the one after the event that broke the invariant.
      String next = result.trace().get(result.trace().size() - 1).variables().get("l");
      int event = next == null ? 0 : Integer.parseInt(next.trim()) - 1;
      if (event >= 1 && event <= trace.size()) {
        String problem = "the spec's invariant " + violated.get() + " does not hold after this event";
        return new Verdict(trace.file(), false, trace.size(), seconds(result), event, trace.line(event),
            List.of("  " + problem), problem);
      }
    }
    int depth = result.depth();
    if (result.exitCode() != 0 || depth < 1 || depth > trace.size()) {
      return new Verdict(trace.file(), false, trace.size(), seconds(result), 0, null, List.of(),
          "TLC ended with exit code " + result.exitCode() + " without accepting the trace:\n" + errors(result));
    }
    List<String> diagnosis = options.diagnose()
        ? diagnose(trace, depth, dir.resolve("diagnosis"))
        : List.of();
    return new Verdict(trace.file(), false, trace.size(), seconds(result), depth, trace.line(depth), diagnosis, null);
  }

  private List<String> diagnose(Trace trace, int failed, Path dir) throws IOException, InterruptedException {
    TlcResult result = runTlc(dir, List.of(trace), failed);
    Map<String, List<String>> found = new LinkedHashMap<>();
    for (String line : result.userOutput()) {
      Matcher matcher = DIAGNOSIS.matcher(line);
      if (matcher.find()) {
        found.computeIfAbsent(matcher.group(1), key -> new ArrayList<>()).add(matcher.group(2).replace("\\\"", "\""));
      }
    }
    List<String> lines = new ArrayList<>();
    if (found.isEmpty()) {
      lines.add("(no diagnosis: TLC printed nothing; exit code " + result.exitCode() + ")");
      lines.add(errors(result));
      return lines;
    }
    String node = "node " + trace.events().get(failed - 1).path("node").asText();
    describe(lines, found, "diag-state", "last matched state (after event " + (failed - 1) + "), node ");
    describe(lines, found, "diag-action-enabled", "the logged event's action, with its logged parameters, is enabled: ");
    describe(lines, found, "diag-msg-in-flight", "the logged msg is in flight: ");
    describe(lines, found, "diag-similar-in-flight", "in flight with the same type, from and to: ");
    describe(lines, found, "diag-spec-post", "the spec's state of " + node + " after that action: ");
    lines.add("  logged state of " + node + ": " + trace.events().get(failed - 1).path("state"));
    describe(lines, found, "diag-spec-sent", "the spec's sends in that action: ");
    describe(lines, found, "diag-enabled", "enabled for " + node + " at that point: ");
    describe(lines, found, "diag-promise-held", "the promise of " + node + " (promised term, round) ");
    return lines;
  }

  private static void describe(List<String> lines, Map<String, List<String>> found, String key, String label) {
    for (String value : found.getOrDefault(key, List.of())) {
      lines.add("  " + label + value);
    }
  }

  private static double seconds(TlcResult result) {
    return result.elapsed().toNanos() / 1e9;
  }

  /** What TLC said went wrong, for a message: its error messages, else its last words. */
  private static String errors(TlcResult result) {
    StringBuilder text = new StringBuilder();
    result.violation().ifPresent(violation -> text.append(violation.text()).append('\n'));
    for (TlcResult.Message message : result.messages()) {
      if (message.severity() > 0 && text.length() < 4_000) {
        text.append(message.text()).append('\n');
      }
    }
    if (text.isEmpty()) {
      List<TlcResult.Message> messages = result.messages();
      for (TlcResult.Message message : messages.subList(Math.max(0, messages.size() - 10), messages.size())) {
        text.append(message.text()).append('\n');
      }
    }
    return text.toString().strip();
  }

  private static Set<Integer> acceptedIndexes(TlcResult result) {
    Set<Integer> accepted = new HashSet<>();
    for (String line : result.userOutput()) {
      Matcher matcher = ACCEPTED.matcher(line);
      if (matcher.find()) {
        accepted.add(Integer.parseInt(matcher.group(1)));
      }
    }
    return accepted;
  }

  /**
   * Stages the spec, writes the run's root module and configuration into {@code dir} and runs TLC
   * there. TLC's class path is this JVM's, which holds the trace reader override.
   */
  private TlcResult runTlc(Path dir, List<Trace> traces, int stopAt) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    if (options.specDir() != null) {
      SpecFiles.stageDirectory(options.specDir(), dir);
    } else {
      SpecFiles.stageDefault(dir);
    }
    if (!Files.isRegularFile(dir.resolve("TraceRaft.tla"))) {
      throw new IllegalStateException("the spec staged from " + SpecFiles.defaultSpecDirectory().map(Path::toString)
          .orElse("the spec jar") + " has no TraceRaft.tla");
    }
    copyResource("TraceReader.tla", dir);
    Files.writeString(dir.resolve("TraceRun.tla"), rootModule(traces), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("TraceRun.cfg"), config(traces.get(0), stopAt), StandardCharsets.UTF_8);
    return TlcRunner.builder(dir, "TraceRun")
        .classPath(readerClassPath())
        // No checkpoints: TLC writes the states of its queue with their depth in 15 bits, so a
        // checkpoint (every 30 minutes by default) of a trace replayed past 32,767 events stops TLC
        // ("behaviors of length up to 65535 states"); a replay has no use for one either.
        .tlcArgs("-checkpoint", "0")
        .workers(stopAt > 0 ? 1 : options.workers())
        // TLC unpacks its standard modules into java.io.tmpdir: keep concurrent runs apart.
        .jvmArgs("-Xmx" + (options.maxHeap() != null ? options.maxHeap() : heapFor(traces)), "-Xss16m",
            "-Djava.io.tmpdir=" + dir.toAbsolutePath())
        .run();
  }

  /**
   * The run's root module: the traces as {@code RunTraces}, read by the override at start-up or
   * written out as TLA+ records ({@link Input}).
   */
  private String rootModule(List<Trace> traces) {
    StringBuilder module = new StringBuilder();
    module.append("---- MODULE TraceRun ----\n");
    if (options.input() == Input.OVERRIDE) {
      module.append("EXTENDS TraceRaft, TraceReader, Integers, TLC\n");
      module.append("RunTraces == TLCEval(<<");
      for (int k = 0; k < traces.size(); k++) {
        module.append(k == 0 ? "\n  " : ",\n  ").append("ReadNdjson(");
        TlaText.appendString(module, traces.get(k).file().toAbsolutePath().toString());
        module.append(')');
      }
      module.append(">>)\n");
    } else {
      module.append("EXTENDS TraceRaft, Integers, TLC\n");
      for (int k = 0; k < traces.size(); k++) {
        module.append("RunTrace").append(k + 1).append(" == <<");
        List<com.fasterxml.jackson.databind.node.ObjectNode> events = traces.get(k).events();
        for (int e = 0; e < events.size(); e++) {
          module.append(e == 0 ? "\n  " : ",\n  ");
          TlaText.append(module, events.get(e));
        }
        module.append(">>\n");
      }
      module.append("RunTraces == TLCEval(<<");
      for (int k = 0; k < traces.size(); k++) {
        module.append(k == 0 ? "" : ", ").append("RunTrace").append(k + 1);
      }
      module.append(">>)\n");
    }
    module.append("====\n");
    return module.toString();
  }

  /**
   * The run's configuration; every trace of a run has the servers, initial voters, PreVote and
   * LeaseReads of {@code first}.
   */
  private static String config(Trace first, int stopAt) {
    int servers = first.servers();
    StringBuilder cfg = new StringBuilder();
    cfg.append("CONSTANTS\n  Server = {");
    for (int id = 1; id <= servers; id++) {
      cfg.append(id == 1 ? "" : ", ").append(id);
    }
    cfg.append("}\n  InitVoters = {");
    for (int k = 0; k < first.voters().size(); k++) {
      cfg.append(k == 0 ? "" : ", ").append(first.voters().get(k));
    }
    cfg.append("}\n  Nil = 0\n  StopAt = ").append(stopAt).append("\n  Traces <- RunTraces\n");
    cfg.append("  PreVote = ").append(first.preVote() ? "TRUE" : "FALSE").append('\n');
    cfg.append("  LeaseReads = ").append(first.leaseReads() ? "TRUE" : "FALSE").append('\n');
    // The core persists its log asynchronously (spec/README.md): a trace's PersistLog events, held
    // acknowledgements and restarts that lose an unwritten tail exist only in this mode.
    cfg.append("  AsyncPersist = TRUE\n");
    // The core always forwards a follower's read to the leader it knows (ForwardRead and the rest).
    cfg.append("  FollowerReads = TRUE\n");
    cfg.append("INIT TraceInit\nNEXT TraceNext\n");
    if (stopAt > 0) {
      cfg.append("INVARIANT TraceDiagnosis\nACTION_CONSTRAINT TraceDiagnosisStep\n");
    } else {
      // Cheap invariants of Raft.tla (linear in the servers' count squared or in the held replies,
      // not in the logs): the traces reach terms and logs far beyond the model-checking bounds.
      cfg.append("INVARIANT TraceAccepted\nINVARIANT ElectionSafety\nINVARIANT CommitIndexInLog\n");
      cfg.append("INVARIANT DurableLengthInLog\nINVARIANT PendingAcksInLog\n");
      cfg.append("INVARIANT AppliedIndexInCommit\nINVARIANT ReadsLinearizable\n");
      cfg.append("INVARIANT SnapshotInApplied\nINVARIANT SnapshotDurable\n");
      // Linear in the logs, as TraceRaft's own ConfigOfLog comparison at every step already is: no
      // slower measured (two churned 18,400-event traces, 52 s without, 46 s with). Not
      // ConfigChainValid (the configuration before each config entry: 3.3 times slower) nor
      // ConfigPredecessorCommitted (every leader's log against every config entry: 1.5 times).
      cfg.append("INVARIANT ConfigsWellFormed\n");
      // The lease invariants: a lease only on a leader, on a round it began, resting on a quorum
      // still promised, and no leader of a later term while it holds (quadratic in the servers,
      // linear in a lease holder's log for its configuration).
      cfg.append("INVARIANT LeaseWellFormed\nINVARIANT LeaseQuorumPromised\nINVARIANT LeaseExcludesLaterLeader\n");
    }
    // The last state of a trace has no successor; that is the end, not a deadlock.
    cfg.append("CHECK_DEADLOCK FALSE\n");
    return cfg.toString();
  }

  /**
   * TLC's heap for a run: 1 GB holds 20,000 events (the trace's values and the states, whose logs
   * grow with it); beyond that 1 GB more per 20,000 events, at most 8 GB.
   */
  static String heapFor(List<Trace> traces) {
    long events = traces.stream().mapToLong(Trace::size).sum();
    long gigabytes = Math.min(8, 1 + Math.max(0, events - 1) / 20_000);
    return gigabytes + "g";
  }

  /**
   * Where the trace reader override and the Jackson it uses live, absolute: TLC runs in another
   * directory and may not find them through a relative entry of this JVM's class path.
   */
  private static List<Path> readerClassPath() {
    List<Path> entries = new ArrayList<>();
    for (Class<?> type : List.of(TraceValidator.class, com.fasterxml.jackson.databind.ObjectMapper.class,
        com.fasterxml.jackson.core.JsonFactory.class, com.fasterxml.jackson.annotation.JsonProperty.class)) {
      try {
        entries.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()));
      } catch (java.net.URISyntaxException | NullPointerException e) {
        throw new IllegalStateException("cannot locate the class path entry of " + type.getName(), e);
      }
    }
    return entries;
  }

  private static void copyResource(String name, Path dir) throws IOException {
    try (InputStream in = TraceValidator.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " missing from the trace-check jar");
      }
      Files.write(dir.resolve(name), in.readAllBytes());
    }
  }

  private Path workDirectory() throws IOException {
    if (options.workRoot() != null) {
      Files.createDirectories(options.workRoot());
      return Files.createTempDirectory(options.workRoot(), "trace-check");
    }
    return Files.createTempDirectory("raftkv-trace-check");
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
