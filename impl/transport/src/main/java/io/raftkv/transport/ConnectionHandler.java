package io.raftkv.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both ends of a connection share: the handshake deadline, dispatch of each frame by its
 * version and type bytes, and the one way a connection ends on bad input: one WARN line naming the
 * connection and the reason, a best-effort REJECT carrying the reason to the other end, and close.
 * Nothing else is affected: the other connections, the queues and the node keep going.
 *
 * <p>After the first error the handler ignores whatever frames were already decoded from the same
 * read, so a connection never delivers anything after it was found broken.
 */
abstract class ConnectionHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);

    final LocalEndpoint endpoint;
    final FrameDecoder decoder;
    /** Set once the connection is being closed; no frame is handled after that. */
    private boolean closing;
    private ScheduledFuture<?> handshakeDeadline;

    ConnectionHandler(LocalEndpoint endpoint, FrameDecoder decoder) {
        this.endpoint = endpoint;
        this.decoder = decoder;
    }

    /** Handles one frame whose version and type bytes were already read. */
    abstract void onFrame(ChannelHandlerContext ctx, int version, int type, ByteBuf payload) throws ProtocolException;

    /** The connection as log lines name it, e.g. "connection from node 2 at /127.0.0.2:40112". */
    abstract String describe(ChannelHandlerContext ctx);

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        long timeout = endpoint.config.handshakeTimeoutMillis();
        handshakeDeadline = ctx.executor().schedule(() -> handshakeTimedOut(ctx, timeout), timeout,
                TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        handshakeCompleted();
        super.channelInactive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf payload) {
        if (closing) {
            return;
        }
        // The frame decoder guarantees at least the two header bytes.
        int version = payload.readUnsignedByte();
        int type = payload.readUnsignedByte();
        try {
            onFrame(ctx, version, type, payload);
        } catch (ProtocolException e) {
            protocolError(ctx, e.getMessage());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof ProtocolException) {
            protocolError(ctx, root.getMessage());
        } else if (root instanceof IOException) {
            // Resets and broken pipes are how peers die and partitions end; the close is logged by
            // whoever owns the connection.
            log.debug("node {}: {}: {}", endpoint.selfId, describe(ctx), root.toString());
            closing = true;
            ctx.close();
        } else {
            log.warn("node {}: closing {} after an unexpected error", endpoint.selfId, describe(ctx), root);
            closing = true;
            ctx.close();
        }
    }

    /** The handshake is done (or the connection is gone): the deadline no longer applies. */
    void handshakeCompleted() {
        if (handshakeDeadline != null) {
            handshakeDeadline.cancel(false);
            handshakeDeadline = null;
        }
    }

    /** Bad input: log it, tell the other end why, close. */
    void protocolError(ChannelHandlerContext ctx, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        endpoint.counters.protocolErrors.increment();
        log.warn("node {}: closing {}: {}", endpoint.selfId, describe(ctx), reason);
        rejectAndClose(ctx, reason);
    }

    /**
     * A paused peer (SIGSTOP) still completes TCP connects in its kernel but never answers, and its
     * dialers retry all along: counted like bad input, logged once a minute.
     */
    private void handshakeTimedOut(ChannelHandlerContext ctx, long timeoutMillis) {
        if (closing) {
            return;
        }
        closing = true;
        endpoint.counters.protocolErrors.increment();
        logFiltered("node " + endpoint.selfId + ": closing " + describe(ctx) + ": no handshake within "
                + timeoutMillis + " ms");
        rejectAndClose(ctx, "no handshake within " + timeoutMillis + " ms");
    }

    /** The connection stopped writing (see stallTimeoutMillis): close it so that the owner redials. */
    void stalled(ChannelHandlerContext ctx, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        endpoint.counters.connectionsStalled.increment();
        logFiltered("node " + endpoint.selfId + ": closing " + describe(ctx) + ": " + reason);
        ctx.close();
    }

    /** This end refuses the other's handshake (cluster id, version, node id): log it, tell it why, close. */
    void refuse(ChannelHandlerContext ctx, String reason) {
        closing = true;
        endpoint.counters.handshakesRefused.increment();
        String line = "node " + endpoint.selfId + ": refusing " + describe(ctx) + ": " + reason;
        logFiltered(line);
        rejectAndClose(ctx, reason);
    }

    /** The other end refused this end's handshake and said why in a REJECT. */
    void refusedByPeer(ChannelHandlerContext ctx, String reason) {
        closing = true;
        endpoint.counters.handshakesRefused.increment();
        logFiltered("node " + endpoint.selfId + ": " + describe(ctx) + " refused the handshake: " + reason);
        ctx.close();
    }

    /**
     * The other end found this end's input bad after the handshake and said why in a REJECT before
     * closing: a bug or a version skew on one of the two sides, worth a WARN every time.
     */
    void closedByPeer(ChannelHandlerContext ctx, String reason) {
        closing = true;
        log.warn("node {}: the peer closed {}: {}", endpoint.selfId, describe(ctx), reason);
        ctx.close();
    }

    /** A misconfigured peer retries for as long as it runs: WARN once a minute per distinct line. */
    void logFiltered(String line) {
        if (endpoint.repeats.firstInWindow(line.replaceAll(":\\d+", ""))) {
            log.warn(line);
        } else {
            log.debug(line);
        }
    }

    /**
     * Best effort: the REJECT goes to the socket at once if it has room, and the close follows
     * without waiting, so a peer that never reads cannot keep the connection open.
     */
    private void rejectAndClose(ChannelHandlerContext ctx, String reason) {
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(Handshake.encodeReject(ctx.alloc(), reason));
        }
        ctx.close();
    }
}
