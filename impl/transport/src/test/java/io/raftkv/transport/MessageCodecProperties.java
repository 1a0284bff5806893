package io.raftkv.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.raftkv.core.Entry;
import io.raftkv.core.EntryType;
import io.raftkv.core.Membership;
import io.raftkv.core.Message;
import io.raftkv.core.Message.InstallSnapshotRequest;
import io.raftkv.core.Message.InstallSnapshotResponse;
import io.raftkv.core.Message.AppendEntriesRequest;
import io.raftkv.core.Message.AppendEntriesResponse;
import io.raftkv.core.Message.ReadIndexRequest;
import io.raftkv.core.Message.ReadIndexResponse;
import io.raftkv.core.Message.RequestVoteRequest;
import io.raftkv.core.Message.RequestVoteResponse;
import io.raftkv.core.Message.TimeoutNow;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * The codec against random messages of every type: each round-trips exactly, its computed size is
 * its encoded size, every proper prefix of its body is rejected as a ProtocolException, and random
 * bytes never produce anything but a message or a ProtocolException (no runtime exception, no
 * allocation driven by a forged count). Values cover the full ranges the records allow, negative
 * ids and terms included, and entries from none to a megabyte.
 */
class MessageCodecProperties {
    private static final UnpooledByteBufAllocator ALLOCATOR = new UnpooledByteBufAllocator(false);

    @Property(tries = 500)
    void everyMessageRoundTripsWithItsLamportValue(@ForAll("messages") Message message, @ForAll long lamport)
            throws ProtocolException {
        ByteBuf frame = encode(message, lamport);
        assertEquals(MessageCodec.frameBytes(message, lamport), frame.readableBytes(), "computed size");
        assertEquals(frame.readableBytes() - Protocol.LENGTH_PREFIX_BYTES, frame.readInt(), "length prefix");
        assertEquals(Protocol.VERSION, frame.readUnsignedByte());
        int type = frame.readUnsignedByte();
        assertEquals(MessageCodec.type(message), type);
        MessageCodec.Decoded decoded = MessageCodec.decode(type, frame);
        assertEquals(message, decoded.message());
        assertEquals(lamport, decoded.lamport());
        frame.release();
    }

    @Property(tries = 300)
    void everyTruncatedBodyIsRejected(@ForAll("messages") Message message, @ForAll long lamport,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int cutSeed) {
        ByteBuf frame = encode(message, lamport);
        frame.skipBytes(Protocol.LENGTH_PREFIX_BYTES + Protocol.HEADER_BYTES);
        int cut = cutSeed % frame.readableBytes();
        ByteBuf prefix = frame.slice(frame.readerIndex(), cut);
        assertThrows(ProtocolException.class, () -> MessageCodec.decode(MessageCodec.type(message), prefix));
        frame.release();
    }

    @Property(tries = 2000)
    void randomBytesDecodeOrAreRejectedCleanly(@ForAll("frameTypes") int type, @ForAll byte[] body) {
        try {
            MessageCodec.Decoded decoded = MessageCodec.decode(type, Unpooled.wrappedBuffer(body));
            assertEquals(MessageCodec.type(decoded.message()), type);
        } catch (ProtocolException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank());
        }
    }

    @Property
    void everyLongIsOneCanonicalVarint(@ForAll long value) throws ProtocolException {
        ByteBuf out = Unpooled.buffer();
        Varint.writeLong(out, value);
        assertEquals(Varint.longBytes(value), out.readableBytes());
        assertEquals(value, Varint.readLong(out, "value"));
        assertEquals(0, out.readableBytes());
    }

    @Property
    void everyIntRoundTripsAsAVarint(@ForAll int value) throws ProtocolException {
        ByteBuf out = Unpooled.buffer();
        Varint.writeInt(out, value);
        assertEquals(Varint.intBytes(value), out.readableBytes());
        assertEquals(value, Varint.readInt(out, "value"));
    }

    @Example
    void overlongOverflowingAndOversizedVarintsAreRejected() {
        assertRejected(new byte[] {(byte) 0x80, 0x00}, "canonical");
        assertRejected(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, 0x02}, "64 bits");
        assertRejected(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0x01}, "64 bits");
        assertRejected(new byte[] {(byte) 0x80}, "truncated");
        assertThrows(ProtocolException.class, () -> Varint.readInt(Unpooled.wrappedBuffer(
                new byte[] {-1, -1, -1, -1, 0x1F}), "value"), "more than 32 bits for an int");
    }

    @Example
    void badFieldsAreRejectedWithTheirName() {
        RequestVoteResponse vote = new RequestVoteResponse(1, 2, 3, false, true);
        byte[] body = body(vote, 0);
        body[body.length - 1] = 2;
        assertEquals("voteGranted must be 0 or 1, got 2", rejection(Protocol.REQUEST_VOTE_RESPONSE, body));

        byte[] extra = Arrays.copyOf(body(vote, 0), body(vote, 0).length + 1);
        assertTrue(rejection(Protocol.REQUEST_VOTE_RESPONSE, extra).contains("1 bytes left over"));
        assertTrue(rejection(0x7f, body(vote, 0)).contains("unknown type 0x7f"));
        assertTrue(rejection(Protocol.HELLO, body(vote, 0)).contains("not a message frame"));
    }

    @Example
    void forgedEntryCountsAndInvalidEntriesAreRejected() {
        List<Entry> entries = List.of(Entry.command(1, 5, new byte[] {7}));
        AppendEntriesRequest one = new AppendEntriesRequest(1, 2, 5, 0, 0, entries, 0);
        byte[] body = body(one, 0);
        // lamport, from, to, term, prevLogIndex, prevLogTerm, commitIndex: one byte each; then the count.
        int count = 7;
        assertEquals(1, body[count]);
        body[count] = 100;
        assertTrue(rejection(Protocol.APPEND_ENTRIES_REQUEST, body).contains("cannot fit"));

        byte[] zeroIndex = body(one, 0);
        zeroIndex[count + 1] = 0;
        assertTrue(rejection(Protocol.APPEND_ENTRIES_REQUEST, zeroIndex).contains("invalid entry 0"));

        byte[] badType = body(one, 0);
        badType[count + 3] = 9;
        assertTrue(rejection(Protocol.APPEND_ENTRIES_REQUEST, badType).contains("unknown entry type 9"));

        byte[] noopWithData = body(one, 0);
        noopWithData[count + 3] = 0;
        assertTrue(rejection(Protocol.APPEND_ENTRIES_REQUEST, noopWithData).contains("NOOP"));
    }

    /**
     * The forwarded-read pair, byte for byte: a golden layout (so a change to it cannot pass without a
     * new protocol version), and its malformed forms refused with the field they break.
     */
    @Example
    void readIndexMessagesHaveTheDocumentedLayout() throws ProtocolException {
        ReadIndexRequest request = new ReadIndexRequest(2, 1, 7, 300);
        // lamport 5, from 2, to 1, term 7, ctx 300 = varint 0xAC 0x02
        assertArrayEquals(new byte[] {5, 2, 1, 7, (byte) 0xAC, 0x02}, body(request, 5));
        ReadIndexResponse response = new ReadIndexResponse(1, 2, 7, 300, 129);
        assertArrayEquals(new byte[] {5, 1, 2, 7, (byte) 0xAC, 0x02, (byte) 0x81, 0x01}, body(response, 5));
        byte[] frame = RawPeer.message(response, 5);
        assertEquals(Protocol.VERSION, frame[Protocol.LENGTH_PREFIX_BYTES]);
        assertEquals(0x18, frame[Protocol.LENGTH_PREFIX_BYTES + 1]);
        assertEquals(0x17, MessageCodec.type(request));
        assertEquals(request, MessageCodec.decode(Protocol.READ_INDEX_REQUEST,
                Unpooled.wrappedBuffer(body(request, 5))).message());
        assertEquals(response, MessageCodec.decode(Protocol.READ_INDEX_RESPONSE,
                Unpooled.wrappedBuffer(body(response, 5))).message());
    }

    @Example
    void malformedReadIndexMessagesAreRejectedWithTheirField() {
        byte[] request = body(new ReadIndexRequest(2, 1, 7, 300), 5);
        assertEquals("truncated ctx", rejection(Protocol.READ_INDEX_REQUEST,
                Arrays.copyOf(request, request.length - 1)));
        byte[] response = body(new ReadIndexResponse(1, 2, 7, 300, 129), 5);
        assertEquals("truncated index", rejection(Protocol.READ_INDEX_RESPONSE,
                Arrays.copyOf(response, response.length - 1)));
        assertTrue(rejection(Protocol.READ_INDEX_REQUEST, response).contains("2 bytes left over after a"
                + " ReadIndexRequest"));
        byte[] overlong = Arrays.copyOf(request, request.length + 1);
        overlong[overlong.length - 2] = (byte) 0x82; // ctx's last byte continues into a zero: not canonical
        overlong[overlong.length - 1] = 0;
        assertTrue(rejection(Protocol.READ_INDEX_REQUEST, overlong).contains("canonical"));
    }

    @Example
    void aHeartbeatIsAFewDozenBytes() {
        AppendEntriesRequest heartbeat = new AppendEntriesRequest(1, 2, 7, 120_000, 7, List.of(), 119_990);
        long bytes = MessageCodec.frameBytes(heartbeat, 1_000_000);
        assertTrue(bytes <= 24, "heartbeat frame of " + bytes + " bytes");
    }

    @Provide
    Arbitrary<Message> messages() {
        return Arbitraries.oneOf(requestVoteRequests(), requestVoteResponses(), appendEntriesRequests(), timeoutNows(),
                appendEntriesResponses(), installSnapshotRequests(), installSnapshotResponses(), readIndexRequests(),
                readIndexResponses());
    }

    /** A follower's read ctx is any long the driver chose: the wire carries all 64 bits. */
    private Arbitrary<Message> readIndexRequests() {
        return Combinators.combine(ids(), ids(), numbers(), Arbitraries.longs()).as(ReadIndexRequest::new);
    }

    private Arbitrary<Message> readIndexResponses() {
        return Combinators.combine(ids(), ids(), numbers(), Arbitraries.longs(), numbers())
                .as(ReadIndexResponse::new);
    }

    /** Chunks of snapshots with and without a configuration (joint, with learners, or the initial one). */
    private Arbitrary<Message> installSnapshotRequests() {
        Arbitrary<Membership> memberships = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just((Membership) null)),
                Tuple.of(2, Arbitraries.just(new Membership(List.of(1, 2, 3), List.of(), List.of(4)))),
                Tuple.of(2, Arbitraries.just(new Membership(List.of(2, 3, 4), List.of(1, 2, 3), List.of()))));
        Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMaxSize(500);
        Arbitrary<Long> positive = Arbitraries.longs().between(1, Long.MAX_VALUE);
        return Combinators.combine(ids(), ids(), numbers(), positive, positive, Arbitraries.longs().between(0, 1 << 30),
                data, Arbitraries.of(true, false)).flatAs((from, to, term, index, snapshotTerm, offset, bytes, done) ->
                        memberships.map(membership -> new InstallSnapshotRequest(from, to, term, index, snapshotTerm,
                                offset, bytes, done, membership)));
    }

    private Arbitrary<Message> installSnapshotResponses() {
        return Combinators.combine(ids(), ids(), numbers(), numbers(), numbers(), Arbitraries.of(true, false))
                .as(InstallSnapshotResponse::new);
    }

    @Provide
    Arbitrary<Integer> frameTypes() {
        return Arbitraries.oneOf(Arbitraries.of(Protocol.REQUEST_VOTE_REQUEST, Protocol.REQUEST_VOTE_RESPONSE,
                Protocol.APPEND_ENTRIES_REQUEST, Protocol.APPEND_ENTRIES_RESPONSE, Protocol.TIMEOUT_NOW,
                Protocol.INSTALL_SNAPSHOT_REQUEST, Protocol.INSTALL_SNAPSHOT_RESPONSE, Protocol.READ_INDEX_REQUEST,
                Protocol.READ_INDEX_RESPONSE),
                Arbitraries.integers().between(0, 255));
    }

    private Arbitrary<Message> requestVoteRequests() {
        return Combinators.combine(ids(), ids(), numbers(), Arbitraries.of(true, false), numbers(), numbers(),
                Arbitraries.of(true, false)).as(RequestVoteRequest::new);
    }

    private Arbitrary<Message> requestVoteResponses() {
        return Combinators.combine(ids(), ids(), numbers(), Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as(RequestVoteResponse::new);
    }

    private Arbitrary<Message> appendEntriesRequests() {
        return Combinators.combine(ids(), ids(), numbers(), numbers(), numbers(), entryLists(), numbers(), numbers())
                .as(AppendEntriesRequest::new);
    }

    private Arbitrary<Message> timeoutNows() {
        return Combinators.combine(ids(), ids(), numbers()).as(TimeoutNow::new);
    }

    private Arbitrary<Message> appendEntriesResponses() {
        return Combinators.combine(ids(), ids(), numbers(), Arbitraries.of(true, false), numbers(), numbers(),
                numbers(), numbers()).as(AppendEntriesResponse::new);
    }

    /** Mostly small ids as in a real cluster, but any int must survive. */
    private static Arbitrary<Integer> ids() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().between(1, 7)),
                Tuple.of(2, Arbitraries.integers()));
    }

    /** Terms and indexes: small, large, and (though the core never sends them) negative. */
    private static Arbitrary<Long> numbers() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.longs().between(0, 1000)),
                Tuple.of(3, Arbitraries.longs().between(0, Long.MAX_VALUE)),
                Tuple.of(1, Arbitraries.longs()));
    }

    private static Arbitrary<List<Entry>> entryLists() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(List.<Entry>of())),
                Tuple.of(6, entries().list().ofMinSize(1).ofMaxSize(20)),
                Tuple.of(1, largeEntries().list().ofMinSize(1).ofMaxSize(2)));
    }

    private static Arbitrary<Entry> entries() {
        Arbitrary<byte[]> data = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(new byte[0])),
                Tuple.of(6, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)),
                Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMinSize(200).ofMaxSize(20_000)));
        return entriesWith(data);
    }

    /** Entries up to a megabyte: the core's default maxMessageBytes. */
    private static Arbitrary<Entry> largeEntries() {
        return entriesWith(Arbitraries.integers().between(100_000, 1 << 20).map(size -> {
            byte[] data = new byte[size];
            Arrays.fill(data, (byte) size.intValue());
            data[size - 1] = 42;
            return data;
        }));
    }

    private static Arbitrary<Entry> entriesWith(Arbitrary<byte[]> data) {
        Arbitrary<Long> positive = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.longs().between(1, 100_000)),
                Tuple.of(2, Arbitraries.longs().between(1, Long.MAX_VALUE)));
        return Combinators.combine(positive, positive, Arbitraries.of(EntryType.class), data)
                .as((index, term, type, bytes) -> new Entry(index, term, type,
                        type == EntryType.NOOP ? new byte[0] : bytes));
    }

    private static ByteBuf encode(Message message, long lamport) {
        return MessageCodec.encode(ALLOCATOR, message, lamport, (int) MessageCodec.frameBytes(message, lamport));
    }

    /** The frame's bytes after the length prefix and the header: lamport first. */
    private static byte[] body(Message message, long lamport) {
        byte[] frame = RawPeer.message(message, lamport);
        return Arrays.copyOfRange(frame, Protocol.LENGTH_PREFIX_BYTES + Protocol.HEADER_BYTES, frame.length);
    }

    private static String rejection(int type, byte[] body) {
        return assertThrows(ProtocolException.class, () -> MessageCodec.decode(type, Unpooled.wrappedBuffer(body)))
                .getMessage();
    }

    private static void assertRejected(byte[] bytes, String reason) {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> Varint.readLong(Unpooled.wrappedBuffer(bytes), "value"));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
