package io.raftkv.jepsen.report;

import io.raftkv.jepsen.analysis.LostWrites;
import io.raftkv.jepsen.analysis.RunAnalysis;
import io.raftkv.jepsen.history.EdnWriter;
import io.raftkv.jepsen.history.Keyword;
import io.raftkv.jepsen.history.OpType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code results.edn}: the checkers' results as one EDN map, in Jepsen's shape ({@code :valid?} first). */
public final class ResultsEdn {
  private ResultsEdn() {}

  /**
   * @param run facts about the run (seed, nodes, options...), keyword keys
   * @param faults the fault windows
   * @param damages one map per damaged node's restart
   * @param traces the trace validation's result
   */
  public static String render(RunAnalysis analysis, Map<String, Object> run, List<FaultSpan> faults,
      List<Map<String, Object>> damages, Map<String, Object> traces) {
    Map<Object, Object> results = new LinkedHashMap<>();
    results.put(k("valid?"), validity(analysis.valid().edn()));
    Map<Object, Object> linear = new LinkedHashMap<>();
    linear.put(k("valid?"), validity(analysis.linearizable().edn()));
    if (analysis.check() != null) {
      linear.put(k("verdict"), k(analysis.check().verdict().name().toLowerCase(java.util.Locale.ROOT)));
      linear.put(k("keys"), (long) analysis.check().partitions());
      linear.put(k("checker-ms"), analysis.check().nanos() / 1_000_000L);
    }
    if (analysis.reason() != null) {
      linear.put(k("reason"), analysis.reason());
    }
    if (!analysis.anomaly().isEmpty()) {
      linear.put(k("anomaly"), analysis.anomaly());
    }
    results.put(k("linearizable"), linear);
    Map<Object, Object> lost = new LinkedHashMap<>();
    lost.put(k("valid?"), validity(analysis.lostValidity().edn()));
    lost.put(k("lost"), analysis.lost().stream().map(LostWrites.Lost::toString).toList());
    lost.put(k("keys-without-final-read"), analysis.keysWithoutFinalRead());
    results.put(k("lost-writes"), lost);
    results.put(k("stats"), stats(analysis));
    results.put(k("faults"), faults(faults));
    results.put(k("damage"), keywords(damages));
    results.put(k("trace-check"), keywords(List.of(traces)).get(0));
    results.put(k("run"), keywords(List.of(run)).get(0));
    return EdnWriter.format(results) + "\n";
  }

  private static Object validity(String edn) {
    return edn.startsWith(":") ? k(edn.substring(1)) : Boolean.valueOf(edn);
  }

  private static Map<Object, Object> stats(RunAnalysis analysis) {
    Map<Object, Object> stats = new LinkedHashMap<>();
    stats.put(k("ops-per-second"), round(analysis.stats().opsPerSecond()));
    stats.put(k("ok-per-second"), round(analysis.stats().okPerSecond()));
    stats.put(k("span-seconds"), round(analysis.stats().spanSeconds()));
    Map<Object, Object> counts = new LinkedHashMap<>();
    analysis.stats().counts().forEach((f, byType) -> {
      Map<Object, Object> types = new LinkedHashMap<>();
      for (OpType type : List.of(OpType.OK, OpType.FAIL, OpType.INFO)) {
        types.put(k(type.wireName()), (long) byType.getOrDefault(type, 0));
      }
      counts.put(k(f), types);
    });
    stats.put(k("counts"), counts);
    Map<Object, Object> latency = new LinkedHashMap<>();
    analysis.stats().latencyMillis().forEach((f, q) -> latency.put(k(f), ordered(k("p50"), round(q[0]),
        k("p95"), round(q[1]), k("p99"), round(q[2]), k("max"), round(q[3]))));
    stats.put(k("ok-latency-ms"), latency);
    return stats;
  }

  private static Map<Object, Object> faults(List<FaultSpan> faults) {
    Map<Object, Object> summary = new LinkedHashMap<>();
    summary.put(k("count"), (long) faults.size());
    TreeMap<String, Long> byKind = new TreeMap<>();
    faults.forEach(f -> byKind.merge(f.kind(), 1L, Long::sum));
    Map<Object, Object> kinds = new LinkedHashMap<>();
    byKind.forEach((kind, count) -> kinds.put(k(kind), count));
    summary.put(k("by-kind"), kinds);
    List<Object> windows = new ArrayList<>();
    for (FaultSpan f : faults) {
      windows.add(List.of(k(f.kind()), round(f.startNanos() / 1e9), round(f.endNanos() / 1e9), f.description()));
    }
    summary.put(k("windows"), windows);
    return summary;
  }

  private static List<Map<Object, Object>> keywords(List<Map<String, Object>> maps) {
    List<Map<Object, Object>> out = new ArrayList<>();
    for (Map<String, Object> map : maps) {
      Map<Object, Object> converted = new LinkedHashMap<>();
      map.forEach((key, value) -> converted.put(k(key), value));
      out.add(converted);
    }
    return out;
  }

  private static Map<Object, Object> ordered(Object... keysAndValues) {
    Map<Object, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  private static Keyword k(String name) {
    return Keyword.of(name);
  }
}
