package io.raftkv.jepsen.report;

import io.raftkv.jepsen.analysis.CompletedOp;
import io.raftkv.jepsen.checker.Anomaly;
import io.raftkv.jepsen.checker.CheckResult;
import io.raftkv.jepsen.history.EdnWriter;
import io.raftkv.jepsen.history.History;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;

/**
 * A whole run as one self-contained page (well-formed XHTML with inline SVG): one lane per client
 * process, one bar per op from invocation to completion placed by {@code :time}; ok green, fail
 * grey, info orange (ops that never completed run to the end). Nemesis windows are shaded across
 * all lanes and labelled. When the run is not linearizable, the op that cannot be linearized is red
 * and the last ok ops before it are outlined, and the anomaly's text heads the page. Hovering a
 * bar shows the op. Each lane is a {@code <g class="lane" data-process="N">}.
 */
public final class RunTimelineHtml {
  private static final int LANE_HEIGHT = 14;
  private static final int LABEL_WIDTH = 70;
  private static final int TOP = 24;
  private static final double PIXELS_PER_SECOND = 40;

  private RunTimelineHtml() {}

  /**
   * @param check the linearizability result (may be null); its anomaly is highlighted
   * @param anomalyText the anomaly as text (empty if none)
   */
  public static String render(String title, History history, List<FaultSpan> faults, CheckResult check,
      String anomalyText) {
    List<CompletedOp> ops = CompletedOp.of(history);
    long end = 1;
    for (var op : history.ops()) {
      end = Math.max(end, op.time());
    }
    TreeMap<Long, Integer> lanes = new TreeMap<>();
    for (CompletedOp op : ops) {
      lanes.putIfAbsent((Long) op.invocation().process(), 0);
    }
    int lane = 0;
    for (Long process : lanes.keySet()) {
      lanes.put(process, lane++);
    }
    int width = LABEL_WIDTH + (int) Math.ceil(end / 1e9 * PIXELS_PER_SECOND) + 20;
    int height = TOP + lanes.size() * LANE_HEIGHT + 10;
    StringBuilder html = new StringBuilder(64 * 1024);
    header(html, title, anomalyText);
    html.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
        .append(height).append("\">\n");
    faults(html, faults, height);
    axis(html, end, height);
    lanesAndBars(html, ops, lanes, end, highlights(check));
    html.append("</svg>\n</body>\n</html>\n");
    return html.toString();
  }

  private static void header(StringBuilder html, String title, String anomalyText) {
    html.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n<meta charset=\"utf-8\"/>\n")
        .append("<title>").append(escape(title)).append("</title>\n<style>\n")
        .append("body{font-family:sans-serif;font-size:12px} pre{background:#fee;padding:6px}\n")
        .append(".ok{fill:#6c6} .fail{fill:#bbb} .info{fill:#f93} .blocking{fill:#e00} ")
        .append(".lastok{stroke:#000;stroke-width:1.5} .fault{fill:#88f;fill-opacity:0.15} ")
        .append("text{font-size:10px}\n</style>\n</head>\n<body>\n<h3>").append(escape(title)).append("</h3>\n")
        .append("<p>lanes: client processes; bars: ops (green ok, grey fail, orange info/unknown, red: cannot be")
        .append(" linearized); shaded: nemesis windows; x: seconds since the start.</p>\n");
    if (!anomalyText.isEmpty()) {
      html.append("<pre>").append(escape(anomalyText)).append("</pre>\n");
    }
  }

  private static void faults(StringBuilder html, List<FaultSpan> faults, int height) {
    for (FaultSpan fault : faults) {
      double x = x(fault.startNanos());
      double w = Math.max(1, x(fault.endNanos()) - x);
      html.append(String.format(Locale.ROOT, "<g class=\"nemesis\"><rect class=\"fault\" x=\"%.1f\" y=\"0\" "
          + "width=\"%.1f\" height=\"%d\"><title>%s</title></rect><text x=\"%.1f\" y=\"10\">%s</text></g>\n", x, w,
          height, escape(fault.kind() + ": " + fault.description()), x + 2, escape(fault.kind())));
    }
  }

  private static void axis(StringBuilder html, long end, int height) {
    for (int second = 0; second <= end / 1_000_000_000L; second += 5) {
      double x = x(second * 1_000_000_000L);
      html.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
          + "<text x=\"%.1f\" y=\"%d\">%ds</text>\n", x, TOP - 4, x, height, x + 2, TOP - 4, second));
    }
  }

  /** Invocation indexes: [0] the blocking op, [1] the last ok ops before it. */
  private static Set<Integer>[] highlights(CheckResult check) {
    @SuppressWarnings("unchecked")
    Set<Integer>[] sets = new Set[] {new HashSet<Integer>(), new HashSet<Integer>()};
    Anomaly anomaly = check == null ? null : check.anomaly();
    if (anomaly != null) {
      sets[0].add(anomaly.blocking().invocation().index());
      anomaly.lastOk().forEach(op -> sets[1].add(op.invocation().index()));
    }
    return sets;
  }

  private static void lanesAndBars(StringBuilder html, List<CompletedOp> ops, TreeMap<Long, Integer> lanes,
      long end, Set<Integer>[] highlights) {
    TreeMap<Long, StringBuilder> bars = new TreeMap<>();
    for (CompletedOp op : ops) {
      Long process = (Long) op.invocation().process();
      int index = op.invocation().index();
      String css = highlights[0].contains(index) ? "blocking" : op.type().wireName();
      if (highlights[1].contains(index)) {
        css += " lastok";
      }
      double x = x(op.invocation().time());
      double w = Math.max(1.5, x(op.completion() == null ? end : op.completion().time()) - x);
      String text = EdnWriter.format(op.invocation()) + " => "
          + (op.completion() == null ? "no completion" : EdnWriter.format(op.completion()));
      bars.computeIfAbsent(process, p -> new StringBuilder()).append(String.format(Locale.ROOT,
          "  <rect class=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"><title>%s</title></rect>\n", css,
          x, y(lanes.get(process)) + 2, w, LANE_HEIGHT - 4, escape(text)));
    }
    lanes.forEach((process, lane) -> html.append("<g class=\"lane\" data-process=\"").append(process)
        .append("\">\n  <text x=\"2\" y=\"").append(y(lane) + LANE_HEIGHT - 3).append("\">process ").append(process)
        .append("</text>\n").append(bars.getOrDefault(process, new StringBuilder())).append("</g>\n"));
  }

  private static double x(long nanos) {
    return LABEL_WIDTH + nanos / 1e9 * PIXELS_PER_SECOND;
  }

  private static int y(int lane) {
    return TOP + lane * LANE_HEIGHT;
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
