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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decides whether a history is linearizable with respect to a model.
 *
 * <p>P-compositionality: when the model is a product of independent objects (kv: one register per
 * key), the history is linearizable iff each key's sub-history is, so each is searched on its own
 * ({@link WglSearch}) — in parallel when there is enough work to pay for it — and the first
 * partition found not linearizable cancels the others. On NOT_LINEARIZABLE the failing partition
 * is searched again with diagnostics (kept off the fast path) to build the {@link Anomaly}.
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
    Map<Object, List<PairedOp>> partitions = partition(ops, model, options.partition());
    Model partModel = options.partition() ? model.partitionModel() : model;
    String initial = partModel.describe(partModel.initialState());
    List<Map.Entry<Object, List<PairedOp>>> parts = new ArrayList<>(partitions.entrySet());
    int threads = Math.min(options.threads(), parts.size());
    boolean parallel = threads > 1 && ops.size() >= PARALLEL_THRESHOLD_OPS;
    long searchBytes = parallel ? options.maxMemoryBytes() / threads : options.maxMemoryBytes();
    Budget budget = new Budget(start + options.timeout().toNanos(), Math.max(1 << 20, searchBytes));
    SearchResult[] results = new SearchResult[parts.size()];
    if (parallel) {
      searchInParallel(partModel, parts, budget, results);
    } else {
      for (int i = 0; i < parts.size(); i++) {
        results[i] = new WglSearch(partModel, parts.get(i).getValue(), budget).run(false);
        if (results[i].verdict() == Verdict.NOT_LINEARIZABLE) {
          break;
        }
      }
    }
    long configurations = 0;
    int failing = -1;
    String unknownReason = null;
    for (int i = 0; i < results.length; i++) {
      SearchResult r = results[i];
      if (r == null) {
        continue;
      }
      configurations += r.configurations();
      if (r.verdict() == Verdict.NOT_LINEARIZABLE && failing < 0) {
        failing = i;
      } else if (r.verdict() == Verdict.UNKNOWN && unknownReason == null && !r.reason().startsWith("cancelled")) {
        unknownReason = describePartition(parts.get(i).getKey()) + r.reason();
      }
    }
    if (failing >= 0) {
      Anomaly anomaly = null;
      if (options.diagnose()) {
        Budget diagnoseBudget = new Budget(System.nanoTime() + options.timeout().toNanos(), options.maxMemoryBytes());
        List<PairedOp> part = parts.get(failing).getValue();
        SearchResult verbose = new WglSearch(partModel, part, diagnoseBudget).run(true);
        if (verbose.verdict() == Verdict.NOT_LINEARIZABLE) {
          anomaly = anomaly(parts.get(failing).getKey(), part, verbose, partModel);
        }
      }
      return new CheckResult(Verdict.NOT_LINEARIZABLE, invocations, parts.size(), configurations,
          System.nanoTime() - start, null, anomaly, initial);
    }
    if (unknownReason != null) {
      return new CheckResult(Verdict.UNKNOWN, invocations, parts.size(), configurations, System.nanoTime() - start,
          unknownReason, null, initial);
    }
    return new CheckResult(Verdict.LINEARIZABLE, invocations, parts.size(), configurations,
        System.nanoTime() - start, null, null, initial);
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

  private static void searchInParallel(Model model, List<Map.Entry<Object, List<PairedOp>>> parts, Budget budget,
      SearchResult[] results) {
    // Biggest first, so the longest search starts earliest.
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingInt((Integer i) -> parts.get(i).getValue().size()).reversed());
    List<Future<?>> futures = new ArrayList<>();
    for (int i : order) {
      futures.add(POOL.submit(() -> {
        if (budget.cancelled.get()) {
          results[i] = new SearchResult(Verdict.UNKNOWN, "cancelled: another partition is not linearizable", 0,
              List.of());
          return;
        }
        SearchResult r = new WglSearch(model, parts.get(i).getValue(), budget).run(false);
        results[i] = r;
        if (r.verdict() == Verdict.NOT_LINEARIZABLE) {
          budget.cancelled.set(true);
        }
      }));
    }
    for (Future<?> future : futures) {
      try {
        future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        budget.cancelled.set(true);
      } catch (ExecutionException e) {
        throw new IllegalStateException("search failed", e.getCause());
      }
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
