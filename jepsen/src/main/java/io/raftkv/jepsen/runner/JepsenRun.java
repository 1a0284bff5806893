package io.raftkv.jepsen.runner;

import io.raftkv.jepsen.analysis.CompletedOp;
import io.raftkv.jepsen.analysis.RunAnalysis;
import io.raftkv.jepsen.analysis.Validity;
import io.raftkv.jepsen.client.ClientWorker;
import io.raftkv.jepsen.client.Completion;
import io.raftkv.jepsen.client.HistoryRecorder;
import io.raftkv.jepsen.client.KvClient;
import io.raftkv.jepsen.client.RaftKvNodeClient;
import io.raftkv.jepsen.client.ReadConsistency;
import io.raftkv.jepsen.db.LocalDb;
import io.raftkv.jepsen.generator.OpGenerator;
import io.raftkv.jepsen.history.EdnWriter;
import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.Op;
import io.raftkv.jepsen.history.OpType;
import io.raftkv.jepsen.nemesis.FaultKind;
import io.raftkv.jepsen.nemesis.FaultPlan;
import io.raftkv.jepsen.client.MemberBoundClient;
import io.raftkv.jepsen.nemesis.MembershipNemesis;
import io.raftkv.jepsen.nemesis.Nemesis;
import io.raftkv.jepsen.nemesis.Nftables;
import io.raftkv.jepsen.report.FaultSpan;
import io.raftkv.jepsen.report.ResultsEdn;
import io.raftkv.jepsen.report.RunPlots;
import io.raftkv.jepsen.report.RunTimelineHtml;
import io.raftkv.jepsen.report.TimelineHtml;
import io.raftkv.server.FreePorts;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.concurrent.locks.LockSupport;

/**
 * Jepsen's runner: sets the test up (fault plan, store directory, the cluster), runs the
 * generator's ops from {@code concurrency} client processes while the nemesis injects faults,
 * heals, lets the cluster settle under load (the quiet phase), reads every key once more, stops
 * the cluster cleanly (so the traces are complete), then checks the history and writes the report.
 * The harness's nftables table and every server process are removed in a finally block and by a
 * shutdown hook (Ctrl-C).
 */
public final class JepsenRun {
  /** The run's verdict and where its files are. */
  public record Outcome(Validity valid, Path runDir, RunAnalysis analysis, boolean tableRemoved) {}

  private static final Duration LEADER_LIMIT = Duration.ofSeconds(60);
  /** The longest one membership change (an add: learner, catch-up, promotion) may take before it is info. */
  private static final Duration MEMBERSHIP_CHANGE_LIMIT = Duration.ofSeconds(15);
  private static final Duration FINAL_READS_LIMIT = Duration.ofSeconds(60);
  private static final Duration CHECK_LIMIT = Duration.ofSeconds(300);
  private static final long PROGRESS_NANOS = 5_000_000_000L;

  private final RunOptions options;
  private final PrintWriter out;
  private final ReadPaths readPaths = new ReadPaths();

  public JepsenRun(RunOptions options, PrintWriter out) {
    this.options = options;
    this.out = out;
  }

  /** What happened while the cluster ran. */
  private record Execution(LocalDb db, Map<String, Object> finalReads, List<Nemesis.Window> windows,
      List<Nemesis.DamageOutcome> damages, long invocations) {}

  /**
   * Runs the test. Throws IllegalArgumentException (a one-line reason) when the asked-for faults
   * cannot be injected here.
   */
  public Outcome run() throws IOException {
    FaultPlan plan = FaultPlan.resolve(options.nemesis(), options.nodes(), Nftables.unavailableReason(),
        Nftables.executable("kill").isPresent());
    Path runDir = Store.create(options.store(), options.testName());
    HistoryRecorder recorder = new HistoryRecorder();
    try (RunLog log = new RunLog(out, runDir.resolve("jepsen.log"), recorder.originNanos())) {
      log.line("jepsen: " + options.testName() + " seed " + options.seed() + ", " + options.nodes() + " nodes, "
          + options.concurrency() + " processes, rate " + options.rate() + "/s, " + options.timeLimit().toSeconds()
          + " s of faults + " + options.quiet().toSeconds() + " s quiet; store " + runDir);
      log.line("jepsen: faults: " + (plan.kinds().isEmpty() ? "none"
          : String.join(", ", plan.kinds().stream().map(FaultKind::option).toList())));
      plan.leftOut().forEach(reason -> log.line("jepsen: left out " + reason));
      boolean partitions = plan.kinds().stream().anyMatch(FaultKind::partition);
      Execution execution = execute(plan, runDir, recorder, log, partitions);
      boolean tableRemoved = !partitions || !Nftables.tablePresent();
      return finish(execution, runDir, recorder, log, tableRemoved);
    }
  }

  private Execution execute(FaultPlan plan, Path runDir, HistoryRecorder recorder, RunLog log, boolean partitions)
      throws IOException {
    if (partitions) {
      Nftables.heal(); // a crashed run's leftovers
    }
    boolean membership = plan.kinds().contains(FaultKind.MEMBERSHIP);
    int spares = membership ? FaultKind.MEMBERSHIP_SPARES : 0;
    int peerPort = FreePorts.freeRun(2, options.nodes() + spares); // the client port is the next one
    // Every server writes a trace, spares included (a trace's servers are the whole address book).
    LocalDb db = new LocalDb(runDir.resolve("nodes"), runDir.resolve("traces"), options.nodes(), spares, peerPort,
        peerPort + 1, serverArgs(options), options.jvmArgs());
    Thread hook = new Thread(() -> cleanUp(db, partitions), "jepsen-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      startCluster(db, log);
      long start = recorder.now();
      List<FaultKind> faults = plan.kinds().stream().filter(kind -> kind != FaultKind.MEMBERSHIP).toList();
      Nemesis nemesis = new Nemesis(db, new Nftables(peerPort), faults, options.faultInterval(),
          options.faultDuration(), options.seed(), recorder, log::line, start + options.timeLimit().toNanos());
      MembershipNemesis changes = membership ? new MembershipNemesis(db, options.nodes(), options.faultInterval(),
          MEMBERSHIP_CHANGE_LIMIT, options.seed(), recorder, log::line, start + options.timeLimit().toNanos()) : null;
      long nextProcess = runWorkload(db, nemesis, changes, recorder, log, partitions, start);
      Map<String, Object> finalReads = finalReads(db, recorder, log, nextProcess);
      readPaths.sample(db.statuses());
      log.line("jepsen: stopping the cluster (SIGTERM: each node writes out its log and trace)");
      db.ids().forEach(db::stop);
      List<Nemesis.Window> windows = new ArrayList<>(nemesis.windows());
      if (changes != null) {
        windows.addAll(changes.windows());
        windows.sort(java.util.Comparator.comparingLong(Nemesis.Window::startNanos));
      }
      return new Execution(db, finalReads, windows, nemesis.damages(), recorder.history("").invocationCount());
    } finally {
      cleanUp(db, partitions);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook runs anyway.
      }
    }
  }

  private static void cleanUp(LocalDb db, boolean partitions) {
    if (partitions) {
      try {
        Nftables.heal();
      } catch (IOException failed) {
        System.err.println("jepsen: could not delete the nftables table " + Nftables.TABLE + ": "
            + failed.getMessage() + "; delete it with: nft delete table inet " + Nftables.TABLE);
      }
    }
    db.close();
  }

  private void startCluster(LocalDb db, RunLog log) throws IOException {
    for (int id : db.initialVoters()) {
      db.start(id);
    }
    int leader = db.awaitLeader(LEADER_LIMIT).orElseThrow(() -> new IllegalStateException("no leader within "
        + LEADER_LIMIT.toSeconds() + " s; node 1's last lines:\n" + db.tail(1, 5)));
    log.line("jepsen: cluster up, node " + leader + " leads");
  }

  /** The fault phase and the quiet phase; returns the first process number no client used. */
  private long runWorkload(LocalDb db, Nemesis nemesis, MembershipNemesis changes, HistoryRecorder recorder,
      RunLog log, boolean partitions, long start) {
    OpGenerator generator = new OpGenerator(options.seed(), options.opsPerKey(), options.activeKeys(), 5,
        options.rate(), OpGenerator.Mix.standard());
    AtomicLong nextSequence = new AtomicLong();
    long faultEnd = recorder.now() + options.timeLimit().toNanos();
    long workEnd = faultEnd + options.quiet().toNanos();
    IntFunction<KvClient> clients = thread -> new MemberBoundClient(thread, db::voters,
        node -> new RaftKvNodeClient(db.clientEndpoint(node), options.readConsistency(), options.operationTimeout()));
    List<ClientWorker> workers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < options.concurrency(); t++) {
      ClientWorker worker = new ClientWorker(t, options.concurrency(), clients, generator, nextSequence, recorder,
          start, workEnd);
      workers.add(worker);
      threads.add(Thread.ofPlatform().name("jepsen-client-" + t).daemon().start(worker));
    }
    Thread nemesisThread = Thread.ofPlatform().name("jepsen-nemesis").daemon().start(nemesis);
    Thread changesThread = changes == null ? null
        : Thread.ofPlatform().name("jepsen-nemesis-membership").daemon().start(changes);
    progressUntil(faultEnd, db, recorder, log);
    nemesis.stop();
    if (changes != null) {
      changes.stop();
      join(List.of(changesThread), MEMBERSHIP_CHANGE_LIMIT.plusSeconds(90)); // a start allowance, a change, a margin
    }
    join(List.of(nemesisThread), Duration.ofSeconds(180));
    healAll(db, partitions, log);
    if (changes != null) {
      log.line("jepsen: configuration after the fault phase: " + changes.settle(LEADER_LIMIT)
          .map(view -> view.describe() + ", leader node " + view.id()).orElse("no leader reports a settled one")
          + "; clients and final reads use its voters " + db.voters());
    }
    progressUntil(workEnd, db, recorder, log);
    workers.forEach(ClientWorker::stop);
    join(threads, options.operationTimeout().plusSeconds(15));
    return workers.stream().mapToLong(ClientWorker::process).max().orElse(0) + 1;
  }

  private static void healAll(LocalDb db, boolean partitions, RunLog log) {
    try {
      if (partitions) {
        Nftables.heal();
      }
      for (int id : db.ids()) {
        db.resume(id);
      }
      for (int id : db.members()) {
        if (!db.running(id)) {
          db.start(id);
        }
      }
      log.line("jepsen: healed (no partition, every node running); quiet phase");
    } catch (IOException | RuntimeException failed) {
      log.line("jepsen: heal failed: " + failed.getMessage());
    }
  }

  /** Prints the progress and samples the servers' read counters every 5 s until {@code endNanos}. */
  private void progressUntil(long endNanos, LocalDb db, HistoryRecorder recorder, RunLog log) {
    long next = recorder.now() + PROGRESS_NANOS;
    while (recorder.now() < endNanos) {
      LockSupport.parkNanos(Math.min(20_000_000L, Math.max(1, Math.min(next, endNanos) - recorder.now())));
      if (recorder.now() >= next) {
        next += PROGRESS_NANOS;
        log.line(progress(recorder));
        readPaths.sample(db.statuses());
      }
    }
  }

  private static String progress(HistoryRecorder recorder) {
    int[] byType = new int[OpType.values().length];
    for (Op op : recorder.history("").ops()) {
      if (op.isClient()) {
        byType[op.type().ordinal()]++;
      }
    }
    return String.format(java.util.Locale.ROOT, "jepsen: t=%3.0fs invoked %d: ok %d, fail %d, info %d",
        recorder.now() / 1e9, byType[OpType.INVOKE.ordinal()], byType[OpType.OK.ordinal()],
        byType[OpType.FAIL.ordinal()], byType[OpType.INFO.ordinal()]);
  }

  private static void join(List<Thread> threads, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    for (Thread thread : threads) {
      try {
        thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** A linearizable read of every key the workload touched, retried until ok or the deadline. */
  private Map<String, Object> finalReads(LocalDb db, HistoryRecorder recorder, RunLog log, long firstProcess) {
    db.awaitLeader(LEADER_LIMIT);
    TreeSet<String> keys = new TreeSet<>();
    recorder.history("").ops().stream().filter(Op::isClient).forEach(op -> keys.add((String) op.key()));
    Map<String, Object> finalReads = new TreeMap<>();
    long deadline = System.nanoTime() + FINAL_READS_LIMIT.toNanos();
    long process = firstProcess;
    RaftKvNodeClient client = finalClient(db);
    try {
      for (String key : keys) {
        while (!finalReads.containsKey(key) && System.nanoTime() < deadline) {
          Op invocation = recorder.invoke(process, "read", key, null);
          Completion read = client.read(key, ReadConsistency.LINEARIZABLE);
          recorder.complete(invocation, read.type(), read.value());
          if (read.type() == OpType.OK) {
            finalReads.put(key, read.value());
          } else if (read.type() == OpType.INFO) {
            client.close();
            client = finalClient(db);
            process++;
          }
        }
      }
    } finally {
      client.close();
    }
    log.line("jepsen: final reads: " + finalReads.size() + " of " + keys.size() + " keys read");
    return finalReads;
  }

  /** A client on the leader, else on a voter of the configuration as last observed (node 1 may have been removed). */
  private RaftKvNodeClient finalClient(LocalDb db) {
    int node = db.leader().filter(db.voters()::contains).orElse(db.voters().get(0));
    return new RaftKvNodeClient(db.clientEndpoint(node), ReadConsistency.LINEARIZABLE, options.operationTimeout());
  }

  private Outcome finish(Execution execution, Path runDir, HistoryRecorder recorder, RunLog log,
      boolean tableRemoved) throws IOException {
    History history = recorder.history(runDir.resolve("history.edn").toString());
    EdnWriter.write(history, runDir.resolve("history.edn"));
    log.line("jepsen: checking " + history.invocationCount() + " ops");
    RunAnalysis analysis = RunAnalysis.of(history, execution.finalReads(), CHECK_LIMIT);
    List<FaultSpan> spans = execution.windows().stream()
        .map(w -> new FaultSpan(w.kind().option(), w.description(), w.startNanos(), w.endNanos())).toList();
    Path timeline = runDir.resolve("timeline.html");
    Files.writeString(timeline, RunTimelineHtml.render(options.testName() + " " + runDir.getFileName(), history,
        spans, analysis.check(), analysis.anomaly()));
    if (analysis.check() != null && analysis.check().anomaly() != null) {
      Files.writeString(runDir.resolve("anomaly.html"), TimelineHtml.render(history, analysis.check(), "kv"));
    }
    RunPlots.write(runDir, CompletedOp.of(history), spans);
    TraceCheckHook.Result traces = validateTraces(runDir.resolve("traces"), log);
    Validity valid = analysis.valid().and(cutDurableRecords(execution.damages()) ? Validity.TRUE
        : traceValidity(traces));
    Files.writeString(runDir.resolve("results.edn"), ResultsEdn.render(analysis, runFacts(execution, valid,
        tableRemoved), spans, damageMaps(execution), traceMap(traces)));
    if (valid == Validity.TRUE) {
      execution.db().wipe(); // data directories only; logs and traces stay (kept whole when not valid)
    }
    Store.linkLatest(options.store(), runDir);
    Summary.print(log, options, analysis, execution.windows(), execution.damages(), traces, tableRemoved, runDir,
        valid, readPaths.describe(options.readConsistency()));
    return new Outcome(valid, runDir, analysis, tableRemoved);
  }

  /**
   * Whether the run truncated a WAL tail. That can remove records the node had reported durable (an
   * acknowledged entry, a vote), which the spec's Restart keeps, so the node's trace may be rejected
   * at its restart for a loss the fault made, not the code: such a run's trace verdict is reported,
   * not counted. (A bit flip is refused at start, so its node's restart is never traced.)
   */
  static boolean cutDurableRecords(List<Nemesis.DamageOutcome> damages) {
    return damages.stream().anyMatch(damage -> damage.kind() == FaultKind.TRUNCATE);
  }

  private TraceCheckHook.Result validateTraces(Path traces, RunLog log) {
    if (!options.checkTraces()) {
      return new TraceCheckHook.Result(false, -1, "not validated (--no-trace-check); later: ./raftkv trace-check"
          + " --cluster " + traces);
    }
    log.line("jepsen: validating the nodes' traces");
    return TraceCheckHook.validateClusterTraces(traces);
  }

  /** Segments a run fills and seals (so a bit flip can hit a sealed one), unless the options set the size. */
  static final String SEGMENT_BYTES = "--wal-segment-bytes=65536";

  /**
   * Snapshots every 200 applied entries, unless the options set it: a run compacts its logs every few
   * seconds, so a node that was killed, paused or cut off for a fault's duration comes back behind the
   * leader's compacted log and catches up through InstallSnapshot, and restarts recover from a
   * snapshot and the log after it.
   */
  static final String SNAPSHOT_ENTRIES = "--snapshot-entries=200";

  /** Given to every server of a {@code --read-consistency lease} run, unless the options already do. */
  static final String LEASE_READS = "--lease-reads";

  static List<String> serverArgs(RunOptions options) {
    List<String> args = new ArrayList<>(options.serverArgs());
    if (options.readConsistency() == ReadConsistency.LEASE && !args.contains(LEASE_READS)) {
      args.add(0, LEASE_READS);
    }
    if (args.stream().noneMatch(arg -> arg.startsWith("--snapshot-entries"))) {
      args.add(0, SNAPSHOT_ENTRIES);
    }
    if (args.stream().noneMatch(arg -> arg.startsWith("--wal-segment-bytes"))) {
      args.add(0, SEGMENT_BYTES);
    }
    return args;
  }

  private static Validity traceValidity(TraceCheckHook.Result traces) {
    return !traces.available() ? Validity.TRUE : traces.exitCode() == 0 ? Validity.TRUE
        : traces.exitCode() == 1 ? Validity.FALSE : Validity.UNKNOWN;
  }

  private Map<String, Object> runFacts(Execution execution, Validity valid, boolean tableRemoved) {
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("test", options.testName());
    run.put("seed", options.seed());
    run.put("nodes", (long) options.nodes());
    run.put("concurrency", (long) options.concurrency());
    run.put("rate", options.rate());
    run.put("time-limit-s", options.timeLimit().toSeconds());
    run.put("read-consistency", options.readConsistency().name().toLowerCase(java.util.Locale.ROOT));
    run.put("reads-by-lease", readPaths.byLease());
    run.put("reads-by-read-index", readPaths.byReadIndex());
    run.put("reads-forwarded", readPaths.forwarded());
    run.put("invocations", execution.invocations());
    run.put("valid-with-traces?", valid != Validity.UNKNOWN ? (Object) (valid == Validity.TRUE) : "unknown");
    run.put("nftables-table-removed?", tableRemoved);
    return run;
  }

  private static List<Map<String, Object>> damageMaps(Execution execution) {
    List<Map<String, Object>> maps = new ArrayList<>();
    for (Nemesis.DamageOutcome damage : execution.damages()) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("node", (long) damage.node());
      map.put("fault", damage.kind().option());
      map.put("damage", damage.damage());
      map.put("outcome", damage.recovered() ? "recovered" : "refused to start");
      map.put("detail", damage.detail());
      maps.add(map);
    }
    return maps;
  }

  private static Map<String, Object> traceMap(TraceCheckHook.Result traces) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("ran?", traces.available());
    if (traces.available()) {
      map.put("exit", (long) traces.exitCode());
    }
    map.put("output", traces.output());
    return map;
  }
}
