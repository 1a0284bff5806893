package io.raftkv.jepsen.analysis;

import io.raftkv.jepsen.history.OpType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts, latency and throughput of the client ops.
 *
 * @param counts per f, per completion type (info includes ops that never completed)
 * @param latencyMillis per f, the ok ops' latency quantiles: p50, p95, p99, max
 * @param opsPerSecond completed ops (any type) per second of the workload's span
 * @param okPerSecond ok ops per second of that span
 * @param spanSeconds from the first invocation to the last completion
 */
public record Stats(Map<String, Map<OpType, Integer>> counts, Map<String, double[]> latencyMillis,
    double opsPerSecond, double okPerSecond, double spanSeconds) {

  public static Stats of(List<CompletedOp> ops) {
    Map<String, Map<OpType, Integer>> counts = new TreeMap<>();
    Map<String, List<Long>> latencies = new TreeMap<>();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    int completed = 0;
    int ok = 0;
    for (CompletedOp op : ops) {
      String f = op.invocation().f();
      counts.computeIfAbsent(f, k -> new TreeMap<>()).merge(op.type(), 1, Integer::sum);
      first = Math.min(first, op.invocation().time());
      if (op.completion() != null) {
        completed++;
        last = Math.max(last, op.completion().time());
      }
      if (op.type() == OpType.OK) {
        ok++;
        latencies.computeIfAbsent(f, k -> new ArrayList<>()).add(op.latencyNanos());
      }
    }
    double span = last > first ? (last - first) / 1e9 : 0;
    Map<String, double[]> quantiles = new TreeMap<>();
    latencies.forEach((f, values) -> quantiles.put(f, quantiles(values)));
    return new Stats(counts, quantiles, span > 0 ? completed / span : 0, span > 0 ? ok / span : 0, span);
  }

  /** p50, p95, p99 and max of the values, in milliseconds. */
  static double[] quantiles(List<Long> nanos) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    return new double[] {at(sorted, 0.5), at(sorted, 0.95), at(sorted, 0.99), at(sorted, 1.0)};
  }

  private static double at(List<Long> sorted, double q) {
    int index = (int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1);
    return sorted.get(Math.max(0, index)) / 1e6;
  }

  /** One line per f: counts by type and the ok latency quantiles. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    counts.forEach((f, byType) -> {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-5s", f));
      for (OpType type : List.of(OpType.OK, OpType.FAIL, OpType.INFO)) {
        line.append(String.format(Locale.ROOT, " %s %-6d", type.wireName(), byType.getOrDefault(type, 0)));
      }
      double[] q = latencyMillis.get(f);
      if (q != null) {
        line.append(String.format(Locale.ROOT, " latency ms p50 %.1f p95 %.1f p99 %.1f max %.1f", q[0], q[1], q[2],
            q[3]));
      }
      lines.add(line.toString());
    });
    return lines;
  }
}
