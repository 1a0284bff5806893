package io.raftkv.kv;

/**
 * Limits of the state machine. They decide replicated outcomes (which session expires, which
 * request is refused), so every replica must run with the same values: the configuration is
 * written into each snapshot and a replica refuses to restore a snapshot taken under another one.
 *
 * @param sessionTimeoutMillis        a session unused for longer than this, in log time, expires
 * @param maxSessions                 live sessions at most; registering beyond it evicts the least
 *                                    recently used session (thesis §6.3)
 * @param maxPendingResultsPerSession unacknowledged results a session caches at most; a request
 *                                    that would exceed it is refused, which bounds memory per
 *                                    client even if it never acknowledges
 */
public record KvConfig(long sessionTimeoutMillis, int maxSessions, int maxPendingResultsPerSession) {

    public KvConfig {
        if (sessionTimeoutMillis < 1) {
            throw new IllegalArgumentException("sessionTimeoutMillis must be >= 1, got " + sessionTimeoutMillis);
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be >= 1, got " + maxSessions);
        }
        if (maxPendingResultsPerSession < 1) {
            throw new IllegalArgumentException(
                    "maxPendingResultsPerSession must be >= 1, got " + maxPendingResultsPerSession);
        }
    }

    /** One hour without use (as LogCabin), 10,000 sessions, 1,024 unacknowledged results each. */
    public static KvConfig defaults() {
        return new KvConfig(60L * 60 * 1000, 10_000, 1024);
    }
}
