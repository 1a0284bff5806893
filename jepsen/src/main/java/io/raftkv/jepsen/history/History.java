package io.raftkv.jepsen.history;

import java.util.List;
import java.util.Objects;

/**
 * A history: ops in real-time order (the order of the file; {@code :time} is informational, as in
 * Knossos). Each op's {@link Op#index()} is its position in {@link #ops()}. A history read from a
 * file also knows the line each op starts on, so that errors can say where they are; equality is
 * by source and ops only.
 */
public final class History {
  private final String source;
  private final List<Op> ops;
  /** The line each op starts on (1-based), or null when the history was not read from text. */
  private final int[] lines;

  /**
   * @param source where it came from (a path, or a description), for messages
   * @param ops the ops, each with its position as index
   */
  public History(String source, List<Op> ops) {
    this(source, ops, null);
  }

  /** As {@link #History(String, List)}, with the line each op starts on in {@code source}. */
  public History(String source, List<Op> ops, int[] lines) {
    this.source = Objects.requireNonNull(source, "source");
    this.ops = List.copyOf(ops);
    for (int i = 0; i < this.ops.size(); i++) {
      if (this.ops.get(i).index() != i) {
        throw new IllegalArgumentException("op at position " + i + " has index " + this.ops.get(i).index());
      }
    }
    if (lines != null && lines.length != this.ops.size()) {
      throw new IllegalArgumentException(lines.length + " lines for " + this.ops.size() + " ops");
    }
    this.lines = lines == null ? null : lines.clone();
  }

  /** Where it came from (a path, or a description), for messages. */
  public String source() {
    return source;
  }

  /** The ops, unmodifiable. */
  public List<Op> ops() {
    return ops;
  }

  /** The line op {@code index} starts on in the source (1-based), or -1 if unknown. */
  public int lineOf(int index) {
    return lines == null ? -1 : lines[index];
  }

  /**
   * Where op {@code index} is, to start a message: {@code source:line: op index}, or {@code
   * source: op index} when lines are unknown.
   */
  public String where(int index) {
    return (lines == null ? source : source + ":" + lines[index]) + ": op " + index;
  }

  /** Number of client invocations (what Jepsen and the manifest count as the history's ops). */
  public int invocationCount() {
    int count = 0;
    for (Op op : ops) {
      if (op.type() == OpType.INVOKE && op.isClient()) {
        count++;
      }
    }
    return count;
  }

  public int size() {
    return ops.size();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof History h && source.equals(h.source) && ops.equals(h.ops);
  }

  @Override
  public int hashCode() {
    return 31 * source.hashCode() + ops.hashCode();
  }

  @Override
  public String toString() {
    return "History[source=" + source + ", ops=" + ops + "]"; // as the record it was: failing tests print it
  }
}
