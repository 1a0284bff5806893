package io.raftkv.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.raftkv.core.Assert;
import io.raftkv.core.Entry;
import io.raftkv.core.EntryType;
import io.raftkv.core.Message;
import io.raftkv.core.Message.AppendEntriesRequest;
import io.raftkv.core.Message.AppendEntriesResponse;
import io.raftkv.core.Membership;
import io.raftkv.core.Message.InstallSnapshotRequest;
import io.raftkv.core.Message.InstallSnapshotResponse;
import io.raftkv.core.Message.ReadIndexRequest;
import io.raftkv.core.Message.ReadIndexResponse;
import io.raftkv.core.Message.RequestVoteRequest;
import io.raftkv.core.Message.RequestVoteResponse;
import io.raftkv.core.Message.TimeoutNow;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of the core's messages (layout in {@code package-info.java}). Integers are
 * {@link Varint}s, booleans one byte that must be 0 or 1, entry payloads raw bytes after their
 * length. Sizes are computed exactly before encoding, so the sender can enforce the frame limit and
 * the queue bounds on the real size and the buffer is allocated once.
 *
 * <p>Decoding trusts nothing: every read is bounds-checked, counts are checked against the bytes
 * that remain before anything is allocated, values the core's records refuse (an entry index of 0)
 * are refused here, and trailing bytes are an error. Any failure is a {@link ProtocolException}.
 */
final class MessageCodec {
    private MessageCodec() {}

    /** A decoded message with the sender's Lamport clock value. */
    record Decoded(Message message, long lamport) {}

    /** Smallest encoding of an entry: index, term, type and a zero length, one byte each. */
    private static final int ENTRY_BYTES_MIN = 4;

    private static final int NOOP = 0;
    private static final int COMMAND = 1;
    private static final int CONFIG = 2;

    /** Bytes of the whole frame, length prefix included. */
    static long frameBytes(Message message, long lamport) {
        return Protocol.LENGTH_PREFIX_BYTES + Protocol.HEADER_BYTES + Varint.longBytes(lamport) + bodyBytes(message);
    }

    static int type(Message message) {
        return switch (message) {
            case RequestVoteRequest m -> Protocol.REQUEST_VOTE_REQUEST;
            case RequestVoteResponse m -> Protocol.REQUEST_VOTE_RESPONSE;
            case AppendEntriesRequest m -> Protocol.APPEND_ENTRIES_REQUEST;
            case AppendEntriesResponse m -> Protocol.APPEND_ENTRIES_RESPONSE;
            case TimeoutNow m -> Protocol.TIMEOUT_NOW;
            case InstallSnapshotRequest m -> Protocol.INSTALL_SNAPSHOT_REQUEST;
            case InstallSnapshotResponse m -> Protocol.INSTALL_SNAPSHOT_RESPONSE;
            case ReadIndexRequest m -> Protocol.READ_INDEX_REQUEST;
            case ReadIndexResponse m -> Protocol.READ_INDEX_RESPONSE;
        };
    }

    /**
     * The whole frame, length prefix included, in one buffer of exactly {@code frameBytes} bytes
     * (the caller computed it with {@link #frameBytes} and checked it against its limit).
     */
    static ByteBuf encode(ByteBufAllocator allocator, Message message, long lamport, int frameBytes) {
        ByteBuf out = allocator.buffer(frameBytes, frameBytes);
        out.writeInt(frameBytes - Protocol.LENGTH_PREFIX_BYTES);
        out.writeByte(Protocol.VERSION);
        out.writeByte(type(message));
        Varint.writeLong(out, lamport);
        writeBody(out, message);
        Assert.check(out.readableBytes() == frameBytes, "encoded %d bytes for a frame of %d: %s",
                out.readableBytes(), frameBytes, message);
        return out;
    }

    /**
     * Decodes a message frame's payload after its version and type bytes (the connection handler
     * read those to dispatch). Consumes the whole payload or throws.
     */
    static Decoded decode(int type, ByteBuf in) throws ProtocolException {
        long lamport = Varint.readLong(in, "lamport");
        Message message = switch (type) {
            case Protocol.REQUEST_VOTE_REQUEST -> readRequestVoteRequest(in);
            case Protocol.REQUEST_VOTE_RESPONSE -> readRequestVoteResponse(in);
            case Protocol.APPEND_ENTRIES_REQUEST -> readAppendEntriesRequest(in);
            case Protocol.APPEND_ENTRIES_RESPONSE -> readAppendEntriesResponse(in);
            case Protocol.TIMEOUT_NOW -> readTimeoutNow(in);
            case Protocol.INSTALL_SNAPSHOT_REQUEST -> readInstallSnapshotRequest(in);
            case Protocol.INSTALL_SNAPSHOT_RESPONSE -> readInstallSnapshotResponse(in);
            case Protocol.READ_INDEX_REQUEST -> readReadIndexRequest(in);
            case Protocol.READ_INDEX_RESPONSE -> readReadIndexResponse(in);
            default -> throw new ProtocolException("%s is not a message frame", Protocol.typeName(type));
        };
        if (in.isReadable()) {
            throw new ProtocolException("%d bytes left over after a %s", in.readableBytes(), Protocol.typeName(type));
        }
        return new Decoded(message, lamport);
    }

    private static long bodyBytes(Message message) {
        long common = Varint.intBytes(message.from()) + Varint.intBytes(message.to())
                + Varint.longBytes(message.term());
        return common + switch (message) {
            case RequestVoteRequest m -> 2 + Varint.longBytes(m.lastLogIndex()) + Varint.longBytes(m.lastLogTerm());
            case TimeoutNow m -> 0;
            case RequestVoteResponse m -> 2;
            case AppendEntriesRequest m -> Varint.longBytes(m.prevLogIndex()) + Varint.longBytes(m.prevLogTerm())
                    + Varint.longBytes(m.commitIndex()) + entriesBytes(m.entries()) + Varint.longBytes(m.readId());
            case AppendEntriesResponse m -> 1 + Varint.longBytes(m.matchIndex()) + Varint.longBytes(m.conflictTerm())
                    + Varint.longBytes(m.conflictIndex()) + Varint.longBytes(m.readId());
            case InstallSnapshotRequest m -> Varint.longBytes(m.snapshotIndex()) + Varint.longBytes(m.snapshotTerm())
                    + Varint.longBytes(m.offset()) + 1 + Varint.intBytes(m.data().length) + m.data().length
                    + Varint.intBytes(membershipBytes(m).length) + membershipBytes(m).length;
            case InstallSnapshotResponse m -> Varint.longBytes(m.snapshotIndex()) + Varint.longBytes(m.nextOffset()) + 1;
            case ReadIndexRequest m -> Varint.longBytes(m.ctx());
            case ReadIndexResponse m -> Varint.longBytes(m.ctx()) + Varint.longBytes(m.index());
        };
    }

    private static long entriesBytes(List<Entry> entries) {
        long bytes = Varint.intBytes(entries.size());
        for (Entry entry : entries) {
            bytes += Varint.longBytes(entry.index()) + Varint.longBytes(entry.term()) + 1
                    + Varint.intBytes(entry.data().length) + entry.data().length;
        }
        return bytes;
    }

    private static void writeBody(ByteBuf out, Message message) {
        Varint.writeInt(out, message.from());
        Varint.writeInt(out, message.to());
        Varint.writeLong(out, message.term());
        switch (message) {
            case RequestVoteRequest m -> {
                out.writeBoolean(m.prevote());
                Varint.writeLong(out, m.lastLogIndex());
                Varint.writeLong(out, m.lastLogTerm());
                out.writeBoolean(m.transfer());
            }
            case TimeoutNow m -> { }
            case RequestVoteResponse m -> {
                out.writeBoolean(m.prevote());
                out.writeBoolean(m.voteGranted());
            }
            case AppendEntriesRequest m -> writeAppendEntriesRequest(out, m);
            case AppendEntriesResponse m -> {
                out.writeBoolean(m.success());
                Varint.writeLong(out, m.matchIndex());
                Varint.writeLong(out, m.conflictTerm());
                Varint.writeLong(out, m.conflictIndex());
                Varint.writeLong(out, m.readId());
            }
            case InstallSnapshotRequest m -> {
                Varint.writeLong(out, m.snapshotIndex());
                Varint.writeLong(out, m.snapshotTerm());
                Varint.writeLong(out, m.offset());
                out.writeBoolean(m.done());
                Varint.writeInt(out, m.data().length);
                out.writeBytes(m.data());
                byte[] membership = membershipBytes(m);
                Varint.writeInt(out, membership.length);
                out.writeBytes(membership);
            }
            case InstallSnapshotResponse m -> {
                Varint.writeLong(out, m.snapshotIndex());
                Varint.writeLong(out, m.nextOffset());
                out.writeBoolean(m.done());
            }
            case ReadIndexRequest m -> Varint.writeLong(out, m.ctx());
            case ReadIndexResponse m -> {
                Varint.writeLong(out, m.ctx());
                Varint.writeLong(out, m.index());
            }
        }
    }

    private static void writeAppendEntriesRequest(ByteBuf out, AppendEntriesRequest m) {
        Varint.writeLong(out, m.prevLogIndex());
        Varint.writeLong(out, m.prevLogTerm());
        Varint.writeLong(out, m.commitIndex());
        Varint.writeInt(out, m.entries().size());
        for (Entry entry : m.entries()) {
            Varint.writeLong(out, entry.index());
            Varint.writeLong(out, entry.term());
            out.writeByte(typeCode(entry.type()));
            Varint.writeInt(out, entry.data().length);
            out.writeBytes(entry.data());
        }
        Varint.writeLong(out, m.readId());
    }

    private static int typeCode(EntryType type) {
        return switch (type) {
            case NOOP -> NOOP;
            case COMMAND -> COMMAND;
            case CONFIG -> CONFIG;
        };
    }

    private static RequestVoteRequest readRequestVoteRequest(ByteBuf in) throws ProtocolException {
        int from = Varint.readInt(in, "from");
        int to = Varint.readInt(in, "to");
        long term = Varint.readLong(in, "term");
        boolean prevote = readBoolean(in, "prevote");
        long lastLogIndex = Varint.readLong(in, "lastLogIndex");
        long lastLogTerm = Varint.readLong(in, "lastLogTerm");
        boolean transfer = readBoolean(in, "transfer");
        return new RequestVoteRequest(from, to, term, prevote, lastLogIndex, lastLogTerm, transfer);
    }

    private static TimeoutNow readTimeoutNow(ByteBuf in) throws ProtocolException {
        int from = Varint.readInt(in, "from");
        int to = Varint.readInt(in, "to");
        long term = Varint.readLong(in, "term");
        return new TimeoutNow(from, to, term);
    }

    private static RequestVoteResponse readRequestVoteResponse(ByteBuf in) throws ProtocolException {
        int from = Varint.readInt(in, "from");
        int to = Varint.readInt(in, "to");
        long term = Varint.readLong(in, "term");
        boolean prevote = readBoolean(in, "prevote");
        boolean voteGranted = readBoolean(in, "voteGranted");
        return new RequestVoteResponse(from, to, term, prevote, voteGranted);
    }

    private static AppendEntriesRequest readAppendEntriesRequest(ByteBuf in) throws ProtocolException {
        int from = Varint.readInt(in, "from");
        int to = Varint.readInt(in, "to");
        long term = Varint.readLong(in, "term");
        long prevLogIndex = Varint.readLong(in, "prevLogIndex");
        long prevLogTerm = Varint.readLong(in, "prevLogTerm");
        long commitIndex = Varint.readLong(in, "commitIndex");
        List<Entry> entries = readEntries(in);
        long readId = Varint.readLong(in, "readId");
        return new AppendEntriesRequest(from, to, term, prevLogIndex, prevLogTerm, entries, commitIndex, readId);
    }

    private static AppendEntriesResponse readAppendEntriesResponse(ByteBuf in) throws ProtocolException {
        int from = Varint.readInt(in, "from");
        int to = Varint.readInt(in, "to");
        long term = Varint.readLong(in, "term");
        boolean success = readBoolean(in, "success");
        long matchIndex = Varint.readLong(in, "matchIndex");
        long conflictTerm = Varint.readLong(in, "conflictTerm");
        long conflictIndex = Varint.readLong(in, "conflictIndex");
        long readId = Varint.readLong(in, "readId");
        return new AppendEntriesResponse(from, to, term, success, matchIndex, conflictTerm, conflictIndex, readId);
    }

    private static InstallSnapshotRequest readInstallSnapshotRequest(ByteBuf in) throws ProtocolException {
        int from = Varint.readInt(in, "from");
        int to = Varint.readInt(in, "to");
        long term = Varint.readLong(in, "term");
        long snapshotIndex = Varint.readLong(in, "snapshotIndex");
        long snapshotTerm = Varint.readLong(in, "snapshotTerm");
        long offset = Varint.readLong(in, "offset");
        boolean done = readBoolean(in, "done");
        int length = Varint.readInt(in, "data length");
        if (Integer.toUnsignedLong(length) > in.readableBytes()) {
            throw new ProtocolException("snapshot chunk claims %s data bytes, %d are left",
                    Integer.toUnsignedString(length), in.readableBytes());
        }
        byte[] data = new byte[length];
        in.readBytes(data);
        int configLength = Varint.readInt(in, "configuration length");
        if (Integer.toUnsignedLong(configLength) > in.readableBytes()) {
            throw new ProtocolException("snapshot chunk claims %s configuration bytes, %d are left",
                    Integer.toUnsignedString(configLength), in.readableBytes());
        }
        byte[] config = new byte[configLength];
        in.readBytes(config);
        try {
            Membership membership = configLength == 0 ? null : Membership.decode(config);
            return new InstallSnapshotRequest(from, to, term, snapshotIndex, snapshotTerm, offset, data, done,
                    membership);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("invalid snapshot chunk: %s", e.getMessage());
        }
    }

    /** The snapshot's configuration as sent: empty for none (the initial configuration). */
    private static byte[] membershipBytes(InstallSnapshotRequest m) {
        return m.membership() == null ? new byte[0] : m.membership().encode();
    }

    private static InstallSnapshotResponse readInstallSnapshotResponse(ByteBuf in) throws ProtocolException {
        int from = Varint.readInt(in, "from");
        int to = Varint.readInt(in, "to");
        long term = Varint.readLong(in, "term");
        long snapshotIndex = Varint.readLong(in, "snapshotIndex");
        long nextOffset = Varint.readLong(in, "nextOffset");
        boolean done = readBoolean(in, "done");
        return new InstallSnapshotResponse(from, to, term, snapshotIndex, nextOffset, done);
    }

    private static ReadIndexRequest readReadIndexRequest(ByteBuf in) throws ProtocolException {
        int from = Varint.readInt(in, "from");
        int to = Varint.readInt(in, "to");
        long term = Varint.readLong(in, "term");
        long ctx = Varint.readLong(in, "ctx");
        return new ReadIndexRequest(from, to, term, ctx);
    }

    private static ReadIndexResponse readReadIndexResponse(ByteBuf in) throws ProtocolException {
        int from = Varint.readInt(in, "from");
        int to = Varint.readInt(in, "to");
        long term = Varint.readLong(in, "term");
        long ctx = Varint.readLong(in, "ctx");
        long index = Varint.readLong(in, "index");
        return new ReadIndexResponse(from, to, term, ctx, index);
    }

    private static List<Entry> readEntries(ByteBuf in) throws ProtocolException {
        int count = Varint.readInt(in, "entry count");
        // Checked before allocating: a forged count must not make this node reserve memory.
        if (Integer.toUnsignedLong(count) > in.readableBytes() / ENTRY_BYTES_MIN) {
            throw new ProtocolException("entry count %s cannot fit in the %d bytes left",
                    Integer.toUnsignedString(count), in.readableBytes());
        }
        List<Entry> entries = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            entries.add(readEntry(in, k));
        }
        return entries;
    }

    private static Entry readEntry(ByteBuf in, int position) throws ProtocolException {
        long index = Varint.readLong(in, "entry index");
        long term = Varint.readLong(in, "entry term");
        EntryType type = readEntryType(in);
        int length = Varint.readInt(in, "entry data length");
        if (Integer.toUnsignedLong(length) > in.readableBytes()) {
            throw new ProtocolException("entry %d claims %s data bytes, %d are left", position,
                    Integer.toUnsignedString(length), in.readableBytes());
        }
        byte[] data = new byte[length];
        in.readBytes(data);
        try {
            return new Entry(index, term, type, data);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("invalid entry %d: %s", position, e.getMessage());
        }
    }

    private static EntryType readEntryType(ByteBuf in) throws ProtocolException {
        if (!in.isReadable()) {
            throw new ProtocolException("truncated entry type");
        }
        int code = in.readUnsignedByte();
        return switch (code) {
            case NOOP -> EntryType.NOOP;
            case COMMAND -> EntryType.COMMAND;
            case CONFIG -> EntryType.CONFIG;
            default -> throw new ProtocolException("unknown entry type %d", code);
        };
    }

    static boolean readBoolean(ByteBuf in, String field) throws ProtocolException {
        if (!in.isReadable()) {
            throw new ProtocolException("truncated %s", field);
        }
        int b = in.readUnsignedByte();
        if (b > 1) {
            throw new ProtocolException("%s must be 0 or 1, got %d", field, b);
        }
        return b == 1;
    }
}
