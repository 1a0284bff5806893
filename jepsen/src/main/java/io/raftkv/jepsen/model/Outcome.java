package io.raftkv.jepsen.model;

/** What the history says about an operation's effect. */
public enum Outcome {
  /** Completed ok: it took effect exactly once, between its invocation and completion, and its
   * output is what it observed. */
  OK,
  /** Completed info, or never completed: it may have taken effect once at any point after its
   * invocation, or never; its output is unknown. */
  UNKNOWN,
  /** Completed fail but kept as an observation (Porcupine's reading of a failed compare-and-set:
   * "the value was not the expected one"); it changed nothing. Only produced when asked for. */
  FAILED
}
