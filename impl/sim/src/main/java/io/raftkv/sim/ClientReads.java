package io.raftkv.sim;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The client's linearizable reads (ReadIndex) and their check. The replicated object is the log of
 * the client's commands; a read returns the prefix the serving node has applied. The read is
 * linearizable when that prefix is committed (the {@link SafetyChecker} holds every applied entry
 * to the one committed log) and holds every operation that completed before the read began: each
 * acknowledged command and each prefix an earlier read returned. A read that misses one of them is
 * a stale read, the anomaly ReadIndex exists to prevent.
 */
final class ClientReads {

  /** A read in flight: where it was taken, and the shortest prefix it may return. */
  private record Pending(int node, long mustSee, long invokedAt) {}

  private final Map<Long, Pending> pending = new HashMap<>();
  private long nextContext = 1;
  /** The longest prefix a completed read has returned. */
  private long longestReturned;
  long served;
  long aborted;

  long nextContext() {
    return nextContext++;
  }

  /** The read {@code ctx} was taken by {@code node}; everything acknowledged up to now must show. */
  void taken(long ctx, int node, long maxAcknowledgedIndex, long now) {
    pending.put(ctx, new Pending(node, Math.max(maxAcknowledgedIndex, longestReturned), now));
  }

  /**
   * The read {@code ctx} was answered by {@code node} from its state at {@code applied}, which the
   * core promised covers {@code index}. Returns a description of what is wrong, or null.
   */
  String served(long ctx, int node, long index, long applied) {
    Pending read = pending.remove(ctx);
    if (read == null || read.node != node) {
      return "node " + node + " answered read " + ctx + ", which " + (read == null ? "is not in flight"
          : "node " + read.node + " took");
    }
    served++;
    if (applied < index) {
      return "node " + node + " answered read " + ctx + " at applied index " + applied
          + " before reaching its read index " + index;
    }
    if (applied < read.mustSee) {
      return "node " + node + " answered read " + ctx + " (taken at " + read.invokedAt + ") with the log up to "
          + applied + ", but index " + read.mustSee + " was acknowledged or read before the read began";
    }
    longestReturned = Math.max(longestReturned, applied);
    return null;
  }

  /** The node did not take the read (it does not lead). */
  void refused(long ctx) {
    pending.remove(ctx);
  }

  void aborted(long ctx) {
    if (pending.remove(ctx) != null) {
      aborted++;
    }
  }

  /** A crashed node answers nothing it had taken. */
  void crashed(int node) {
    Iterator<Pending> reads = pending.values().iterator();
    while (reads.hasNext()) {
      if (reads.next().node == node) {
        reads.remove();
        aborted++;
      }
    }
  }
}
