package io.raftkv.jepsen.model;

import io.raftkv.jepsen.history.EdnWriter;

/**
 * A sequential specification: {@code step(state, op)} is the state after {@code op}, or
 * {@link #ILLEGAL} if a sequential object could not have produced {@code op}'s observation from
 * {@code state}.
 *
 * <p>Contract: states are immutable with value equality ({@code equals}/{@code hashCode}; the
 * checker interns them and caches transitions), and {@code step} is a pure function. An op whose
 * outcome is {@link Outcome#UNKNOWN} constrains only through its input (a crashed compare-and-set
 * still needs the expected value to take effect).
 */
public interface Model {
  /** The result of an impossible step. */
  Object ILLEGAL = new Object() {
    @Override
    public String toString() {
      return "ILLEGAL";
    }
  };

  String name();

  Object initialState();

  /** The next state, or {@link #ILLEGAL}. */
  Object step(Object state, Operation op);

  /**
   * Checks an operation from a history and puts it in the form {@link #step} expects (e.g. the kv
   * model takes the key from a Jepsen {@code [key value]} tuple).
   *
   * @throws IllegalArgumentException naming what is wrong, if the model has no such operation
   */
  default Operation prepare(Operation op) {
    return op;
  }

  /**
   * The partition an operation belongs to, for models that are products of independent objects
   * (P-compositionality: a history is linearizable iff each key's sub-history is); null when the
   * model is a single object.
   */
  default Object partitionOf(Operation op) {
    return null;
  }

  /** A model of the same kind for one partition (e.g. one key's register). */
  default Model partitionModel() {
    return this;
  }

  default String describe(Object state) {
    return EdnWriter.format(state);
  }
}
