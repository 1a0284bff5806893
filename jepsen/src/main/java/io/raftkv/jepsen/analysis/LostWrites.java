package io.raftkv.jepsen.analysis;

import io.raftkv.jepsen.history.OpType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * No acknowledged write lost: each key's final read (taken after the faults healed) must show a
 * value that some acknowledged write could have left. An acknowledged write or compare-and-set W
 * of a key is lost when the final read shows something else and no other op that may have written
 * the key (ok, info, or never completed; a cas only if it did not fail) could be ordered after W,
 * i.e. none completed after W was invoked. A final read of nothing when a write was acknowledged
 * is a loss too. This is a direct, explainable check beside the linearizability search (which
 * also sees the final reads).
 */
public final class LostWrites {
  /** One lost write: the key, the op, and what the final read showed. */
  public record Lost(String key, CompletedOp write, Object finalValue) {
    @Override
    public String toString() {
      return "key " + key + ": acknowledged " + write.completion() + " but the final read saw " + finalValue;
    }
  }

  private LostWrites() {}

  /**
   * @param ops every client op
   * @param finalReads the final read's value per key (keys without an ok final read are absent)
   */
  public static List<Lost> check(List<CompletedOp> ops, Map<String, Object> finalReads) {
    Map<String, List<CompletedOp>> writesByKey = new TreeMap<>();
    for (CompletedOp op : ops) {
      boolean writes = op.invocation().f().equals("write") || op.invocation().f().equals("cas");
      if (writes && op.type() != OpType.FAIL) {
        writesByKey.computeIfAbsent(String.valueOf(op.invocation().key()), k -> new ArrayList<>()).add(op);
      }
    }
    List<Lost> lost = new ArrayList<>();
    writesByKey.forEach((key, writes) -> {
      if (!finalReads.containsKey(key)) {
        return;
      }
      Object seen = finalReads.get(key);
      for (CompletedOp write : writes) {
        if (write.type() == OpType.OK && !Objects.equals(written(write), seen) && isLast(write, writes)) {
          lost.add(new Lost(key, write, seen));
        }
      }
    });
    return lost;
  }

  private static Object written(CompletedOp write) {
    Object value = write.invocation().value();
    return write.invocation().f().equals("cas") ? ((List<?>) value).get(1) : value;
  }

  /** Whether no other write of the key can be ordered after {@code write}. */
  private static boolean isLast(CompletedOp write, List<CompletedOp> writes) {
    for (CompletedOp other : writes) {
      boolean mayFollow = other.type() != OpType.OK || other.completion().index() > write.invocation().index();
      if (other != write && mayFollow) {
        return false;
      }
    }
    return true;
  }
}
