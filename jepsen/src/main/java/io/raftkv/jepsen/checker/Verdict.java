package io.raftkv.jepsen.checker;

/** The checker's answer. UNKNOWN means a bound (time, memory) was reached: never a guess. */
public enum Verdict {
  LINEARIZABLE,
  NOT_LINEARIZABLE,
  UNKNOWN
}
