package io.raftkv.sim;

import io.raftkv.cli.CliCommand;
import io.raftkv.core.Assert;
import io.raftkv.cli.HistoryCheck;
import io.raftkv.cli.TraceWriterFactory;
import io.raftkv.core.RaftObserver;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code raftkv sim}: runs the deterministic whole-cluster simulator over a range of seeds.
 *
 * <p>Each seed is one single-threaded run; with {@code --jobs > 1} independent seeds run on
 * separate threads, which changes nothing inside a run, and results are reported in seed order. A
 * failing seed prints its violation and the command that replays it. The last line is always the
 * summary {@code sim: <N> seeds, <V> violations, <E> events, <S> s, <I> snapshots installed, <C>
 * configuration changes, <T> transfers, <R> reads, <L> lease reads, <F> follower reads}; the exit code is 0
 * only when V is 0.
 */
@Command(
    name = "sim",
    mixinStandardHelpOptions = true,
    description = "Run the deterministic cluster simulator (faults, invariant checks) over seeds.")
public final class SimCommand implements CliCommand {

  @Spec CommandSpec spec;

  @Option(names = "--seeds", paramLabel = "A..B", description = "Seeds to run, e.g. 1..2000.")
  String seeds;

  @Option(names = "--seed", paramLabel = "N", description = "Run (replay) one seed.")
  Long seed;

  @Option(
      names = "--ticks",
      paramLabel = "T",
      description = "Length of the safety phase (faults on) in core ticks (default: ${DEFAULT-VALUE}).")
  long ticks = SimulationOptions.DEFAULT_SAFETY_TICKS;

  @Option(
      names = "--liveness-ticks",
      paramLabel = "T",
      description =
          "Tick budget of the liveness phase (default: ${DEFAULT-VALUE}): a leader must emerge"
              + " within its bounds and every acknowledged command must be applied on every node"
              + " within it; from " + Simulation.FAILOVER_LIVENESS_TICKS_MIN + " ticks on, the"
              + " leader is also crashed twice and a new one must be elected within the failover"
              + " bounds.")
  long livenessTicks = SimulationOptions.DEFAULT_LIVENESS_TICKS;

  @Option(
      names = "--nodes",
      paramLabel = "N",
      description = "Cluster size; 0 picks 3 or 5 per seed (default: ${DEFAULT-VALUE}).")
  int nodes = 0;

  @Option(
      names = "--faults",
      paramLabel = "LIST",
      description =
          "Faults to inject: all, none, or a comma list of drop, duplicate, reorder, partition,"
              + " crash, slow-disk, stall, reorder-completions, disk-full"
              + " (default: ${DEFAULT-VALUE}).")
  String faults = "all";

  @Option(
      names = "--snapshot-every",
      paramLabel = "N",
      description =
          "A node snapshots its state machine and compacts its log each time it has applied N"
              + " entries since its last snapshot; 0 never (default: drawn per seed from "
              + Simulation.SNAPSHOT_EVERY_MIN + ".." + Simulation.SNAPSHOT_EVERY_MAX + ").")
  Long snapshotEvery;

  @Option(
      names = "--trace",
      paramLabel = "FILE",
      description = "Write the run's NDJSON trace (needs --seed and trace-check on the class path).")
  Path trace;

  @Option(
      names = "--jobs",
      paramLabel = "J",
      description = "Seeds run in parallel, one thread each (default: the number of processors).")
  int jobs = Runtime.getRuntime().availableProcessors();

  @Option(names = "--verbose", description = "Print one line per seed.")
  boolean verbose;

  @Option(
      names = "--no-core-invariants",
      description =
          "Turn the core's own assertions off (its checks and checkInvariants(); the simulator's"
              + " checks still run), e.g. to see what those checks catch alone in a mutant core.")
  boolean noCoreInvariants;

  @Option(
      names = "--stop-on-failure",
      description = "Stop at the first failing seed (in seed order), e.g. to count seeds-to-catch.")
  boolean stopOnFailure;

  @Option(
      names = "--no-history-check",
      description = "Do not check each seed's client history with the linearizability checker.")
  boolean noHistoryCheck;

  /** The linearizability checker seeds' histories go to, or null (none asked for or found). */
  private HistoryCheck historyCheck;

  @Override
  public Integer call() throws Exception {
    SeedRange range = seedRange();
    SimulationOptions options = options();
    if (trace != null && range.count() != 1) {
      throw new ParameterException(spec.commandLine(), "--trace needs a single --seed");
    }
    if (jobs < 1) {
      throw new ParameterException(spec.commandLine(), "--jobs must be >= 1");
    }
    PrintWriter out = spec.commandLine().getOut();
    historyCheck = noHistoryCheck ? null : loadHistoryCheck();
    long started = System.nanoTime();
    Totals totals = new Totals();
    if (trace != null) {
      // The trace's header names the cluster the seed draws (before it runs).
      try (TraceWriterFactory.TraceWriter writer =
          openTrace(trace, Simulation.shape(range.first(), options))) {
        report(Simulation.run(range.first(), options, writer, historyCheck), options, out, totals);
      }
    } else if (jobs == 1 || range.count() == 1) {
      for (long s = range.first(); s <= range.last() && !totals.stopped(stopOnFailure); s++) {
        report(Simulation.run(s, options, RaftObserver.NONE, historyCheck), options, out, totals);
      }
    } else {
      runParallel(range, options, out, totals);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    if (!totals.occurrences.isEmpty()) {
      StringBuilder faults = new StringBuilder("sim: faults (seeds where seen / times):");
      totals.occurrences.forEach(
          (what, count) ->
              faults.append("\n  ").append(what).append(": ")
                  .append(totals.seedsWith.get(what)).append(" / ").append(count));
      out.println(faults);
    }
    totals.heals.print(out, "after the heal", LeaderChanges.AFTER_HEAL);
    totals.failovers.print(out, "after a failover", LeaderChanges.AFTER_FAILOVER);
    if (seconds > 0) {
      out.printf(
          "sim: %.0f events/s, %.0f observed events/s%n",
          totals.events / seconds, totals.raftEvents / seconds);
    }
    printSummary(out, totals, seconds);
    out.flush();
    return totals.violations == 0 ? 0 : 1;
  }

  /** The last line (class comment). */
  private static void printSummary(PrintWriter out, Totals totals, double seconds) {
    out.printf(
        "sim: %d seeds, %d violations, %d events, %.1f s, %d snapshots installed,"
            + " %d configuration changes, %d transfers, %d reads, %d lease reads, %d follower reads%n",
        totals.seeds, totals.violations, totals.events, seconds, totals.snapshotsInstalled, totals.configChanges,
        totals.transfers, totals.reads, totals.occurrences.getOrDefault(Simulation.LEASE_READS, 0L),
        totals.occurrences.getOrDefault(Simulation.FOLLOWER_READS, 0L));
  }

  private void runParallel(SeedRange range, SimulationOptions options, PrintWriter out, Totals totals)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(jobs);
    try {
      // Submit in bounded windows so 10,000 seeds do not hold 10,000 results at once.
      long next = range.first();
      List<Future<SimulationResult>> window = new ArrayList<>();
      while ((next <= range.last() || !window.isEmpty()) && !totals.stopped(stopOnFailure)) {
        while (next <= range.last() && window.size() < jobs * 8) {
          long s = next++;
          window.add(pool.submit(() -> Simulation.run(s, options, RaftObserver.NONE, historyCheck)));
        }
        Iterator<Future<SimulationResult>> it = window.iterator();
        Future<SimulationResult> head = it.next();
        it.remove();
        try {
          report(head.get(), options, out, totals);
        } catch (ExecutionException e) {
          throw new IllegalStateException("simulator crashed", e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private void report(SimulationResult result, SimulationOptions options, PrintWriter out, Totals totals) {
    totals.seeds++;
    totals.events += result.events();
    totals.raftEvents += result.raftEvents();
    totals.reads += result.reads();
    totals.transfers += result.transfers();
    totals.snapshotsInstalled += result.snapshotsInstalled();
    totals.configChanges += result.configChanges();
    result.occurrences().forEach((what, count) -> {
      totals.occurrences.merge(what, count, Long::sum);
      totals.seedsWith.merge(what, 1L, Long::sum);
    });
    for (SimulationResult.LeaderChange change : result.leaderChanges()) {
      Figures figures = change.failover() ? totals.failovers : totals.heals;
      figures.elections.merge(change.elections(), 1L, Long::sum);
      figures.leaders.merge(change.leaders(), 1L, Long::sum);
      // Rounded up: "within k timeouts" counts a partial timeout as a whole one.
      figures.timeouts.merge((int) Math.ceil(change.timeouts()), 1L, Long::sum);
    }
    if (!result.ok()) {
      totals.violations++;
      out.printf("sim: seed %d FAILED (%s)%n", result.seed(), result.parameters());
      for (String violation : result.violations()) {
        out.printf("sim:   %s%n", violation);
      }
      out.printf("sim:   replay: %s%n", replayCommand(result.seed(), options));
      out.flush();
    } else if (verbose) {
      out.printf(
          "sim: seed %d ok: %d events, %d proposed, %d acknowledged, leader changes %s (%s)%n",
          result.seed(), result.events(), result.proposed(), result.acknowledged(),
          describe(result.leaderChanges()), result.parameters());
      out.flush();
    }
  }

  /**
   * Each liveness-phase leader change as {@code h} (heal) or {@code f} (failover), then its
   * elections, leaders and ticks, e.g. {@code f2e/1l/14t}.
   */
  private static String describe(List<SimulationResult.LeaderChange> changes) {
    List<String> parts = new ArrayList<>();
    for (SimulationResult.LeaderChange change : changes) {
      parts.add(
          (change.failover() ? "f" : "h") + change.elections() + "e/" + change.leaders() + "l/"
              + change.ticks() + "t");
    }
    return String.join(" ", parts);
  }

  /** {@code value:count} pairs in ascending order of value. */
  private static String histogram(TreeMap<Integer, Long> counts) {
    StringBuilder text = new StringBuilder();
    counts.forEach(
        (value, count) ->
            text.append(text.isEmpty() ? "" : " ").append(value).append(':').append(count));
    return text.toString();
  }

  /** The one command that replays a seed with the same options. */
  static String replayCommand(long seed, SimulationOptions options) {
    StringBuilder command = new StringBuilder("./raftkv sim --seed ").append(seed);
    if (options.safetyTicks() != SimulationOptions.DEFAULT_SAFETY_TICKS) {
      command.append(" --ticks ").append(options.safetyTicks());
    }
    if (options.livenessTicks() != SimulationOptions.DEFAULT_LIVENESS_TICKS) {
      command.append(" --liveness-ticks ").append(options.livenessTicks());
    }
    if (options.nodes() != 0) {
      command.append(" --nodes ").append(options.nodes());
    }
    if (!options.checkCoreInvariants()) {
      command.append(" --no-core-invariants");
    }
    if (options.snapshotEvery() != SimulationOptions.SNAPSHOT_EVERY_PER_SEED) {
      command.append(" --snapshot-every ").append(options.snapshotEvery());
    }
    if (!options.faults().equals(Fault.all())) {
      List<String> names = new ArrayList<>();
      options.faults().forEach(f -> names.add(f.spelling()));
      command.append(" --faults ").append(names.isEmpty() ? "none" : String.join(",", names));
    }
    return command.toString();
  }

  private SeedRange seedRange() {
    if ((seeds == null) == (seed == null)) {
      throw new ParameterException(spec.commandLine(), "give exactly one of --seeds A..B or --seed N");
    }
    try {
      return seed != null ? new SeedRange(seed, seed) : SeedRange.parse(seeds);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private SimulationOptions options() {
    if (snapshotEvery != null && snapshotEvery < 0) {
      throw new ParameterException(spec.commandLine(), "--snapshot-every must be >= 0 (0: never)");
    }
    try {
      SimulationOptions options = SimulationOptions.defaults()
          .withSafetyTicks(ticks)
          .withLivenessTicks(livenessTicks)
          .withNodes(nodes)
          .withFaults(Fault.parse(faults))
          .withCoreInvariants(!noCoreInvariants)
          .withSnapshotEvery(
              snapshotEvery == null ? SimulationOptions.SNAPSHOT_EVERY_PER_SEED : snapshotEvery);
      // Process-wide: every run of this command shares the one setting (see Assert#setEnabled).
      Assert.setEnabled(!noCoreInvariants);
      Simulation.checkOptions(options);
      return options;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private HistoryCheck loadHistoryCheck() {
    Iterator<HistoryCheck> checks = ServiceLoader.load(HistoryCheck.class).iterator();
    if (!checks.hasNext()) {
      throw new ParameterException(spec.commandLine(), "checking client histories needs the"
          + " linearizability checker (io.raftkv.cli.HistoryCheck, from the jepsen module) on the"
          + " class path, and none was found; --no-history-check runs without it");
    }
    return checks.next();
  }

  private TraceWriterFactory.TraceWriter openTrace(Path file, Simulation.ClusterShape shape) throws IOException {
    Iterator<TraceWriterFactory> factories = ServiceLoader.load(TraceWriterFactory.class).iterator();
    if (!factories.hasNext()) {
      throw new ParameterException(
          spec.commandLine(),
          "--trace needs a trace writer (io.raftkv.cli.TraceWriterFactory, from the trace-check"
              + " module) on the class path, and none was found");
    }
    return factories.next().open(file, new TraceWriterFactory.ClusterHeader(shape.servers(),
        shape.preVote(), shape.initialVoters(), shape.leaseReads()));
  }

  /** Leader changes of the liveness phase by elections, leaders and timeouts (rounded up) taken. */
  private static final class Figures {
    final TreeMap<Integer, Long> elections = new TreeMap<>();
    final TreeMap<Integer, Long> leaders = new TreeMap<>();
    final TreeMap<Integer, Long> timeouts = new TreeMap<>();

    void print(PrintWriter out, String when, LeaderChanges.Bounds bounds) {
      if (elections.isEmpty()) {
        return;
      }
      out.printf(
          "sim: liveness %s: elections %s (bound %d); leaders %s%s;"
              + " election timeouts %s (bound %d)%n",
          when, histogram(elections), bounds.elections(), histogram(leaders),
          bounds.leaders() == Integer.MAX_VALUE ? "" : " (bound " + bounds.leaders() + ")",
          histogram(timeouts), bounds.electionTimeouts());
    }
  }

  private static final class Totals {
    long seeds;
    long violations;
    long reads;
    long transfers;
    long configChanges;
    long snapshotsInstalled;
    long events;
    long raftEvents;
    final TreeMap<String, Long> occurrences = new TreeMap<>();
    final TreeMap<String, Long> seedsWith = new TreeMap<>();
    final Figures heals = new Figures();
    final Figures failovers = new Figures();

    boolean stopped(boolean stopOnFailure) {
      return stopOnFailure && violations > 0;
    }
  }
}
