package io.raftkv.jepsen.history;

import java.util.List;

/**
 * A history: ops in real-time order (the order of the file; {@code :time} is informational, as in
 * Knossos). Each op's {@link Op#index()} is its position in {@link #ops()}.
 *
 * @param source where it came from (a path, or a description), for messages
 * @param ops the ops, unmodifiable
 */
public record History(String source, List<Op> ops) {
  public History {
    ops = List.copyOf(ops);
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i).index() != i) {
        throw new IllegalArgumentException("op at position " + i + " has index " + ops.get(i).index());
      }
    }
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
}
