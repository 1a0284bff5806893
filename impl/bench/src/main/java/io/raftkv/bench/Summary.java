package io.raftkv.bench;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The figures of one measured run (or of several runs merged): how many operations completed in
 * the measured window, how many failed, over how long, and their latencies (nanoseconds) in an
 * HdrHistogram. Errors are counted, not timed: their latency is not in the histogram.
 *
 * @param store      "raftkv" or "etcd"
 * @param workload   the workload's label
 * @param clients    generator clients
 * @param rate       operations per second in an open-loop run, 0 for a closed loop
 * @param errors     operations that failed, timed out, or (open loop) were never sent
 * @param firstError one line about the first error, or "" if none
 * @param elapsedNanos the measured window
 * @param histogram  latencies of the operations that succeeded
 */
public record Summary(String store, String workload, int clients, long rate, long errors, String firstError,
        long elapsedNanos, Histogram histogram) {

    /** A histogram for latencies in nanoseconds, 3 significant digits, resizing as needed. */
    public static Histogram newHistogram() {
        Histogram histogram = new Histogram(3);
        histogram.setAutoResize(true);
        return histogram;
    }

    public long operations() {
        return histogram.getTotalCount();
    }

    public double operationsPerSecond() {
        return elapsedNanos == 0 ? 0 : operations() * 1e9 / elapsedNanos;
    }

    /** The latency at {@code percentile} (0..100) in milliseconds; 0 with no operation. */
    public double millis(double percentile) {
        return operations() == 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1e6;
    }

    public double maxMillis() {
        return operations() == 0 ? 0 : histogram.getMaxValue() / 1e6;
    }

    /** This run and {@code other} (same store, workload and clients) as one: counts and windows add up. */
    public Summary merge(Summary other) {
        Histogram merged = newHistogram();
        merged.add(histogram);
        merged.add(other.histogram);
        return new Summary(store, workload, clients, rate, errors + other.errors,
                firstError.isEmpty() ? other.firstError : firstError, elapsedNanos + other.elapsedNanos, merged);
    }

    /**
     * One line, e.g. {@code raftkv put, 16 clients, closed loop: 41234 ops in 10.00 s, 4123.4 ops/s;
     * latency p50 3.21 ms, p99 12.5 ms, p99.9 20.1 ms, max 35.2 ms; errors 0}.
     */
    public String line() {
        String loop = rate == 0 ? "closed loop" : "open loop at " + rate + " ops/s";
        String line = String.format(Locale.ROOT, "%s %s, %d clients, %s: %d ops in %.2f s, %.1f ops/s; latency p50 %s"
                + " ms, p99 %s ms, p99.9 %s ms, max %s ms; errors %d", store, workload, clients, loop, operations(),
                elapsedNanos / 1e9, operationsPerSecond(), millisText(millis(50)), millisText(millis(99)),
                millisText(millis(99.9)), millisText(maxMillis()), errors);
        return errors == 0 ? line : line + " (first: " + firstError + ")";
    }

    /** Three significant digits, at least two decimals below 10 ms: 0.53, 3.21, 24.8, 1250. */
    static String millisText(double millis) {
        if (millis < 10) {
            return String.format(Locale.ROOT, "%.2f", millis);
        }
        return millis < 100 ? String.format(Locale.ROOT, "%.1f", millis) : String.format(Locale.ROOT, "%.0f", millis);
    }
}
