package io.raftkv.sim;

/** Always-on assertions for the simulator's own bookkeeping (independent of {@code -ea}). */
final class Checks {

  private Checks() {}

  static void check(boolean condition, String format, Object... arguments) {
    if (!condition) {
      throw new IllegalStateException("simulator invariant: " + String.format(format, arguments));
    }
  }
}
