package io.raftkv.kv;

import io.raftkv.core.Assert;
import java.util.Collection;
import java.util.Collections;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The live sessions, by client id and by last activity. The activity order (log time, then client
 * id) makes expiry and least-recently-used eviction cheap and identical on every replica: ties in
 * time are broken by id, never by insertion or hash order.
 */
final class SessionTable {
    /** A session's position in the activity order. */
    private record Activity(long lastActiveMillis, long clientId) implements Comparable<Activity> {
        @Override
        public int compareTo(Activity other) {
            int byTime = Long.compare(lastActiveMillis, other.lastActiveMillis);
            return byTime != 0 ? byTime : Long.compare(clientId, other.clientId);
        }
    }

    private final TreeMap<Long, Session> byClientId = new TreeMap<>();
    private final TreeSet<Activity> byActivity = new TreeSet<>();

    int size() {
        return byClientId.size();
    }

    Optional<Session> find(long clientId) {
        return Optional.ofNullable(byClientId.get(clientId));
    }

    /** Sessions in client-id order (read-only), for snapshots. */
    Collection<Session> inClientIdOrder() {
        return Collections.unmodifiableCollection(byClientId.values());
    }

    void add(Session session) {
        Session previous = byClientId.putIfAbsent(session.clientId, session);
        Assert.check(previous == null, "session %d opened twice", session.clientId);
        byActivity.add(new Activity(session.lastActiveMillis(), session.clientId));
    }

    boolean remove(long clientId) {
        Session session = byClientId.remove(clientId);
        if (session == null) {
            return false;
        }
        boolean indexed = byActivity.remove(new Activity(session.lastActiveMillis(), clientId));
        Assert.check(indexed, "session %d missing from the activity index", clientId);
        return true;
    }

    void markActive(Session session, long logTimeMillis) {
        boolean indexed = byActivity.remove(new Activity(session.lastActiveMillis(), session.clientId));
        Assert.check(indexed, "session %d missing from the activity index", session.clientId);
        session.markActive(logTimeMillis);
        byActivity.add(new Activity(logTimeMillis, session.clientId));
    }

    /**
     * Removes every session unused for more than {@code timeoutMillis} of log time. Both times come
     * from the log, so each replica removes the same sessions when it applies the same entry.
     */
    int expireIdle(long logTimeMillis, long timeoutMillis) {
        int expired = 0;
        while (!byActivity.isEmpty() && logTimeMillis - byActivity.first().lastActiveMillis() > timeoutMillis) {
            remove(byActivity.first().clientId());
            expired++;
        }
        return expired;
    }

    /** Removes the session unused for longest (the lowest client id among equals). */
    long evictLeastRecentlyUsed() {
        Assert.check(!byActivity.isEmpty(), "no session to evict");
        long clientId = byActivity.first().clientId();
        remove(clientId);
        return clientId;
    }

    void checkInvariants(KvConfig config, long logTimeMillis) {
        Assert.check(byClientId.size() == byActivity.size(), "session index sizes differ: %d by id, %d by activity",
                byClientId.size(), byActivity.size());
        Assert.check(byClientId.size() <= config.maxSessions(), "%d sessions, limit %d", byClientId.size(),
                config.maxSessions());
        Assert.check(byActivity.isEmpty() || byActivity.last().lastActiveMillis() <= logTimeMillis,
                "a session was active after log time %d", logTimeMillis);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SessionTable that && byClientId.equals(that.byClientId);
    }

    @Override
    public int hashCode() {
        return byClientId.hashCode();
    }
}
