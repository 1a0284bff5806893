package io.raftkv.jepsen.history;

import java.util.Objects;

/**
 * One event of a Jepsen history: an invocation or a completion.
 *
 * <p>{@code value} and {@code key} hold immutable plain Java values: {@code null}, {@link Long},
 * {@link java.math.BigInteger}, {@link Double}, {@link Boolean}, {@link String}, {@link Keyword},
 * unmodifiable {@link java.util.List}s, {@link java.util.Map}s and {@link java.util.Set}s of those.
 * {@code process} is a {@link Long} for client processes; anything else (e.g. the keyword
 * {@code :nemesis}) is a non-client process whose ops are not model ops.
 *
 * @param index position in the history as read (0-based, file order = real-time order)
 * @param time the op's {@code :time} in nanoseconds, or -1 when the history has none
 * @param process the process that issued it
 * @param type invoke, ok, fail or info
 * @param f the function name without the keyword colon ({@code read}, {@code cas}, {@code txn})
 * @param value the op's value, or null
 * @param key the op's {@code :key}, or null when it has none
 */
public record Op(int index, long time, Object process, OpType type, String f, Object value, Object key) {
  public Op {
    Objects.requireNonNull(process, "process");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(f, "f");
  }

  /** Whether this op belongs to a client (an integer process) rather than, e.g., the nemesis. */
  public boolean isClient() {
    return process instanceof Long;
  }

  /** The same op at another position. */
  public Op withIndex(int newIndex) {
    return new Op(newIndex, time, process, type, f, value, key);
  }

  @Override
  public String toString() {
    return EdnWriter.format(this);
  }
}
