package io.raftkv.jepsen.report;

/**
 * A nemesis window for the report's shading, in history time (ns since the start).
 *
 * @param kind the fault's name ({@code partition-halves}, {@code kill}, ...)
 * @param description what was done
 */
public record FaultSpan(String kind, String description, long startNanos, long endNanos) {}
