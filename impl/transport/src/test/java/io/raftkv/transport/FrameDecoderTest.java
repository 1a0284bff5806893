package io.raftkv.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Framing over an in-memory channel: frames come out whole however TCP splits the stream, a bad
 * length is refused before its payload is buffered, and a stream that ends inside a frame is
 * reported.
 */
class FrameDecoderTest {

    @Property(tries = 200)
    void framesSurviveAnySplitOfTheStream(@ForAll @Size(min = 1, max = 20) List<@Size(max = 300) byte[]> bodies,
            @ForAll @IntRange(min = 1, max = 50) int chunk) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (byte[] body : bodies) {
            stream.writeBytes(RawPeer.frame(Protocol.VERSION, Protocol.REQUEST_VOTE_REQUEST, body));
        }
        byte[] bytes = stream.toByteArray();
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));
        for (int start = 0; start < bytes.length; start += chunk) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, start, Math.min(chunk, bytes.length - start)));
        }
        List<byte[]> frames = new ArrayList<>();
        for (ByteBuf frame = channel.readInbound(); frame != null; frame = channel.readInbound()) {
            frames.add(ByteBufUtil.getBytes(frame));
            frame.release();
        }
        assertEquals(bodies.size(), frames.size());
        for (int k = 0; k < bodies.size(); k++) {
            assertEquals(Protocol.VERSION, frames.get(k)[0]);
            assertArrayEquals(bodies.get(k), java.util.Arrays.copyOfRange(frames.get(k), 2, frames.get(k).length));
        }
        assertFalse(channel.finish());
    }

    @Test
    void anOversizedLengthIsRefusedBeforeItsPayloadArrives() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));
        DecoderException e = assertThrows(DecoderException.class,
                () -> channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 4, 1})));
        assertEquals("frame of 1025 bytes exceeds the limit of 1024 bytes", e.getCause().getMessage());
        // Whatever follows is discarded: nothing of this connection is decoded any more.
        channel.writeInbound(Unpooled.wrappedBuffer(RawPeer.frame(1, Protocol.HELLO, new byte[3])));
        assertNull(channel.readInbound());
    }

    @Test
    void aLengthShorterThanTheHeaderIsRefused() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));
        DecoderException e = assertThrows(DecoderException.class,
                () -> channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 1, 7})));
        assertTrue(e.getCause().getMessage().contains("shorter than its header"));
    }

    @Test
    void theLimitRisesAfterTheHandshake() {
        FrameDecoder decoder = new FrameDecoder(1024);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        decoder.raiseLimit(4096);
        channel.writeInbound(Unpooled.wrappedBuffer(RawPeer.frame(1, Protocol.REQUEST_VOTE_REQUEST, new byte[3000])));
        ByteBuf frame = channel.readInbound();
        assertEquals(3002, frame.readableBytes());
        frame.release();
    }

    @Test
    void aStreamThatEndsInsideAFrameIsReported() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));
        byte[] frame = RawPeer.frame(1, Protocol.REQUEST_VOTE_REQUEST, new byte[100]);
        channel.writeInbound(Unpooled.wrappedBuffer(frame, 0, 14));
        DecoderException e = assertThrows(DecoderException.class, channel::finish);
        assertEquals("connection closed in the middle of a frame (10 of 102 payload bytes)", e.getCause().getMessage());
    }
}
