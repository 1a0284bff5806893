package io.raftkv.jepsen.generator;

/**
 * One client operation as the generator plans it, before any process runs it.
 *
 * @param sequence the op's number in the generator's stream (0-based)
 * @param f {@code read}, {@code write} or {@code cas}
 * @param key the independent key it touches
 * @param value nil for a read, a {@code Long} for a write, {@code [expected new]} for a cas
 * @param dueNanos when it is due, in nanoseconds from the start of the run (the target rate)
 */
public record PlannedOp(long sequence, String f, String key, Object value, long dueNanos) {}
