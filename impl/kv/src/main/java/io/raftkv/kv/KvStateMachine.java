package io.raftkv.kv;

import io.raftkv.core.Assert;
import io.raftkv.core.Entry;
import io.raftkv.kv.KvCommand.CompareAndSetValue;
import io.raftkv.kv.KvCommand.CompareAndSetVersion;
import io.raftkv.kv.KvCommand.Delete;
import io.raftkv.kv.KvCommand.Get;
import io.raftkv.kv.KvCommand.Operation;
import io.raftkv.kv.KvCommand.Put;
import io.raftkv.kv.KvCommand.Register;
import io.raftkv.kv.KvCommand.Request;
import io.raftkv.kv.KvCommand.Unregister;
import io.raftkv.kv.KvResult.Reason;
import io.raftkv.kv.KvResult.Rejected;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The replicated key-value state machine with exactly-once client sessions (thesis §6.3).
 *
 * <p>It is a pure function of the log: {@link #apply(long, byte[])} is given every committed
 * entry in index order, reads no clock, no randomness and no environment, iterates only sorted
 * collections, and so every replica that applies the same log holds the same state and returns
 * the same results, byte for byte ({@link #hash()} lets the simulator check it). Bytes that are
 * not a command are applied as a no-op returning a {@link Reason#MALFORMED_COMMAND} rejection.
 *
 * <p>State: keys with their value and version (the index of the entry that last wrote the key);
 * {@code revision}, the index of the last entry that changed a key; {@code appliedIndex}; the
 * session table; and {@code logTimeMillis}, the highest leader stamp applied so far. Log time only
 * moves forward: a new leader whose clock is behind its predecessor's does not move it back, so a
 * session never becomes younger by a leader change. A leader whose clock runs fast can expire
 * sessions early; that costs the affected clients a re-registration, never safety.
 *
 * <p>Not thread-safe: the node loop owns it, as it owns the core.
 */
public final class KvStateMachine {
    private final KvConfig config;
    private TreeMap<Bytes, Versioned> data;
    private SessionTable sessions;
    private long appliedIndex;
    private long revision;
    private long logTimeMillis;

    public KvStateMachine(KvConfig config) {
        this(config, new TreeMap<>(), new SessionTable(), 0, 0, 0);
    }

    public KvStateMachine() {
        this(KvConfig.defaults());
    }

    KvStateMachine(KvConfig config, TreeMap<Bytes, Versioned> data, SessionTable sessions, long appliedIndex,
            long revision, long logTimeMillis) {
        this.config = Objects.requireNonNull(config, "config");
        this.data = data;
        this.sessions = sessions;
        this.appliedIndex = appliedIndex;
        this.revision = revision;
        this.logTimeMillis = logTimeMillis;
    }

    /**
     * Applies the command at {@code index}, which must be {@link #appliedIndex()} + 1, and returns
     * the encoded {@link KvResult}. Undecodable bytes are a no-op with a rejection result.
     */
    public byte[] apply(long index, byte[] command) {
        KvResult result = switch (KvCodec.decodeCommand(command)) {
            case Decoded.Ok<KvCommand> ok -> apply(index, ok.value());
            case Decoded.Malformed<KvCommand> malformed -> {
                applyWithoutCommand(index);
                yield Rejected.of(Reason.MALFORMED_COMMAND, malformed.reason());
            }
        };
        return result.encode();
    }

    /** Applies a decoded command at {@code index} = {@link #appliedIndex()} + 1. */
    public KvResult apply(long index, KvCommand command) {
        beginApply(index);
        advanceLogTime(command.leaderTimeMillis());
        KvResult result = switch (command) {
            case Register register -> register(index);
            case Unregister unregister -> unregister(unregister.clientId());
            case Request request -> request(index, request);
        };
        appliedIndex = index;
        checkStep();
        return result;
    }

    /**
     * Applies a committed log entry as the node loop hands it over: a command yields its encoded
     * result; a Raft no-op or configuration entry only advances {@link #appliedIndex()} (no client
     * waits on it) and yields an empty array.
     */
    public byte[] apply(Entry entry) {
        return switch (entry.type()) {
            case COMMAND -> apply(entry.index(), entry.data());
            case NOOP, CONFIG -> {
                applyWithoutCommand(entry.index());
                yield new byte[0];
            }
        };
    }

    /** An index that carries no command (a no-op, a configuration change, bad bytes). */
    public void applyWithoutCommand(long index) {
        beginApply(index);
        appliedIndex = index;
        checkStep();
    }

    /** Local read of the applied state; linearizable only behind ReadIndex or a lease (thesis §6.4). */
    public Optional<Versioned> get(Bytes key) {
        return Optional.ofNullable(data.get(key));
    }

    /** Index of the last entry that changed a key; 0 before the first write. */
    public long revision() {
        return revision;
    }

    /** Index of the last entry applied; 0 before the first. */
    public long appliedIndex() {
        return appliedIndex;
    }

    /** The highest leader stamp applied so far. */
    public long logTimeMillis() {
        return logTimeMillis;
    }

    public KvConfig config() {
        return config;
    }

    public int keyCount() {
        return data.size();
    }

    public int sessionCount() {
        return sessions.size();
    }

    public boolean hasSession(long clientId) {
        return sessions.find(clientId).isPresent();
    }

    /** The whole state in the {@link KvSnapshot} format, with a trailing CRC32C. */
    public byte[] snapshot() {
        return KvSnapshot.write(config, appliedIndex, revision, logTimeMillis, data, sessions);
    }

    /**
     * Replaces the whole state with a snapshot's. On any error the state is left untouched: the
     * snapshot is parsed and checked in full before anything is replaced.
     */
    public void restore(byte[] snapshot) throws InvalidSnapshotException {
        KvStateMachine restored = KvSnapshot.read(Objects.requireNonNull(snapshot, "snapshot"), config);
        data = restored.data;
        sessions = restored.sessions;
        appliedIndex = restored.appliedIndex;
        revision = restored.revision;
        logTimeMillis = restored.logTimeMillis;
    }

    /**
     * A 64-bit digest (FNV-1a) of {@link #snapshot()}: equal states give equal digests on every
     * replica and every JVM, unlike {@link #hashCode()}, which may differ between runs. It costs a
     * snapshot, so checkers call it at chosen points rather than after every entry of a long run.
     */
    public long hash() {
        long hash = 0xcbf29ce484222325L;
        for (byte b : snapshot()) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        return hash;
    }

    private KvResult register(long index) {
        if (sessions.size() >= config.maxSessions()) {
            // Thesis §6.3: bound the number of sessions and evict the least recently used one.
            sessions.evictLeastRecentlyUsed();
        }
        sessions.add(new Session(index, logTimeMillis, 0));
        return new KvResult.Registered(index);
    }

    private KvResult unregister(long clientId) {
        return sessions.remove(clientId) ? new KvResult.Unregistered() : unknownSession(clientId);
    }

    private KvResult request(long index, Request request) {
        Optional<Session> found = sessions.find(request.clientId());
        if (found.isEmpty()) {
            return unknownSession(request.clientId());
        }
        Session session = found.get();
        sessions.markActive(session, logTimeMillis);
        if (session.isStale(request.sequence())) {
            return Rejected.of(Reason.STALE_SEQUENCE, "client " + session.clientId + " sequence "
                    + request.sequence() + " is at or below its acknowledged sequence "
                    + session.acknowledgedThrough() + "; its result was discarded");
        }
        session.acknowledge(request.acknowledgedThrough());
        Optional<KvResult> cached = session.cachedResult(request.sequence());
        if (cached.isPresent()) {
            return cached.get(); // a retry: the first result, and the operation is not applied again
        }
        if (session.pendingCount() >= config.maxPendingResultsPerSession()) {
            return Rejected.of(Reason.TOO_MANY_PENDING, "client " + session.clientId + " has "
                    + session.pendingCount() + " unacknowledged results, the limit; acknowledge some first");
        }
        KvResult result = perform(index, request.operation());
        session.remember(request.sequence(), result);
        session.checkInvariants(config.maxPendingResultsPerSession());
        return result;
    }

    private KvResult perform(long index, Operation operation) {
        Versioned current = data.get(operation.key());
        return switch (operation) {
            case Get get -> current == null ? new KvResult.NotFound() : new KvResult.Found(current.value(),
                    current.version());
            case Put put -> write(index, put.key(), put.value());
            case Delete delete -> current == null ? new KvResult.NotFound() : delete(index, delete.key());
            case CompareAndSetValue cas -> current != null && current.value().equals(cas.expected())
                    ? write(index, cas.key(), cas.replacement()) : compareFailed(current);
            case CompareAndSetVersion cas -> versionOf(current) == cas.expectedVersion()
                    ? write(index, cas.key(), cas.replacement()) : compareFailed(current);
        };
    }

    private KvResult write(long index, Bytes key, Bytes value) {
        data.put(key, new Versioned(value, index));
        revision = index;
        return new KvResult.Written(index);
    }

    private KvResult delete(long index, Bytes key) {
        data.remove(key);
        revision = index;
        return new KvResult.Deleted(index);
    }

    private static long versionOf(Versioned current) {
        return current == null ? 0 : current.version();
    }

    private static KvResult compareFailed(Versioned current) {
        return current == null ? new KvResult.CompareFailed(0, Bytes.EMPTY)
                : new KvResult.CompareFailed(current.version(), current.value());
    }

    private static KvResult unknownSession(long clientId) {
        return Rejected.of(Reason.UNKNOWN_SESSION, "no live session for client " + clientId
                + " (never registered, closed, expired or evicted); register again");
    }

    /** Log time is the maximum stamp seen; expiry runs on every command, before it takes effect. */
    private void advanceLogTime(long leaderTimeMillis) {
        logTimeMillis = Math.max(logTimeMillis, leaderTimeMillis);
        sessions.expireIdle(logTimeMillis, config.sessionTimeoutMillis());
    }

    private void beginApply(long index) {
        Assert.check(index == appliedIndex + 1, "applying index %d after %d: entries must be applied in order, "
                + "each once", index, appliedIndex);
    }

    /** Cheap checks after every entry; {@link #checkInvariants()} walks the whole state. */
    private void checkStep() {
        Assert.check(revision <= appliedIndex, "revision %d beyond applied index %d", revision, appliedIndex);
        sessions.checkInvariants(config, logTimeMillis);
    }

    /** Every invariant of the state, in time linear in its size (restore and tests run it). */
    void checkInvariants() {
        checkStep();
        for (Map.Entry<Bytes, Versioned> entry : data.entrySet()) {
            Assert.check(entry.getValue().version() <= revision, "key %s version %d beyond revision %d",
                    entry.getKey(), entry.getValue().version(), revision);
        }
        for (Session session : sessions.inClientIdOrder()) {
            Assert.check(session.clientId <= appliedIndex, "session %d registered beyond applied index %d",
                    session.clientId, appliedIndex);
            session.checkInvariants(config.maxPendingResultsPerSession());
        }
    }

    /** Equal when the whole replicated state is equal: configuration, keys, sessions, indexes, time. */
    @Override
    public boolean equals(Object other) {
        return other instanceof KvStateMachine that
                && config.equals(that.config)
                && appliedIndex == that.appliedIndex
                && revision == that.revision
                && logTimeMillis == that.logTimeMillis
                && data.equals(that.data)
                && sessions.equals(that.sessions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(config, appliedIndex, revision, logTimeMillis, data, sessions);
    }

    @Override
    public String toString() {
        return "KvStateMachine[appliedIndex=" + appliedIndex + ", revision=" + revision + ", logTimeMillis="
                + logTimeMillis + ", keys=" + data.size() + ", sessions=" + sessions.size() + "]";
    }
}
