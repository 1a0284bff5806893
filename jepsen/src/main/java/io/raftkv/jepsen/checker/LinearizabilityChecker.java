package io.raftkv.jepsen.checker;

import io.raftkv.jepsen.history.EdnWriter;
import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.HistoryFormatException;
import io.raftkv.jepsen.model.Model;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decides whether a history is linearizable with respect to a model.
 *
 * <p>P-compositionality: when the model is a product of independent objects (kv: one register per
 * key), the history is linearizable iff each key's sub-history is, so each is searched on its own
 * ({@link WglSearch}). The searches take turns of a growing number of steps ({@link TurnTaking}),
 * on the calling thread or, when there is enough work to pay for it, on several, so a key whose
 * search is exponential does not hold back a key that fails fast; the first partition found not
 * linearizable cancels the others. On NOT_LINEARIZABLE the failing partition is searched again
 * with diagnostics (kept off the fast path) to build the {@link Anomaly}.
 */
public final class LinearizabilityChecker {
  /** Below this many ops in all, partitions are searched in the calling thread. */
  private static final int PARALLEL_THRESHOLD_OPS = 2_000;
  private static final int LAST_OK = 8;

  private static final ExecutorService POOL = Executors.newFixedThreadPool(
      Math.max(1, Runtime.getRuntime().availableProcessors()), runnable -> {
        Thread thread = new Thread(runnable, "linearizability-search-" + Counter.NEXT.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      });

  private static final class Counter {
    static final AtomicInteger NEXT = new AtomicInteger();
  }

  private LinearizabilityChecker() {}

  /**
   * Checks {@code history}.
   *
   * @throws HistoryFormatException if the history does not pair up or has ops the model lacks
   */
  public static CheckResult check(History history, Model model, CheckOptions options) throws HistoryFormatException {
    long start = System.nanoTime();
    List<PairedOp> ops = Pairing.pair(history, model, options.keepFailedCas());
    return check(history.invocationCount(), ops, model, options, start);
  }

  /** Checks already paired ops; {@code invocations} is only reported. */
  public static CheckResult check(int invocations, List<PairedOp> ops, Model model, CheckOptions options, long start) {
    return new Check(model, options, start).add(invocations, ops).run().get(0);
  }

  /**
   * Checks independent histories (one per key, say, as a harness records them) as one check: the
   * searches of all their partitions take turns and share the options' time and memory bounds, and
   * the first history found NOT_LINEARIZABLE stops the others; one stopped before its verdict is
   * UNKNOWN with a reason starting {@code cancelled}. Each result's time is the whole check's.
   *
   * @return a result per history, in order
   * @throws HistoryFormatException if a history does not pair up or has ops the model lacks
   */
  public static List<CheckResult> checkEach(List<History> histories, Model model, CheckOptions options)
      throws HistoryFormatException {
    long start = System.nanoTime();
    Check check = new Check(model, options, start);
    for (History history : histories) {
      check.add(history.invocationCount(), Pairing.pair(history, model, options.keepFailedCas()));
    }
    return check.run();
  }

  private static String describePartition(Object key) {
    return key == null ? "" : "key " + EdnWriter.format(key) + ": ";
  }

  /** Groups ops by partition, in order of first appearance (each group keeps invocation order). */
  static Map<Object, List<PairedOp>> partition(List<PairedOp> ops, Model model, boolean byPartition) {
    Map<Object, List<PairedOp>> partitions = new LinkedHashMap<>();
    if (!byPartition) {
      partitions.put(null, ops);
      return partitions;
    }
    for (PairedOp op : ops) {
      partitions.computeIfAbsent(model.partitionOf(op.operation()), k -> new ArrayList<>()).add(op);
    }
    if (partitions.isEmpty()) {
      partitions.put(null, List.of());
    }
    return partitions;
  }

  /** One check of one or more histories: all their partitions searched together, a result per history. */
  private static final class Check {
    private final Model model;
    private final Model partModel;
    private final CheckOptions options;
    private final long start;
    /** Per history: its client invocations. */
    private final List<Integer> invocations = new ArrayList<>();
    // Per partition: its key (null when not partitioned), its ops and the history it belongs to.
    private final List<Object> keys = new ArrayList<>();
    private final List<List<PairedOp>> parts = new ArrayList<>();
    private final List<Integer> owners = new ArrayList<>();
    private int opCount;

    Check(Model model, CheckOptions options, long start) {
      this.model = model;
      this.partModel = options.partition() ? model.partitionModel() : model;
      this.options = options;
      this.start = start;
    }

    Check add(int invocationCount, List<PairedOp> ops) {
      int owner = invocations.size();
      invocations.add(invocationCount);
      for (Map.Entry<Object, List<PairedOp>> e : partition(ops, model, options.partition()).entrySet()) {
        keys.add(e.getKey());
        parts.add(e.getValue());
        owners.add(owner);
      }
      opCount += ops.size();
      return this;
    }

    List<CheckResult> run() {
      Budget budget = new Budget(start + options.timeout().toNanos(), options.maxMemoryBytes());
      int threads = Math.min(options.threads(), parts.size());
      boolean parallel = threads > 1 && opCount >= PARALLEL_THRESHOLD_OPS;
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < parts.size(); i++) {
        order.add(i);
      }
      if (parallel) {
        // Biggest first, so the longest search starts earliest.
        order.sort(Comparator.comparingInt((Integer i) -> parts.get(i).size()).reversed());
      }
      TurnTaking turns = new TurnTaking(partModel, parts, order, budget);
      SearchResult[] results = turns.run(parallel ? threads : 1, POOL);
      List<CheckResult> checked = new ArrayList<>();
      for (int owner = 0; owner < invocations.size(); owner++) {
        checked.add(result(owner, results, turns));
      }
      return checked;
    }

    /** The verdict of history {@code owner}: its first failing partition, else its first unknown one. */
    private CheckResult result(int owner, SearchResult[] results, TurnTaking turns) {
      long configurations = 0;
      long steps = 0;
      int count = 0;
      int failing = -1;
      String unknownReason = null;
      String cancelled = null;
      for (int i = 0; i < parts.size(); i++) {
        if (owners.get(i) != owner) {
          continue;
        }
        count++;
        steps += turns.steps(i);
        SearchResult r = results[i];
        configurations += r.configurations();
        if (r.verdict() == Verdict.NOT_LINEARIZABLE && failing < 0) {
          failing = i;
        } else if (r.verdict() == Verdict.UNKNOWN && r.reason().startsWith("cancelled")) {
          cancelled = invocations.size() > 1 ? "cancelled: another history is not linearizable" : r.reason();
        } else if (r.verdict() == Verdict.UNKNOWN && unknownReason == null) {
          unknownReason = describePartition(keys.get(i)) + r.reason();
        }
      }
      Verdict verdict = failing >= 0 ? Verdict.NOT_LINEARIZABLE
          : unknownReason != null || cancelled != null ? Verdict.UNKNOWN : Verdict.LINEARIZABLE;
      Anomaly anomaly = failing >= 0 ? diagnose(failing) : null;
      String reason = verdict != Verdict.UNKNOWN ? null : unknownReason != null ? unknownReason : cancelled;
      return new CheckResult(verdict, invocations.get(owner), count, configurations, steps, System.nanoTime() - start,
          reason, anomaly, partModel.describe(partModel.initialState()));
    }

    /** With diagnostics on, searches the failing partition again to collect its anomaly. */
    private Anomaly diagnose(int part) {
      if (!options.diagnose()) {
        return null;
      }
      Budget budget = new Budget(System.nanoTime() + options.timeout().toNanos(), options.maxMemoryBytes());
      SearchResult verbose = new WglSearch(partModel, parts.get(part), budget).run(true);
      if (verbose.verdict() != Verdict.NOT_LINEARIZABLE) {
        return null;
      }
      return anomaly(keys.get(part), parts.get(part), verbose, partModel);
    }
  }

  private static Anomaly anomaly(Object key, List<PairedOp> part, SearchResult verbose, Model model) {
    List<Anomaly.Prefix> prefixes = new ArrayList<>();
    int blockingIndex = -1;
    for (SearchResult.Prefix p : verbose.prefixes()) {
      if (blockingIndex < 0) {
        blockingIndex = p.blocking();
      }
      List<PairedOp> order = new ArrayList<>();
      List<String> states = new ArrayList<>();
      for (int i = 0; i < p.order().length; i++) {
        order.add(part.get(p.order()[i]));
        states.add(model.describe(p.states()[i]));
      }
      prefixes.add(new Anomaly.Prefix(order, states));
    }
    PairedOp blocking = part.get(blockingIndex);
    int end = blocking.completion() != null ? blocking.completion().index() : blocking.invocation().index();
    List<PairedOp> lastOk = new ArrayList<>();
    for (PairedOp op : part) {
      if (op.operation().observed() && op.completion().index() < end) {
        lastOk.add(op);
      }
    }
    lastOk.sort(Comparator.comparingInt(op -> op.completion().index()));
    if (lastOk.size() > LAST_OK) {
      lastOk = new ArrayList<>(lastOk.subList(lastOk.size() - LAST_OK, lastOk.size()));
    }
    int from = blocking.invocation().index();
    for (PairedOp op : lastOk) {
      from = Math.min(from, op.invocation().index());
    }
    for (Anomaly.Prefix prefix : prefixes) {
      if (!prefix.ops().isEmpty()) {
        PairedOp last = prefix.ops().get(prefix.ops().size() - 1);
        from = Math.min(from, last.invocation().index());
      }
    }
    return new Anomaly(key, blocking, List.copyOf(lastOk), List.copyOf(prefixes), from, end);
  }
}
