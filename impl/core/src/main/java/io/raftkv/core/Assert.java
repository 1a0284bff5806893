package io.raftkv.core;

/**
 * Always-on assertions: they throw whether or not the JVM runs with {@code -ea}. A broken invariant
 * is a bug, and a node that continues after one may corrupt replicated state, so it must stop.
 * Expected outcomes (not leader, stale message) never come through here.
 */
public final class Assert {
    private Assert() {}

    /**
     * Process-wide, and true in every production and test run. Only the simulator's
     * {@code --no-core-invariants} measurement turns it off, before any node exists, to show what
     * its cluster-wide checks catch without the core's own assertions. A static switch rather than
     * a per-node setting because the assertions guard every part of the core (log, progress,
     * quorum), most of which has no node to ask.
     */
    private static boolean enabled = true;

    /** Turns every check of the core on or off for the whole process (see {@link #enabled()}). */
    public static void setEnabled(boolean on) {
        enabled = on;
    }

    /** Whether the core's assertions run. */
    public static boolean enabled() {
        return enabled;
    }

    /** Thrown when an invariant of the core does not hold. */
    public static final class InvariantViolation extends IllegalStateException {
        public InvariantViolation(String message) {
            super(message);
        }
    }

    public static void check(boolean condition, String message) {
        if (!condition && enabled) {
            throw new InvariantViolation(message);
        }
    }

    public static void check(boolean condition, String format, Object... arguments) {
        if (!condition && enabled) {
            throw new InvariantViolation(String.format(format, arguments));
        }
    }
}
