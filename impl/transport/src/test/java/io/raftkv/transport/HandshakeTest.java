package io.raftkv.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The HELLO and REJECT layouts and the acceptance rules, without sockets: what each side refuses
 * and that the reason says which field differs and both values.
 */
class HandshakeTest {
    private static final UnpooledByteBufAllocator ALLOCATOR = new UnpooledByteBufAllocator(false);

    @Test
    void aHelloRoundTripsAndHasTheDocumentedLayout() throws ProtocolException {
        ByteBuf frame = Handshake.encodeHello(ALLOCATOR, Protocol.VERSION, 3, "prod");
        assertEquals(4 + 2 + 4 + 4 + 1 + 4, frame.readableBytes());
        assertEquals(frame.readableBytes() - 4, frame.readInt());
        assertEquals(Protocol.VERSION, frame.readByte());
        assertEquals(Protocol.HELLO, frame.readByte());
        assertEquals(0x524B5654, frame.getInt(frame.readerIndex()));
        assertEquals(new Handshake.Hello(Protocol.VERSION, 3, "prod"), Handshake.readHello(Protocol.VERSION, frame));
    }

    @Test
    void aRejectRoundTripsAndAlwaysFitsAHandshakeFrame() throws ProtocolException {
        ByteBuf frame = Handshake.encodeReject(ALLOCATOR, "cluster id mismatch");
        frame.skipBytes(6);
        assertEquals("cluster id mismatch", Handshake.readReject(frame));

        ByteBuf longest = Handshake.encodeReject(ALLOCATOR, "\u20ac".repeat(10_000));
        assertTrue(longest.readableBytes() - 4 <= Protocol.HANDSHAKE_FRAME_BYTES_MAX,
                longest.readableBytes() + " bytes");
    }

    @Test
    void aStrangerIsToldApartFromAnotherVersion() throws ProtocolException {
        ByteBuf garbage = Unpooled.wrappedBuffer("HTTP/1.1 200 OK".getBytes());
        assertTrue(assertThrows(ProtocolException.class, () -> Handshake.readHello(Protocol.VERSION, garbage))
                .getMessage().contains("not a raftkv handshake"));

        // A later version may append fields; its HELLO still parses and the version is what differs.
        ByteBuf later = Handshake.encodeHello(ALLOCATOR, Protocol.VERSION + 1, 1, "prod").writeBytes(new byte[] {1, 2, 3});
        later.skipBytes(6);
        Handshake.Hello hello = Handshake.readHello(Protocol.VERSION + 1, later);
        assertEquals("protocol version mismatch: the peer speaks version " + (Protocol.VERSION + 1)
                + ", this node speaks version " + Protocol.VERSION,
                Handshake.refusalOfDialer(hello, "prod", 2, List.of(1, 3)));
    }

    @Test
    void anAcceptorRefusesWrongClusterUnknownNodeAndItsOwnId() {
        List<Integer> peers = List.of(1, 3);
        assertNull(Handshake.refusalOfDialer(hello(1, "prod"), "prod", 2, peers));
        assertEquals("cluster id mismatch: the peer is in cluster 'test', this node in cluster 'prod'",
                Handshake.refusalOfDialer(hello(1, "test"), "prod", 2, peers));
        assertEquals("unknown node id 9 (this node's peers are [1, 3])",
                Handshake.refusalOfDialer(hello(9, "prod"), "prod", 2, peers));
        assertEquals("the peer claims this node's own id 2",
                Handshake.refusalOfDialer(hello(2, "prod"), "prod", 2, peers));
    }

    @Test
    void aDialerRefusesAnAnswerFromTheWrongNode() {
        assertNull(Handshake.refusalOfAcceptor(hello(3, "prod"), "prod", 3));
        assertEquals("the peer answered as node 1, expected node 3",
                Handshake.refusalOfAcceptor(hello(1, "prod"), "prod", 3));
    }

    @Test
    void truncatedOrPaddedHandshakesAreRejected() {
        byte[] frame = RawPeer.helloFrame(Protocol.VERSION, 1, "prod");
        for (int cut = 6; cut < frame.length; cut++) {
            ByteBuf prefix = Unpooled.wrappedBuffer(frame, 6, cut - 6);
            assertThrows(ProtocolException.class, () -> Handshake.readHello(Protocol.VERSION, prefix), "cut at " + cut);
        }
        ByteBuf withExtra = Unpooled.copiedBuffer(Unpooled.wrappedBuffer(frame, 6, frame.length - 6),
                Unpooled.wrappedBuffer(new byte[1]));
        assertTrue(assertThrows(ProtocolException.class, () -> Handshake.readHello(Protocol.VERSION, withExtra))
                .getMessage().contains("left over"));
    }

    private static Handshake.Hello hello(int nodeId, String clusterId) {
        return new Handshake.Hello(Protocol.VERSION, nodeId, clusterId);
    }
}
