package io.raftkv.sim;

/** Always-on assertions for the simulator's own bookkeeping (independent of {@code -ea}). */
final class Checks {

  private Checks() {}

  static void check(boolean condition, String format, Object... arguments) {
    if (!condition) {
      throw broken(format, arguments);
    }
  }

  /**
   * The exception for a broken invariant, for hot paths: {@code if (!ok) throw broken(...)} boxes
   * and formats its arguments only when it fails, where {@link #check} pays for them every call.
   */
  static IllegalStateException broken(String format, Object... arguments) {
    return new IllegalStateException("simulator invariant: " + String.format(format, arguments));
  }
}
