package io.raftkv.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the byte stream into frames: a 4-byte unsigned big-endian payload length, then the
 * payload, which is passed on as a retained slice (version byte first). The length is checked
 * before a single payload byte is buffered, so an oversized or garbage length costs nothing.
 *
 * <p>After the first error the decoder discards everything: the connection is being closed and no
 * later byte of it may reach the handler. A connection that ends in the middle of a frame is
 * reported too, since a peer that sent half a frame is broken or was cut off.
 */
final class FrameDecoder extends ByteToMessageDecoder {
    private int frameBytesMax;
    private boolean failed;

    FrameDecoder(int frameBytesMax) {
        this.frameBytesMax = frameBytesMax;
    }

    /** Called once the handshake has proven the other end is a member. */
    void raiseLimit(int newFrameBytesMax) {
        frameBytesMax = Math.max(frameBytesMax, newFrameBytesMax);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws ProtocolException {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < Protocol.LENGTH_PREFIX_BYTES) {
            return;
        }
        long length = in.getUnsignedInt(in.readerIndex());
        if (length < Protocol.HEADER_BYTES || length > frameBytesMax) {
            failed = true;
            in.skipBytes(in.readableBytes());
            String problem = length < Protocol.HEADER_BYTES
                    ? "frame of %d bytes is shorter than its header"
                    : "frame of %d bytes exceeds the limit of %d bytes";
            throw new ProtocolException(problem, length, frameBytesMax);
        }
        if (in.readableBytes() - Protocol.LENGTH_PREFIX_BYTES < length) {
            return;
        }
        in.skipBytes(Protocol.LENGTH_PREFIX_BYTES);
        out.add(in.readRetainedSlice((int) length));
    }

    /** Every complete frame has been decoded by now; what is left is a truncated one. */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws ProtocolException {
        if (failed || !in.isReadable()) {
            return;
        }
        failed = true;
        int have = in.readableBytes();
        String what = have < Protocol.LENGTH_PREFIX_BYTES
                ? have + " bytes of a length prefix"
                : (have - Protocol.LENGTH_PREFIX_BYTES) + " of " + in.getUnsignedInt(in.readerIndex())
                        + " payload bytes";
        in.skipBytes(have);
        throw new ProtocolException("connection closed in the middle of a frame (%s)", what);
    }
}
