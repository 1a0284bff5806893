package io.raftkv.jepsen.cli;

import io.raftkv.cli.CliCommand;
import io.raftkv.jepsen.checker.CheckOptions;
import io.raftkv.jepsen.checker.CheckResult;
import io.raftkv.jepsen.checker.LinearizabilityChecker;
import io.raftkv.jepsen.checker.Verdict;
import io.raftkv.jepsen.history.EdnReader;
import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.HistoryFormatException;
import io.raftkv.jepsen.history.HistoryReader;
import io.raftkv.jepsen.model.Model;
import io.raftkv.jepsen.report.AnomalyText;
import io.raftkv.jepsen.report.TimelineHtml;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code raftkv check-history}: linearizability of Jepsen-format histories. */
@Command(
    name = "check-history",
    mixinStandardHelpOptions = true,
    description = {
      "Checks whether each history is linearizable with respect to a model.",
      "Prints one line per file: <file> <VERDICT> <ops> ops <ms> ms.",
      "Exit status: 0 all linearizable; 1 some history is not linearizable (or, with --manifest, some verdict",
      "differs from the expected one); 2 otherwise when some history is UNKNOWN (a bound was reached) or unreadable."
    })
public final class CheckHistoryCommand implements CliCommand {
  @Option(names = "--model", paramLabel = "M", defaultValue = "cas-register",
      description = "cas-register, register, multi-register, mutex or kv (default: ${DEFAULT-VALUE})")
  String model;

  @Option(names = "--init", paramLabel = "V", description = "initial value as EDN (default: 0, {:x 0 :y 0}, false, nil)")
  String init;

  @Option(names = "--nil-read-wildcard", description = "Knossos's rule: an ok read of nil matches any state")
  boolean nilReadWildcard;

  @Option(names = "--keep-failed-cas",
      description = "keep a failed cas as the observation 'value was not the expected one' instead of dropping it")
  boolean keepFailedCas;

  @Option(names = "--timeout", paramLabel = "S", defaultValue = "60", description = "seconds per history (default: ${DEFAULT-VALUE})")
  double timeoutSeconds;

  @Option(names = "--max-memory", paramLabel = "MIB", defaultValue = "1024",
      description = "MiB the search may cache per history (default: ${DEFAULT-VALUE})")
  long maxMemoryMib;

  @Option(names = "--threads", paramLabel = "N", description = "partitions searched at once (default: cores)")
  Integer threads;

  @Option(names = "--no-partition", description = "do not split kv histories by key (slow; for comparison)")
  boolean noPartition;

  @Option(names = "--manifest", paramLabel = "FILE",
      description = "check every history a MANIFEST.tsv lists (columns path, model, linearizable) against its verdict")
  Path manifest;

  @Option(names = "--explain", description = "print the anomaly of each non-linearizable history")
  boolean explain;

  @Option(names = "--html", paramLabel = "DIR", description = "write a timeline of each anomaly to DIR/<file>.html")
  Path htmlDirectory;

  @Option(names = "--bench", paramLabel = "N",
      description = "after --warmup rounds over all files, time N checks of each; print median/min/max per file and per folder")
  int benchRuns;

  @Option(names = "--warmup", paramLabel = "R", defaultValue = "200", description = "warm-up rounds for --bench (default: ${DEFAULT-VALUE})")
  int warmupRounds;

  @Parameters(paramLabel = "FILE", arity = "0..*", description = "history files (EDN or JSON lines)")
  List<Path> files = new ArrayList<>();

  private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  /**
   * A history to check, and what the manifest expects of it (null without a manifest).
   *
   * @param initOrigin where its model's initial value was given, to blame a bad one there
   */
  private record Job(String label, Path path, ModelChoice choice, String initOrigin, Boolean expected,
      Integer expectedOps) {}

  /** A job's history and model once read, or why they could not be. */
  private record Loaded(Job job, History history, Model model, String error) {}

  @Override
  public Integer call() {
    List<Job> jobs;
    try {
      jobs = jobs();
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("check-history: " + e.getMessage());
      return 2;
    }
    if (jobs.isEmpty()) {
      System.err.println("check-history: no files given (FILE... or --manifest FILE)");
      return 2;
    }
    CheckOptions options = CheckOptions.defaults()
        .withTimeout(Duration.ofNanos((long) (timeoutSeconds * 1e9)))
        .withMaxMemoryBytes(maxMemoryMib << 20)
        .withPartition(!noPartition)
        .withKeepFailedCas(keepFailedCas)
        .withDiagnose(explain || htmlDirectory != null); // the anomaly costs a second search
    if (threads != null) {
      options = options.withThreads(threads);
    }
    EdnReader.warmUp();
    List<Loaded> loaded = new ArrayList<>();
    for (Job job : jobs) {
      loaded.add(load(job));
    }
    return benchRuns > 0 ? bench(loaded, options) : check(loaded, options);
  }

  private List<Job> jobs() throws IOException {
    List<Job> jobs = new ArrayList<>();
    if (manifest != null) {
      jobs.addAll(manifestJobs(manifest));
    }
    ModelChoice choice;
    try {
      choice = new ModelChoice(model, init, nilReadWildcard);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--model: " + e.getMessage(), e);
    }
    choice.build("--init"); // a bad --init is the option's fault, not each file's
    for (Path file : files) {
      jobs.add(new Job(file.toString(), file, choice, "--init", null, null));
    }
    return jobs;
  }

  /** The manifest's rows: tab-separated with a header naming at least path, model, linearizable. */
  static List<Job> manifestJobs(Path manifest) throws IOException {
    List<String> lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      throw new IllegalArgumentException(manifest + " is empty");
    }
    List<String> header = Arrays.asList(lines.get(0).split("\t", -1));
    int pathColumn = header.indexOf("path");
    int modelColumn = header.indexOf("model");
    int verdictColumn = header.indexOf("linearizable");
    int opsColumn = header.indexOf("ops");
    if (pathColumn < 0 || modelColumn < 0 || verdictColumn < 0) {
      throw new IllegalArgumentException(manifest + ": header must name the columns path, model and linearizable");
    }
    Path base = manifest.toAbsolutePath().getParent();
    List<Job> jobs = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] cells = line.split("\t", -1);
      if (cells.length <= Math.max(pathColumn, Math.max(modelColumn, verdictColumn))) {
        throw new IllegalArgumentException(manifest + " line " + (i + 1) + ": too few columns");
      }
      String verdict = cells[verdictColumn].trim();
      if (!verdict.equals("true") && !verdict.equals("false")) {
        throw new IllegalArgumentException(manifest + " line " + (i + 1) + ": linearizable must be true or false");
      }
      Integer ops = opsColumn >= 0 && opsColumn < cells.length && cells[opsColumn].trim().matches("\\d+")
          ? Integer.valueOf(cells[opsColumn].trim()) : null;
      String path = cells[pathColumn].trim();
      ModelChoice choice;
      try {
        choice = ModelChoice.fromManifest(cells[modelColumn]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(manifest + " line " + (i + 1) + ": " + e.getMessage(), e);
      }
      jobs.add(new Job(path, base.resolve(path), choice,
          manifest + " line " + (i + 1) + ": init", verdict.equals("true"), ops));
    }
    return jobs;
  }

  private static Loaded load(Job job) {
    try {
      History history = HistoryReader.read(job.path());
      return new Loaded(job, history, job.choice().build(job.initOrigin()), null);
    } catch (IOException e) {
      return new Loaded(job, null, null, "cannot read: " + e);
    } catch (HistoryFormatException | IllegalArgumentException e) {
      return new Loaded(job, null, null, e.getMessage());
    }
  }

  private int check(List<Loaded> loaded, CheckOptions options) {
    Tally tally = new Tally();
    for (Loaded l : loaded) {
      CheckResult result = null;
      String error = l.error();
      if (error == null) {
        try {
          result = LinearizabilityChecker.check(l.history(), l.model(), options);
        } catch (HistoryFormatException e) {
          error = e.getMessage();
        }
      }
      StringBuilder line = new StringBuilder(l.job().label()).append(expectation(l.job()));
      if (result == null) {
        line.append(" UNKNOWN (unreadable: ").append(error).append(')');
      } else {
        line.append(' ').append(result.verdict()).append(' ').append(result.invocations()).append(" ops ")
            .append(millis(result.nanos())).append(" ms");
        if (result.verdict() == Verdict.UNKNOWN) {
          line.append(" (").append(result.reason()).append(')');
        }
      }
      out.println(line.append(tally.add(l.job(), result)));
      if (result != null && result.verdict() == Verdict.NOT_LINEARIZABLE) {
        report(l, result);
      }
    }
    return finish(tally);
  }

  /** With a manifest, prints the summary line; returns the exit status. */
  private int finish(Tally tally) {
    if (manifest != null) {
      out.println(tally.summary());
    }
    return tally.exit(manifest != null);
  }

  private static String expectation(Job job) {
    return job.expected() == null ? ""
        : " expected " + (job.expected() ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE) + " actual";
  }

  /** What decides the exit status, counted as files are checked (with or without --bench). */
  private static final class Tally {
    private int files;
    private int mismatches;
    private int unknown;
    private int notLinearizable;

    /** Counts a file's result (null: unreadable); returns what its line adds when it differs from the manifest. */
    String add(Job job, CheckResult result) {
      files++;
      if (result == null || result.verdict() == Verdict.UNKNOWN) {
        unknown++;
        return "";
      }
      if (result.verdict() == Verdict.NOT_LINEARIZABLE) {
        notLinearizable++;
      }
      if (job.expected() == null) {
        return "";
      }
      if ((result.verdict() == Verdict.LINEARIZABLE) != job.expected()) {
        mismatches++;
        return " MISMATCH";
      }
      if (job.expectedOps() != null && job.expectedOps() != result.invocations()) {
        mismatches++;
        return " MISMATCH (manifest says " + job.expectedOps() + " ops)";
      }
      return "";
    }

    String summary() {
      return "check-history: " + files + " files, " + mismatches + " mismatches, " + unknown + " unknown";
    }

    /** With a manifest: 1 on a mismatch; without: 1 if a history is not linearizable; else 2 if any is unknown. */
    int exit(boolean againstManifest) {
      if (againstManifest ? mismatches > 0 : notLinearizable > 0) {
        return 1;
      }
      return unknown > 0 ? 2 : 0;
    }
  }

  private void report(Loaded l, CheckResult result) {
    if (result.anomaly() == null) {
      return;
    }
    if (explain) {
      out.print(AnomalyText.render(l.history(), result));
    }
    if (htmlDirectory != null) {
      String name = l.job().label().replaceAll("[^A-Za-z0-9._-]+", "_") + ".html";
      Path target = htmlDirectory.resolve(name);
      try {
        Files.createDirectories(htmlDirectory);
        Files.writeString(target, TimelineHtml.render(l.history(), result, l.model().name()), StandardCharsets.UTF_8);
        out.println("  timeline: " + target);
      } catch (IOException e) {
        System.err.println("check-history: cannot write " + target + ": " + e.getMessage());
      }
    }
  }

  /**
   * Times the checks (diagnostics off: only the decision) after warming the JIT on every file.
   * Exits by the verdicts, as without --bench.
   */
  private int bench(List<Loaded> loaded, CheckOptions options) {
    CheckOptions timed = options.withDiagnose(false);
    Tally tally = new Tally();
    List<Loaded> checkable = new ArrayList<>();
    for (Loaded l : loaded) {
      String error = l.error() != null ? l.error() : pairingError(l, timed);
      if (error == null) {
        checkable.add(l);
      } else {
        out.println(l.job().label() + expectation(l.job()) + " UNKNOWN (unreadable: " + error + ")"
            + tally.add(l.job(), null));
      }
    }
    for (int round = 0; round < warmupRounds; round++) {
      for (Loaded l : checkable) {
        checkPaired(l, timed);
      }
    }
    Map<String, List<Double>> byFolder = new TreeMap<>();
    for (Loaded l : checkable) {
      double[] ms = new double[benchRuns];
      CheckResult last = null;
      for (int run = 0; run < benchRuns; run++) {
        last = checkPaired(l, timed);
        ms[run] = last.nanos() / 1e6;
      }
      Arrays.sort(ms);
      double median = ms[ms.length / 2];
      out.printf(Locale.ROOT, "%s %s %d ops median %.3f ms min %.3f max %.3f (%d runs)%s%n", l.job().label(),
          last.verdict(), last.invocations(), median, ms[0], ms[ms.length - 1], benchRuns, tally.add(l.job(), last));
      String label = l.job().label();
      String folder = label.contains("/") ? label.substring(0, label.lastIndexOf('/')) : ".";
      byFolder.computeIfAbsent(folder, k -> new ArrayList<>()).add(median);
    }
    for (Map.Entry<String, List<Double>> e : byFolder.entrySet()) {
      double[] medians = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
      out.printf(Locale.ROOT, "bench: %s/ %d files, per-file median %.3f ms, max %.3f ms%n", e.getKey(),
          medians.length, medians[medians.length / 2], medians[medians.length - 1]);
    }
    return finish(tally);
  }

  /** Why {@code l}'s history does not pair up with its model, or null if it does. */
  private static String pairingError(Loaded l, CheckOptions options) {
    try {
      LinearizabilityChecker.check(l.history(), l.model(), options);
      return null;
    } catch (HistoryFormatException e) {
      return e.getMessage();
    }
  }

  /** Checks a history that {@link #pairingError} found to pair up (so that it cannot throw). */
  private static CheckResult checkPaired(Loaded l, CheckOptions options) {
    try {
      return LinearizabilityChecker.check(l.history(), l.model(), options);
    } catch (HistoryFormatException e) {
      throw new IllegalStateException("paired before, not now: " + e.getMessage(), e);
    }
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }
}
