package io.raftkv.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.raftkv.core.Message;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A peer made of a plain socket, which can say anything: the tests use it to feed a running
 * transport bad input, or to play a peer that answers wrongly or never reads. Frames are built with
 * the transport's own encoders where the test wants them well-formed, and by hand where not.
 */
final class RawPeer implements AutoCloseable {
    private static final UnpooledByteBufAllocator ALLOCATOR = new UnpooledByteBufAllocator(false);

    final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout((int) Await.DEFAULT.toMillis());
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code target} from 127.0.0.{fromNode}. */
    static RawPeer connect(int fromNode, InetSocketAddress target) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(TestNodes.loopback(fromNode), 0));
        socket.connect(target, 5000);
        return new RawPeer(socket);
    }

    static RawPeer accept(ServerSocket server) throws IOException {
        server.setSoTimeout((int) Await.DEFAULT.toMillis());
        return new RawPeer(server.accept());
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void hello(int version, int nodeId, String clusterId) throws IOException {
        write(helloFrame(version, nodeId, clusterId));
    }

    static byte[] helloFrame(int version, int nodeId, String clusterId) {
        return bytes(Handshake.encodeHello(ALLOCATOR, version, nodeId, clusterId));
    }

    static byte[] message(Message message, long lamport) {
        int frameBytes = (int) MessageCodec.frameBytes(message, lamport);
        return bytes(MessageCodec.encode(ALLOCATOR, message, lamport, frameBytes));
    }

    /** A frame with the given header and body, its length prefix computed. */
    static byte[] frame(int version, int type, byte[] body) {
        ByteBuffer frame = ByteBuffer.allocate(Protocol.LENGTH_PREFIX_BYTES + Protocol.HEADER_BYTES + body.length);
        frame.putInt(Protocol.HEADER_BYTES + body.length).put((byte) version).put((byte) type).put(body);
        return frame.array();
    }

    /** The next frame's payload (version byte first), or null at the end of the stream. */
    byte[] readFrame() throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        return payload;
    }

    /** Reads the answer to a HELLO: the REJECT's reason, or fails if it is anything else. */
    String readReject() throws IOException, ProtocolException {
        byte[] payload = readFrame();
        if (payload == null || payload[1] != Protocol.REJECT) {
            throw new AssertionError("expected a REJECT, got " + (payload == null ? "end of stream"
                    : Protocol.typeName(payload[1])));
        }
        return Handshake.readReject(Unpooled.wrappedBuffer(payload, 2, payload.length - 2));
    }

    Handshake.Hello readHello() throws IOException, ProtocolException {
        byte[] payload = readFrame();
        if (payload == null || payload[1] != Protocol.HELLO) {
            throw new AssertionError("expected a HELLO, got " + (payload == null ? "end of stream"
                    : Protocol.typeName(payload[1])));
        }
        return Handshake.readHello(payload[0], Unpooled.wrappedBuffer(payload, 2, payload.length - 2));
    }

    /** True once the other end closed (end of stream or reset), skipping whatever it sent first. */
    boolean awaitClosed(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        byte[] sink = new byte[8192];
        try {
            while (in.read(sink) >= 0) {
                // Skip a REJECT or anything else sent before the close.
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset: the other end closed with our bytes unread
        }
    }

    static byte[] bytes(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
