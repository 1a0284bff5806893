package io.raftkv.jepsen.report;

import io.raftkv.jepsen.checker.Anomaly;
import io.raftkv.jepsen.checker.CheckResult;
import io.raftkv.jepsen.checker.PairedOp;
import io.raftkv.jepsen.history.EdnWriter;
import io.raftkv.jepsen.history.History;

/** The anomaly of a non-linearizable history as indented text for a terminal. */
public final class AnomalyText {
  /** Prefix ops shown (the tail of each prefix: what leads up to the anomaly). */
  private static final int PREFIX_TAIL = 10;

  private AnomalyText() {}

  public static String render(History history, CheckResult result) {
    Anomaly anomaly = result.anomaly();
    if (anomaly == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    String where = anomaly.partition() == null ? "" : " (key " + EdnWriter.format(anomaly.partition()) + ")";
    sb.append("  cannot linearize").append(where).append(": ").append(anomaly.blocking()).append('\n');
    sb.append("  last ok ops before it:\n");
    if (anomaly.lastOk().isEmpty()) {
      sb.append("    (none)\n");
    }
    for (PairedOp op : anomaly.lastOk()) {
      sb.append("    ").append(op).append('\n');
    }
    int n = 1;
    for (Anomaly.Prefix prefix : anomaly.prefixes()) {
      sb.append("  longest linearizable prefix ").append(n++).append(" of ").append(anomaly.prefixes().size())
          .append(": ").append(prefix.ops().size()).append(" ops from ").append(result.initialState())
          .append(", ending in state ").append(prefix.finalState(result.initialState())).append('\n');
      int from = Math.max(0, prefix.ops().size() - PREFIX_TAIL);
      if (from > 0) {
        sb.append("    ... ").append(from).append(" earlier ops\n");
      }
      for (int i = from; i < prefix.ops().size(); i++) {
        sb.append("    ").append(prefix.ops().get(i)).append("  => ").append(prefix.statesAfter().get(i)).append('\n');
      }
    }
    sb.append("  window: history ops ").append(anomaly.fromPosition()).append("..").append(anomaly.toPosition())
        .append(" of ").append(history.size()).append('\n');
    return sb.toString();
  }
}
