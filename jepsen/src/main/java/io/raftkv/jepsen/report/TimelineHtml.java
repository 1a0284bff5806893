package io.raftkv.jepsen.report;

import io.raftkv.jepsen.checker.Anomaly;
import io.raftkv.jepsen.checker.CheckResult;
import io.raftkv.jepsen.checker.PairedOp;
import io.raftkv.jepsen.history.EdnWriter;
import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.Op;
import io.raftkv.jepsen.history.OpType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The window of history around an anomaly as a self-contained HTML page: one lane per process,
 * one bar per op of the failing partition from invocation to completion. The horizontal axis is
 * the order of the drawn events (real-time order is file order; {@code :time} may be absent or
 * disagree). Colours: ok green, info / open
 * orange, fail grey; the op that cannot be linearized is red, the ops of the first longest prefix
 * are outlined and numbered in linearization order. Hovering a bar shows the op.
 */
public final class TimelineHtml {
  private static final int LANE_HEIGHT = 34;
  private static final int STEP_WIDTH = 26;
  private static final int LABEL_WIDTH = 90;

  private TimelineHtml() {}

  public static String render(History history, CheckResult result, String modelName) {
    Anomaly anomaly = result.anomaly();
    int from = anomaly.fromPosition();
    int to = anomaly.toPosition();
    Map<Integer, Integer> linearizationOrder = new HashMap<>();
    Map<Integer, String> stateAfter = new HashMap<>();
    if (!anomaly.prefixes().isEmpty()) {
      Anomaly.Prefix prefix = anomaly.prefixes().get(0);
      for (int i = 0; i < prefix.ops().size(); i++) {
        int position = prefix.ops().get(i).invocation().index();
        linearizationOrder.put(position, i + 1);
        stateAfter.put(position, prefix.statesAfter().get(i));
      }
    }
    Set<Integer> lastOk = new HashSet<>();
    anomaly.lastOk().forEach(op -> lastOk.add(op.invocation().index()));
    int blocking = anomaly.blocking().invocation().index();

    // Bars: every client op of the failing partition invoked or completed inside the window.
    Map<Object, Op> open = new HashMap<>();
    List<Op[]> bars = new ArrayList<>();
    for (Op op : history.ops()) {
      if (!op.isClient() || !inPartition(op, anomaly.partition())) {
        continue;
      }
      if (op.type() == OpType.INVOKE) {
        open.put(op.process(), op);
        continue;
      }
      Op invocation = open.remove(op.process());
      if (invocation != null && op.index() >= from && invocation.index() <= to) {
        bars.add(new Op[] {invocation, op});
      }
    }
    for (Op invocation : open.values()) {
      if (invocation.index() <= to) {
        bars.add(new Op[] {invocation, null});
      }
    }
    // The x axis is the rank of each drawn event among the drawn events: real-time order without
    // the gaps other keys' ops would leave. Ops still open past the window end at its right edge.
    TreeSet<Integer> positions = new TreeSet<>();
    for (Op[] bar : bars) {
      positions.add(Math.max(bar[0].index(), from - 1));
      positions.add(bar[1] == null ? to + 1 : Math.min(bar[1].index(), to + 1));
    }
    Map<Integer, Integer> rank = new HashMap<>();
    for (int position : positions) {
      rank.put(position, rank.size());
    }
    TreeMap<String, Integer> lanes = new TreeMap<>((a, b) -> {
      boolean na = a.matches("-?\\d+");
      boolean nb = b.matches("-?\\d+");
      if (na && nb) {
        return Long.compare(Long.parseLong(a), Long.parseLong(b));
      }
      return na != nb ? (na ? -1 : 1) : a.compareTo(b);
    });
    for (Op[] bar : bars) {
      lanes.put(String.valueOf(bar[0].process()), 0);
    }
    int lane = 0;
    for (Map.Entry<String, Integer> e : lanes.entrySet()) {
      e.setValue(lane++);
    }
    int steps = rank.size() + 1;
    int width = LABEL_WIDTH + steps * STEP_WIDTH;
    int height = Math.max(1, lanes.size()) * LANE_HEIGHT + 30;

    StringBuilder sb = new StringBuilder(16_384);
    sb.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
        .append(escape(history.source())).append(" — not linearizable</title>\n<style>\n")
        .append("body{font:13px system-ui,sans-serif;margin:16px}\n")
        .append(".tl{position:relative;border-top:1px solid #ccc;overflow-x:auto}\n")
        .append(".lane{position:absolute;left:0;height:").append(LANE_HEIGHT - 1)
        .append("px;border-bottom:1px solid #eee;width:").append(width).append("px}\n")
        .append(".lbl{position:absolute;left:4px;top:9px;color:#555}\n")
        .append(".bar{position:absolute;height:22px;top:5px;border-radius:4px;font-size:11px;line-height:22px;")
        .append("white-space:nowrap;overflow:hidden;padding:0 3px;box-sizing:border-box;color:#111}\n")
        .append(".ok{background:#a5d6a7}.info{background:#ffcc80}.fail{background:#ddd;color:#777}")
        .append(".blocking{background:#ef5350;color:#fff;font-weight:bold}.lin{outline:2px solid #1565c0}")
        .append(".recent{border:1px dashed #2e7d32}\n")
        .append("table{border-collapse:collapse;margin-top:12px}td,th{border:1px solid #ddd;padding:2px 6px;")
        .append("font-family:monospace;font-size:12px;text-align:left}\n")
        .append("</style></head><body>\n");
    sb.append("<h2>").append(escape(history.source())).append(": not linearizable</h2>\n");
    sb.append("<p>Model <b>").append(escape(modelName)).append("</b>, initial state <code>")
        .append(escape(result.initialState())).append("</code>");
    if (anomaly.partition() != null) {
      sb.append(", key <code>").append(escape(EdnWriter.format(anomaly.partition()))).append("</code>");
    }
    sb.append(". History ops ").append(from).append("..").append(to).append(" of ").append(history.size())
        .append(" (x axis: order of the drawn events, which is real-time order; only ops of this partition are drawn).</p>\n");
    sb.append("<p><span class=\"bar blocking\" style=\"position:static;padding:2px 6px\">cannot be linearized</span> ")
        .append(escape(anomaly.blocking().toString())).append("</p>\n");
    sb.append("<p>Outlined bars: the first longest linearizable prefix, numbered in linearization order")
        .append(" (state after each in the tooltip). Dashed: the last ok ops before the anomaly.</p>\n");

    sb.append("<div class=\"tl\" style=\"height:").append(height).append("px;width:").append(width + 10)
        .append("px\">\n");
    for (Map.Entry<String, Integer> e : lanes.entrySet()) {
      sb.append("<div class=\"lane\" style=\"top:").append(e.getValue() * LANE_HEIGHT).append("px\">")
          .append("<span class=\"lbl\">process ").append(escape(e.getKey())).append("</span></div>\n");
    }
    for (Op[] bar : bars) {
      Op invocation = bar[0];
      Op completion = bar[1];
      int start = rank.get(Math.max(invocation.index(), from - 1));
      int end = rank.get(completion == null ? to + 1 : Math.min(completion.index(), to + 1));
      String kind = completion == null || completion.type() == OpType.INFO ? "info"
          : completion.type() == OpType.OK ? "ok" : "fail";
      StringBuilder classes = new StringBuilder("bar ").append(kind);
      Integer order = linearizationOrder.get(invocation.index());
      if (invocation.index() == blocking) {
        classes.append(" blocking");
      } else if (order != null) {
        classes.append(" lin");
      }
      if (lastOk.contains(invocation.index())) {
        classes.append(" recent");
      }
      String label = (order != null ? "#" + order + " " : "") + invocation.f() + " "
          + EdnWriter.format(completion != null && completion.type() == OpType.OK ? completion.value() : invocation.value());
      String title = EdnWriter.format(invocation) + "\n" + (completion == null ? "(no completion)" : EdnWriter.format(completion))
          + (order != null ? "\nlinearized #" + order + ", state after: " + stateAfter.get(invocation.index()) : "");
      int x = LABEL_WIDTH + start * STEP_WIDTH;
      int w = Math.max(STEP_WIDTH / 2, (end - start) * STEP_WIDTH);
      sb.append("<div class=\"").append(classes).append("\" style=\"left:").append(x).append("px;width:").append(w)
          .append("px;top:").append(lanes.get(String.valueOf(invocation.process())) * LANE_HEIGHT + 5)
          .append("px\" title=\"").append(escape(title)).append("\">").append(escape(label)).append("</div>\n");
    }
    sb.append("</div>\n");

    for (int p = 0; p < anomaly.prefixes().size(); p++) {
      Anomaly.Prefix prefix = anomaly.prefixes().get(p);
      sb.append("<h3>Longest linearizable prefix ").append(p + 1).append(" of ").append(anomaly.prefixes().size())
          .append(": ").append(prefix.ops().size()).append(" ops, final state <code>")
          .append(escape(prefix.finalState(result.initialState()))).append("</code></h3>\n<table><tr><th>#</th>")
          .append("<th>op</th><th>state after</th></tr>\n");
      int first = Math.max(0, prefix.ops().size() - 15);
      if (first > 0) {
        sb.append("<tr><td colspan=\"3\">… ").append(first).append(" earlier ops</td></tr>\n");
      }
      for (int i = first; i < prefix.ops().size(); i++) {
        sb.append("<tr><td>").append(i + 1).append("</td><td>").append(escape(prefix.ops().get(i).toString()))
            .append("</td><td>").append(escape(prefix.statesAfter().get(i))).append("</td></tr>\n");
      }
      sb.append("</table>\n");
    }
    sb.append("<h3>Last ok ops before it</h3>\n<table>\n");
    for (PairedOp op : anomaly.lastOk()) {
      sb.append("<tr><td>").append(escape(op.toString())).append("</td></tr>\n");
    }
    sb.append("</table>\n</body></html>\n");
    return sb.toString();
  }

  /** Whether {@code op} addresses the partition (its :key, or a [key value] tuple's key). */
  private static boolean inPartition(Op op, Object partition) {
    if (partition == null) {
      return true;
    }
    if (op.key() != null) {
      return partition.equals(op.key());
    }
    return op.value() instanceof List<?> tuple && tuple.size() == 2 && partition.equals(tuple.get(0));
  }

  static String escape(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\n' -> sb.append("&#10;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
