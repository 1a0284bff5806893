package io.raftkv.kv;

import java.util.Objects;

/**
 * A command of the key-value state machine, as carried inside a Raft log entry (encoded by
 * {@link KvCodec}). Every command carries {@code leaderTimeMillis}, the wall time of the leader
 * that appended it: the leader stamps it (with {@link #withLeaderTimeMillis}) just before it
 * proposes, and the state machine derives session expiry from these stamps alone, so expiry is a
 * function of the log and every replica expires the same sessions at the same index (thesis
 * §6.3). Replicas never read a clock of their own.
 *
 * <p>Client sessions follow the thesis §6.3: a client first appends {@link Register}; the index
 * of that entry becomes its client id. Each {@link Request} then names the client, a sequence
 * number unique to that client, and {@code acknowledgedThrough}: every result for a sequence at
 * or below it has reached the client, so the store may forget those results.
 */
public sealed interface KvCommand {

    /** Log time stamped by the appending leader, in milliseconds; >= 0. */
    long leaderTimeMillis();

    /** The same command with another stamp (the leader's, taken just before it proposes). */
    KvCommand withLeaderTimeMillis(long leaderTimeMillis);

    default byte[] encode() {
        return KvCodec.encodeCommand(this);
    }

    static Decoded<KvCommand> decode(byte[] bytes) {
        return KvCodec.decodeCommand(bytes);
    }

    /** Opens a session; the client id is the log index at which this command is applied. */
    record Register(long leaderTimeMillis) implements KvCommand {
        public Register {
            KvCodec.checkTime(leaderTimeMillis);
        }

        @Override
        public Register withLeaderTimeMillis(long stamp) {
            return new Register(stamp);
        }
    }

    /** Closes a session and frees its cached results at once, rather than at expiry. */
    record Unregister(long leaderTimeMillis, long clientId) implements KvCommand {
        public Unregister {
            KvCodec.checkTime(leaderTimeMillis);
            KvCodec.checkPositive(clientId, "clientId");
        }

        @Override
        public Unregister withLeaderTimeMillis(long stamp) {
            return new Unregister(stamp, clientId);
        }
    }

    /**
     * One client operation within a session.
     *
     * @param clientId            the index of the client's Register entry, >= 1
     * @param sequence            unique per client, >= 1; a retry reuses it
     * @param acknowledgedThrough the client holds the results of every sequence <= this value,
     *                            so it is below {@code sequence}
     */
    record Request(long leaderTimeMillis, long clientId, long sequence, long acknowledgedThrough,
            Operation operation) implements KvCommand {
        public Request {
            KvCodec.checkTime(leaderTimeMillis);
            KvCodec.checkPositive(clientId, "clientId");
            KvCodec.checkPositive(sequence, "sequence");
            if (acknowledgedThrough < 0 || acknowledgedThrough >= sequence) {
                throw new IllegalArgumentException("acknowledgedThrough must lie in [0, sequence), got "
                        + acknowledgedThrough + " with sequence " + sequence);
            }
            Objects.requireNonNull(operation, "operation");
        }

        @Override
        public Request withLeaderTimeMillis(long stamp) {
            return new Request(stamp, clientId, sequence, acknowledgedThrough, operation);
        }
    }

    /** What a request does to the key space. */
    sealed interface Operation {
        Bytes key();
    }

    /** A read through the log: linearizable without a ReadIndex round, at the cost of an entry. */
    record Get(Bytes key) implements Operation {
        public Get {
            KvCodec.checkKey(key);
        }
    }

    record Put(Bytes key, Bytes value) implements Operation {
        public Put {
            KvCodec.checkKey(key);
            KvCodec.checkValue(value);
        }
    }

    record Delete(Bytes key) implements Operation {
        public Delete {
            KvCodec.checkKey(key);
        }
    }

    /** Writes {@code replacement} only if the key exists and holds exactly {@code expected}. */
    record CompareAndSetValue(Bytes key, Bytes expected, Bytes replacement) implements Operation {
        public CompareAndSetValue {
            KvCodec.checkKey(key);
            KvCodec.checkValue(expected);
            KvCodec.checkValue(replacement);
        }
    }

    /**
     * Writes {@code replacement} only if the key's version is {@code expectedVersion}; version 0
     * means "absent", so expectedVersion 0 is create-if-absent.
     */
    record CompareAndSetVersion(Bytes key, long expectedVersion, Bytes replacement) implements Operation {
        public CompareAndSetVersion {
            KvCodec.checkKey(key);
            if (expectedVersion < 0) {
                throw new IllegalArgumentException("expectedVersion must be >= 0, got " + expectedVersion);
            }
            KvCodec.checkValue(replacement);
        }
    }
}
