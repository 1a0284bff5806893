package io.raftkv.transport;

/**
 * Wire constants shared by the codec, the framing and the handshake. The byte layouts they belong
 * to are described in {@code package-info.java}; changing any of them means a new {@link #VERSION}.
 */
final class Protocol {
    private Protocol() {}

    /**
     * The protocol this code speaks; the first byte of every frame's payload. Version 2 added the
     * AppendEntries readId (ReadIndex rounds), the RequestVote transfer flag and TimeoutNow
     * (leadership transfer). Version 3 added InstallSnapshot; version 4 the snapshot's configuration
     * in every InstallSnapshotRequest (membership changes); version 5 ReadIndexRequest and
     * ReadIndexResponse (a follower's read forwarded to its leader).
     */
    static final int VERSION = 5;

    /** "RKVT": the first field of a HELLO, so that a stranger is told apart from a wrong version. */
    static final int MAGIC = 0x524B5654;

    /** Every frame starts with its payload length as an unsigned 32-bit big-endian integer. */
    static final int LENGTH_PREFIX_BYTES = 4;

    /** Version byte and frame type byte: the smallest payload a frame can have. */
    static final int HEADER_BYTES = 2;

    /**
     * Frame limit before the handshake completes (and for anything a dialer reads): a connection
     * that has not proven it is a member cannot make this node buffer more than this.
     */
    static final int HANDSHAKE_FRAME_BYTES_MAX = 1024;

    /** Cluster ids are 1..255 bytes of UTF-8 (one length byte in the HELLO). */
    static final int CLUSTER_ID_BYTES_MAX = 255;

    /** A REJECT reason is cut to this many characters so that it always fits a handshake frame. */
    static final int REJECT_REASON_CHARS_MAX = 300;

    // Frame types (second payload byte). Codes are explicit so that reordering code never changes
    // the wire format.
    static final int HELLO = 0x01;
    static final int REJECT = 0x02;
    static final int REQUEST_VOTE_REQUEST = 0x10;
    static final int REQUEST_VOTE_RESPONSE = 0x11;
    static final int APPEND_ENTRIES_REQUEST = 0x12;
    static final int APPEND_ENTRIES_RESPONSE = 0x13;
    static final int TIMEOUT_NOW = 0x14;
    static final int INSTALL_SNAPSHOT_REQUEST = 0x15;
    static final int INSTALL_SNAPSHOT_RESPONSE = 0x16;
    static final int READ_INDEX_REQUEST = 0x17;
    static final int READ_INDEX_RESPONSE = 0x18;

    /** A frame type for log lines; unknown codes are shown in hex. */
    static String typeName(int type) {
        return switch (type) {
            case HELLO -> "HELLO";
            case REJECT -> "REJECT";
            case REQUEST_VOTE_REQUEST -> "RequestVoteRequest";
            case REQUEST_VOTE_RESPONSE -> "RequestVoteResponse";
            case APPEND_ENTRIES_REQUEST -> "AppendEntriesRequest";
            case APPEND_ENTRIES_RESPONSE -> "AppendEntriesResponse";
            case TIMEOUT_NOW -> "TimeoutNow";
            case INSTALL_SNAPSHOT_REQUEST -> "InstallSnapshotRequest";
            case INSTALL_SNAPSHOT_RESPONSE -> "InstallSnapshotResponse";
            case READ_INDEX_REQUEST -> "ReadIndexRequest";
            case READ_INDEX_RESPONSE -> "ReadIndexResponse";
            default -> String.format("unknown type 0x%02x", type);
        };
    }
}
