package io.raftkv.jepsen.checker;

import java.util.List;

/**
 * What one search of one partition found.
 *
 * @param verdict its verdict
 * @param reason why it is UNKNOWN (null otherwise)
 * @param configurations distinct (linearized set, state) pairs the search visited
 * @param prefixes with diagnostics on, the longest linearizable prefixes found when it is
 *     NOT_LINEARIZABLE; empty otherwise
 */
record SearchResult(Verdict verdict, String reason, long configurations, List<Prefix> prefixes) {
  /**
   * A linearizable prefix the search could not extend.
   *
   * @param order positions (into the partition's op list) in linearization order
   * @param states the model state after each op of {@code order}
   * @param blocking position of the op whose completion came before it could be linearized
   */
  record Prefix(int[] order, Object[] states, int blocking) {}
}
