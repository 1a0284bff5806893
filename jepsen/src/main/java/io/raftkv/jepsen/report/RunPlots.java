package io.raftkv.jepsen.report;

import io.raftkv.jepsen.analysis.CompletedOp;
import io.raftkv.jepsen.history.OpType;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.Layer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Jepsen's three plots, drawn with JFreeChart (headless): {@code latency-raw.png} (every op's
 * latency by invocation time, log scale, by f and outcome), {@code latency-quantiles.png} (ok ops'
 * p50/p95/p99/max per second) and {@code rate.png} (completions per second by outcome). Fault
 * windows are shaded and labelled on all three.
 */
public final class RunPlots {
  public static final List<String> FILES = List.of("latency-raw.png", "latency-quantiles.png", "rate.png");
  private static final int WIDTH = 1000;
  private static final int HEIGHT = 500;

  private RunPlots() {}

  /** Writes the three PNGs into {@code dir}. */
  public static void write(Path dir, List<CompletedOp> ops, List<FaultSpan> faults) throws IOException {
    System.setProperty("java.awt.headless", "true");
    save(dir.resolve(FILES.get(0)), latencyRaw(ops), faults);
    save(dir.resolve(FILES.get(1)), latencyQuantiles(ops), faults);
    save(dir.resolve(FILES.get(2)), rate(ops), faults);
  }

  private static void save(Path file, JFreeChart chart, List<FaultSpan> faults) throws IOException {
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    for (FaultSpan fault : faults) {
      IntervalMarker marker = new IntervalMarker(fault.startNanos() / 1e9, fault.endNanos() / 1e9);
      marker.setPaint(fault.kind().startsWith("partition") ? new Color(120, 120, 255, 60)
          : new Color(255, 120, 120, 60));
      marker.setLabel(fault.kind());
      marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 9));
      plot.addDomainMarker(marker, Layer.BACKGROUND);
    }
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  static JFreeChart latencyRaw(List<CompletedOp> ops) {
    Map<String, XYSeries> series = new TreeMap<>();
    for (CompletedOp op : ops) {
      if (op.completion() == null) {
        continue;
      }
      String name = op.invocation().f() + " " + op.type().wireName();
      series.computeIfAbsent(name, XYSeries::new).add(op.invocation().time() / 1e9,
          Math.max(0.01, op.latencyNanos() / 1e6));
    }
    XYSeriesCollection data = new XYSeriesCollection();
    series.values().forEach(data::addSeries);
    JFreeChart chart = ChartFactory.createScatterPlot("latency (raw)", "time (s)", "latency (ms)", data,
        PlotOrientation.VERTICAL, true, false, false);
    chart.getXYPlot().setRangeAxis(latencyAxis());
    return chart;
  }

  static JFreeChart latencyQuantiles(List<CompletedOp> ops) {
    TreeMap<Long, List<Long>> bySecond = new TreeMap<>();
    for (CompletedOp op : ops) {
      if (op.type() == OpType.OK) {
        bySecond.computeIfAbsent(op.invocation().time() / 1_000_000_000L, s -> new ArrayList<>())
            .add(op.latencyNanos());
      }
    }
    String[] names = {"p50", "p95", "p99", "max"};
    double[] quantiles = {0.5, 0.95, 0.99, 1.0};
    XYSeriesCollection data = new XYSeriesCollection();
    for (int q = 0; q < names.length; q++) {
      XYSeries series = new XYSeries(names[q]);
      for (Map.Entry<Long, List<Long>> second : bySecond.entrySet()) {
        List<Long> sorted = new ArrayList<>(second.getValue());
        Collections.sort(sorted);
        int index = (int) Math.max(0, Math.min(sorted.size() - 1, Math.ceil(quantiles[q] * sorted.size()) - 1));
        series.add(second.getKey() + 0.5, Math.max(0.01, sorted.get(index) / 1e6));
      }
      data.addSeries(series);
    }
    JFreeChart chart = ChartFactory.createXYLineChart("latency quantiles of ok ops (per second)", "time (s)",
        "latency (ms)", data, PlotOrientation.VERTICAL, true, false, false);
    chart.getXYPlot().setRangeAxis(latencyAxis());
    return chart;
  }

  /** Logarithmic, labelled in plain milliseconds (0.1, 1, 10, 100...) rather than powers of ten. */
  private static LogAxis latencyAxis() {
    LogAxis axis = new LogAxis("latency (ms)");
    axis.setSmallestValue(0.01);
    axis.setNumberFormatOverride(new java.text.DecimalFormat("0.##"));
    return axis;
  }

  static JFreeChart rate(List<CompletedOp> ops) {
    Map<String, TreeMap<Long, Integer>> counts = new TreeMap<>();
    long last = 0;
    for (CompletedOp op : ops) {
      if (op.completion() != null) {
        long second = op.completion().time() / 1_000_000_000L;
        last = Math.max(last, second);
        counts.computeIfAbsent(op.type().wireName(), t -> new TreeMap<>()).merge(second, 1, Integer::sum);
      }
    }
    XYSeriesCollection data = new XYSeriesCollection();
    for (Map.Entry<String, TreeMap<Long, Integer>> type : counts.entrySet()) {
      XYSeries series = new XYSeries(type.getKey());
      for (long second = 0; second <= last; second++) {
        series.add(second + 0.5, type.getValue().getOrDefault(second, 0));
      }
      data.addSeries(series);
    }
    return ChartFactory.createXYLineChart("throughput (completions per second)", "time (s)", "ops/s", data,
        PlotOrientation.VERTICAL, true, false, false);
  }
}
