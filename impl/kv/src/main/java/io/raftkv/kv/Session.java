package io.raftkv.kv;

import io.raftkv.core.Assert;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One client session (thesis §6.3): the results the client has not yet acknowledged, keyed by
 * sequence number, and the sequence through which it has acknowledged them. Keeping a map rather
 * than only the latest result lets a client pipeline requests and have them arrive out of order.
 *
 * <p>Invariants: every cached sequence is above {@code acknowledgedThrough}, and
 * {@code acknowledgedThrough} never decreases, so a result once dropped is never needed again:
 * a sequence at or below it is refused as stale instead of being applied a second time.
 */
final class Session {
    final long clientId;
    private long lastActiveMillis;
    private long acknowledgedThrough;
    private final TreeMap<Long, KvResult> pendingResults = new TreeMap<>();

    Session(long clientId, long lastActiveMillis, long acknowledgedThrough) {
        Assert.check(clientId >= 1, "client id %d must be >= 1", clientId);
        Assert.check(lastActiveMillis >= 0 && acknowledgedThrough >= 0, "session %d: negative field", clientId);
        this.clientId = clientId;
        this.lastActiveMillis = lastActiveMillis;
        this.acknowledgedThrough = acknowledgedThrough;
    }

    long lastActiveMillis() {
        return lastActiveMillis;
    }

    long acknowledgedThrough() {
        return acknowledgedThrough;
    }

    /** Cached results in sequence order (read-only view, for snapshots). */
    Map<Long, KvResult> pendingResults() {
        return Collections.unmodifiableMap(pendingResults);
    }

    int pendingCount() {
        return pendingResults.size();
    }

    /** Only the session table calls this, so its activity index stays in step. */
    void markActive(long logTimeMillis) {
        Assert.check(logTimeMillis >= lastActiveMillis, "session %d: log time %d before last activity %d",
                clientId, logTimeMillis, lastActiveMillis);
        lastActiveMillis = logTimeMillis;
    }

    boolean isStale(long sequence) {
        return sequence <= acknowledgedThrough;
    }

    /** The client holds every result through {@code sequence}: drop them (no-op if not newer). */
    void acknowledge(long sequence) {
        if (sequence > acknowledgedThrough) {
            acknowledgedThrough = sequence;
            pendingResults.headMap(sequence, true).clear();
        }
    }

    Optional<KvResult> cachedResult(long sequence) {
        return Optional.ofNullable(pendingResults.get(sequence));
    }

    void remember(long sequence, KvResult result) {
        Assert.check(sequence > acknowledgedThrough, "session %d: caching acknowledged sequence %d <= %d",
                clientId, sequence, acknowledgedThrough);
        KvResult previous = pendingResults.putIfAbsent(sequence, Objects.requireNonNull(result));
        Assert.check(previous == null, "session %d: sequence %d applied twice", clientId, sequence);
    }

    void checkInvariants(int maxPendingResults) {
        Assert.check(pendingResults.size() <= maxPendingResults, "session %d caches %d results, limit %d",
                clientId, pendingResults.size(), maxPendingResults);
        Assert.check(pendingResults.isEmpty() || pendingResults.firstKey() > acknowledgedThrough,
                "session %d caches sequence %s at or below acknowledged %d", clientId,
                pendingResults.isEmpty() ? null : pendingResults.firstKey(), acknowledgedThrough);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Session that
                && clientId == that.clientId
                && lastActiveMillis == that.lastActiveMillis
                && acknowledgedThrough == that.acknowledgedThrough
                && pendingResults.equals(that.pendingResults);
    }

    @Override
    public int hashCode() {
        return Objects.hash(clientId, lastActiveMillis, acknowledgedThrough, pendingResults);
    }

    @Override
    public String toString() {
        return "Session[client=" + clientId + ", lastActiveMillis=" + lastActiveMillis
                + ", acknowledgedThrough=" + acknowledgedThrough + ", pending=" + pendingResults.keySet() + "]";
    }
}
