package io.raftkv.kv;

import java.util.Objects;

/**
 * The outcome of applying one command, as returned to the client (encoded by {@link KvCodec}).
 * Results are part of the replicated state: a session caches them until the client acknowledges
 * them, so a retried request gets back the very result of its first application.
 */
public sealed interface KvResult {

    default byte[] encode() {
        return KvCodec.encodeResult(this);
    }

    static Decoded<KvResult> decode(byte[] bytes) {
        return KvCodec.decodeResult(bytes);
    }

    /** A session is open; {@code clientId} is the index of the Register entry. */
    record Registered(long clientId) implements KvResult {
        public Registered {
            KvCodec.checkPositive(clientId, "clientId");
        }
    }

    /** The session was closed by Unregister. */
    record Unregistered() implements KvResult {}

    /** A put or a successful compare-and-set; {@code version} is this entry's index. */
    record Written(long version) implements KvResult {
        public Written {
            KvCodec.checkPositive(version, "version");
        }
    }

    /** A delete that removed the key; {@code revision} is this entry's index. */
    record Deleted(long revision) implements KvResult {
        public Deleted {
            KvCodec.checkPositive(revision, "revision");
        }
    }

    /** A get that found the key: its value and version (the index of the write that set it). */
    record Found(Bytes value, long version) implements KvResult {
        public Found {
            KvCodec.checkValue(value);
            KvCodec.checkPositive(version, "version");
        }
    }

    /** A get or delete of an absent key. */
    record NotFound() implements KvResult {}

    /**
     * A compare-and-set whose condition did not hold, with what the key holds now so the client
     * can retry without another read; version 0 and an empty value mean the key is absent.
     */
    record CompareFailed(long currentVersion, Bytes currentValue) implements KvResult {
        public CompareFailed {
            if (currentVersion < 0) {
                throw new IllegalArgumentException("currentVersion must be >= 0, got " + currentVersion);
            }
            KvCodec.checkValue(currentValue);
            if (currentVersion == 0 && currentValue.length() != 0) {
                throw new IllegalArgumentException("an absent key (version 0) has no value");
            }
        }
    }

    /**
     * The command was not applied. {@code detail} is printable ASCII of at most
     * {@link #MAX_DETAIL_LENGTH} characters, deterministic (it is replicated state when cached).
     */
    record Rejected(Reason reason, String detail) implements KvResult {
        public static final int MAX_DETAIL_LENGTH = 240;

        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
            if (detail.length() > MAX_DETAIL_LENGTH) {
                throw new IllegalArgumentException("detail longer than " + MAX_DETAIL_LENGTH + " characters");
            }
            for (int k = 0; k < detail.length(); k++) {
                char c = detail.charAt(k);
                if (c < 0x20 || c > 0x7e) {
                    throw new IllegalArgumentException("detail must be printable ASCII, found code " + (int) c);
                }
            }
        }

        /** Replaces characters outside printable ASCII with '?' and cuts the text to the limit. */
        public static Rejected of(Reason reason, String text) {
            StringBuilder detail = new StringBuilder(Math.min(text.length(), MAX_DETAIL_LENGTH));
            for (int k = 0; k < text.length() && detail.length() < MAX_DETAIL_LENGTH; k++) {
                char c = text.charAt(k);
                detail.append(c >= 0x20 && c <= 0x7e ? c : '?');
            }
            return new Rejected(reason, detail.toString());
        }
    }

    /** Why a command was not applied; {@code code} is its stable wire value. */
    enum Reason {
        /** The entry's bytes are not a command; applied as a no-op on every replica. */
        MALFORMED_COMMAND(1),
        /** No live session has this client id: never registered, closed, expired or evicted. */
        UNKNOWN_SESSION(2),
        /** The sequence is at or below what the client acknowledged: its result is gone. */
        STALE_SEQUENCE(3),
        /** The session already caches the maximum number of unacknowledged results. */
        TOO_MANY_PENDING(4);

        public final int code;

        Reason(int code) {
            this.code = code;
        }

        static Reason ofCode(int code) {
            for (Reason reason : values()) {
                if (reason.code == code) {
                    return reason;
                }
            }
            return null;
        }
    }
}
