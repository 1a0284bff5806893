package io.raftkv.jepsen.analysis;

import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.Op;
import io.raftkv.jepsen.history.OpType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A client op with its invocation and completion (null while it never completed), for the
 * statistics and the lost-write check. Times are the history's {@code :time} (ns).
 */
public record CompletedOp(Op invocation, Op completion) {
  public OpType type() {
    return completion == null ? OpType.INFO : completion.type();
  }

  public long latencyNanos() {
    return completion == null ? -1 : completion.time() - invocation.time();
  }

  /** Every client op of the history, in invocation order. */
  public static List<CompletedOp> of(History history) {
    Map<Object, Integer> open = new HashMap<>();
    List<CompletedOp> ops = new ArrayList<>();
    for (Op op : history.ops()) {
      if (!op.isClient()) {
        continue;
      }
      if (op.type() == OpType.INVOKE) {
        open.put(op.process(), ops.size());
        ops.add(new CompletedOp(op, null));
      } else {
        Integer at = open.remove(op.process());
        if (at != null) {
          ops.set(at, new CompletedOp(ops.get(at).invocation(), op));
        }
      }
    }
    return ops;
  }
}
