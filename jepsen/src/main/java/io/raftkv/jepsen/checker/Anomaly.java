package io.raftkv.jepsen.checker;

import java.util.List;

/**
 * What a person needs to see why a history is not linearizable.
 *
 * @param partition the key of the failing partition (null for single-object models)
 * @param blocking the op that cannot be linearized: in every longest linearizable prefix, its
 *     completion arrives before the model allows it to take effect
 * @param lastOk the last ok ops of the partition that completed before {@code blocking} did
 * @param prefixes the longest linearizable prefixes found (up to a few), with model states
 * @param fromPosition first history position of the window worth drawing
 * @param toPosition last history position of that window
 */
public record Anomaly(Object partition, PairedOp blocking, List<PairedOp> lastOk, List<Prefix> prefixes,
    int fromPosition, int toPosition) {
  /**
   * One linearizable prefix.
   *
   * @param ops the ops in linearization order
   * @param statesAfter the model state after each, as the model describes it
   */
  public record Prefix(List<PairedOp> ops, List<String> statesAfter) {
    public String finalState(String initial) {
      return statesAfter.isEmpty() ? initial : statesAfter.get(statesAfter.size() - 1);
    }
  }
}
