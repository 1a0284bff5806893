package io.raftkv.jepsen.runner;

import io.raftkv.jepsen.analysis.RunAnalysis;
import io.raftkv.jepsen.analysis.Validity;
import io.raftkv.jepsen.nemesis.Nemesis;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/** The run's closing lines; the last is {@code :valid? true|false|:unknown}. */
final class Summary {
  private Summary() {}

  static void print(RunLog log, RunOptions options, RunAnalysis analysis, List<Nemesis.Window> windows,
      List<Nemesis.DamageOutcome> damages, TraceCheckHook.Result traces, boolean tableRemoved, Path runDir,
      Validity valid, String reads) {
    log.line("");
    log.line("ops:");
    analysis.stats().describe().forEach(line -> log.line("  " + line));
    log.line(String.format(Locale.ROOT, "throughput: %.1f ops/s (%.1f ok/s) over %.1f s",
        analysis.stats().opsPerSecond(), analysis.stats().okPerSecond(), analysis.stats().spanSeconds()));
    log.line(reads);
    TreeMap<String, Integer> byKind = new TreeMap<>();
    windows.forEach(w -> byKind.merge(w.kind().option(), 1, Integer::sum));
    log.line("faults: " + windows.size() + (byKind.isEmpty() ? "" : " " + byKind));
    for (Nemesis.DamageOutcome damage : damages) {
      log.line("damage: node " + damage.node() + " " + damage.damage() + " -> "
          + (damage.recovered() ? "recovered" : "refused to start: " + damage.detail()));
    }
    log.line("lost writes: " + analysis.lost().size() + " (" + analysis.keysWithoutFinalRead().size()
        + " written keys without a final read)");
    analysis.lost().stream().limit(5).forEach(lost -> log.line("  " + lost));
    String checked = analysis.check() == null ? "" : " (" + analysis.check().partitions() + " keys, "
        + analysis.check().nanos() / 1_000_000 + " ms)";
    log.line("linearizable: " + analysis.linearizable().edn() + checked
        + (analysis.reason() == null ? "" : ": " + analysis.reason()));
    log.line("traces: " + (traces.available() ? "trace-check --cluster exit " + traces.exitCode() + ": "
        + lastLine(traces.output()) : traces.output()));
    if (JepsenRun.cutDurableRecords(damages)) {
      log.line("  (not counted in the verdict: a WAL tail was truncated, which can remove records the node had"
          + " reported durable; the spec's Restart keeps those)");
    }
    log.line("nftables table " + (tableRemoved ? "removed" : "STILL PRESENT: nft delete table inet raftkv_jepsen"));
    log.line("store: " + runDir);
    if (valid == Validity.FALSE && !analysis.anomaly().isEmpty()) {
      log.line("first anomaly:");
      log.line(analysis.anomaly().stripTrailing());
      log.line("timeline: " + runDir.resolve("timeline.html") + " (the anomaly's window: "
          + runDir.resolve("anomaly.html") + ")");
    } else if (valid == Validity.FALSE) {
      log.line("timeline: " + runDir.resolve("timeline.html"));
    }
    log.line(":valid? " + valid.edn());
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines[lines.length - 1];
  }
}
