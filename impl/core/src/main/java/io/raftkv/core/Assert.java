package io.raftkv.core;

/**
 * Always-on assertions: they throw whether or not the JVM runs with {@code -ea}. A broken invariant
 * is a bug, and a node that continues after one may corrupt replicated state, so it must stop.
 * Expected outcomes (not leader, stale message) never come through here.
 */
public final class Assert {
    private Assert() {}

    /** Thrown when an invariant of the core does not hold. */
    public static final class InvariantViolation extends IllegalStateException {
        public InvariantViolation(String message) {
            super(message);
        }
    }

    public static void check(boolean condition, String message) {
        if (!condition) {
            throw new InvariantViolation(message);
        }
    }

    public static void check(boolean condition, String format, Object... arguments) {
        if (!condition) {
            throw new InvariantViolation(String.format(format, arguments));
        }
    }
}
