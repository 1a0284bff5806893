package io.raftkv.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.raftkv.transport.TransportStats.PeerStats;
import java.net.InetSocketAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's sending side towards one peer: its {@link OutboundQueue}, the connection it dials
 * (from this node's own address, so a kernel filter on addresses can cut exactly this link), and
 * the reconnect loop with {@link Backoff}. One connection at a time; a new attempt starts only
 * after the previous connection closed or failed to connect.
 *
 * <p>Draining runs on the connection's I/O thread and hands frames to Netty only while the
 * connection is writable, i.e. while fewer than inFlightBytesMax bytes wait to be written to the
 * socket; the rest waits in the queue, where small messages overtake large ones. So memory stays
 * bounded whatever the peer does, and a heartbeat waits at most behind inFlightBytesMax plus one
 * frame plus the kernel's socket buffer.
 */
final class PeerLink {
    private static final Logger log = LoggerFactory.getLogger(PeerLink.class);

    /** Frames per drain task before yielding the I/O thread to its other connections. */
    private static final int FRAMES_PER_DRAIN_MAX = 64;

    final int peerId;
    final InetSocketAddress address;
    private final LocalEndpoint endpoint;
    private final Bootstrap bootstrap;
    private final OutboundQueue queue;
    private final Backoff backoff;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicLong inFlightBytes = new AtomicLong();
    private final LongAdder framesSent = new LongAdder();
    private final LongAdder framesDropped = new LongAdder();
    private final LongAdder connectionsEstablished = new LongAdder();
    /** The connection whose handshake completed, or null. Only it is drained. */
    private volatile Channel established;
    /** The connection of the current attempt, handshake or not; closed by {@link #close}. */
    private volatile Channel current;
    /** Guarded by this: the scheduled next attempt while this link waits out a backoff delay, else null. */
    private ScheduledFuture<?> nextAttempt;
    private volatile boolean closed;

    PeerLink(LocalEndpoint endpoint, int peerId, InetSocketAddress address, Bootstrap template) {
        this.endpoint = endpoint;
        this.peerId = peerId;
        this.address = address;
        TransportConfig config = endpoint.config;
        this.queue = new OutboundQueue(config.controlQueueMessagesMax(), config.bulkQueueMessagesMax(),
                config.bulkQueueBytesMax());
        this.backoff = new Backoff(config.reconnectBackoffMillisMin(), config.reconnectBackoffMillisMax(),
                Backoff.linkSeed(config.seed(), endpoint.selfId, peerId));
        PeerLink link = this;
        this.bootstrap = template.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                FrameDecoder decoder = new FrameDecoder(Protocol.HANDSHAKE_FRAME_BYTES_MAX);
                // observeOutput: a large frame still being written counts as progress, not as a stall.
                IdleStateHandler stallDetector = new IdleStateHandler(true, 0, config.stallTimeoutMillis(), 0,
                        TimeUnit.MILLISECONDS);
                channel.pipeline().addLast(stallDetector, decoder, new DialedConnection(endpoint, decoder, link));
            }
        });
    }

    /**
     * Starts a connection attempt; on failure or when the connection closes, the next is scheduled.
     * Synchronized with {@link #close}: once close has run, no attempt starts, so none can race the
     * shutdown of the event loops.
     */
    synchronized void connect() {
        nextAttempt = null;
        if (closed) {
            return;
        }
        endpoint.counters.connectAttempts.increment();
        InetSocketAddress local = new InetSocketAddress(endpoint.selfAddress.getAddress(), 0);
        ChannelFuture attempt = bootstrap.connect(address, local);
        current = attempt.channel();
        attempt.addListener((ChannelFuture done) -> {
            if (done.isSuccess()) {
                done.channel().closeFuture().addListener(f -> connectionClosed(done.channel()));
            } else {
                connectFailed(done.cause());
            }
        });
    }

    /** Queues a message for this peer; false when its queue is full (the message is dropped). */
    boolean offer(OutboundQueue.Item item) {
        if (!queue.offer(item)) {
            framesDropped.increment();
            return false;
        }
        scheduleDrain();
        return true;
    }

    /** Makes sure a drain task is pending on the established connection's I/O thread. */
    void scheduleDrain() {
        Channel channel = established;
        if (channel != null && drainScheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(() -> drain(channel));
            } catch (RejectedExecutionException e) {
                drainScheduled.set(false); // shutting down: the queue is discarded by close()
            }
        }
    }

    void established(Channel channel) {
        established = channel;
        connectionsEstablished.increment();
        backoff.reset();
        log.info("node {}: connected to node {} at {} from {}", endpoint.selfId, peerId, address,
                channel.localAddress());
        scheduleDrain();
    }

    /**
     * The peer connected to this node, so it is up: if this link waits out a backoff delay, it dials
     * now instead. Otherwise a restarted peer could wait up to the largest delay for this node's
     * messages (a follower sends nothing to a peer that does not lead, so its link to a restarted
     * peer stays in backoff until an election needs it, and then the votes for that peer wait).
     */
    synchronized void peerIsUp() {
        if (closed || established != null || nextAttempt == null || !nextAttempt.cancel(false)) {
            return; // connected, an attempt under way, or the scheduled one already started
        }
        backoff.reset();
        connect();
    }

    /** The peer refused the handshake: retrying soon would only repeat that. */
    void refused() {
        backoff.saturate();
    }

    void close() {
        Channel channel;
        synchronized (this) {
            closed = true;
            channel = current;
        }
        if (channel != null) {
            channel.close();
        }
        endpoint.counters.framesDroppedClosed.add(queue.clear());
    }

    /** Bytes handed to the connection that the socket has not taken yet. */
    boolean hasBytesInFlight() {
        return inFlightBytes.get() > 0;
    }

    boolean isConnected() {
        return established != null;
    }

    PeerStats stats() {
        return new PeerStats(established != null, connectionsEstablished.sum(), queue.messages(), queue.bytes(),
                inFlightBytes.get(), framesSent.sum(), framesDropped.sum());
    }

    private void drain(Channel channel) {
        drainScheduled.set(false);
        if (channel != established) {
            // A newer connection may have been refused a drain while this task was pending.
            scheduleDrain();
            return;
        }
        if (!channel.isActive()) {
            return;
        }
        int frames = 0;
        while (frames < FRAMES_PER_DRAIN_MAX && channel.isWritable()) {
            OutboundQueue.Item item = queue.poll();
            if (item == null) {
                break;
            }
            write(channel, item);
            frames++;
        }
        if (frames > 0) {
            channel.flush();
        }
        if (frames == FRAMES_PER_DRAIN_MAX && channel.isWritable() && !queue.isEmpty()) {
            scheduleDrain();
        }
    }

    private void write(Channel channel, OutboundQueue.Item item) {
        ByteBuf frame = MessageCodec.encode(channel.alloc(), item.message(), item.lamport(), item.frameBytes());
        int bytes = item.frameBytes();
        inFlightBytes.addAndGet(bytes);
        channel.write(frame).addListener(done -> {
            inFlightBytes.addAndGet(-bytes);
            if (done.isSuccess()) {
                framesSent.increment();
                endpoint.counters.framesSent.increment();
                endpoint.counters.bytesSent.add(bytes);
            } else {
                endpoint.counters.framesLostInFlight.increment();
            }
        });
    }

    private void connectFailed(Throwable cause) {
        String line = "node " + endpoint.selfId + ": cannot connect to node " + peerId + " at " + address + " ("
                + cause.getMessage() + "); retrying";
        if (endpoint.repeats.firstInWindow(line)) {
            log.info(line);
        } else {
            log.debug(line);
        }
        scheduleReconnect();
    }

    private void connectionClosed(Channel channel) {
        boolean wasEstablished = established == channel;
        if (wasEstablished) {
            established = null;
        }
        if (wasEstablished && !closed) {
            log.info("node {}: connection to node {} at {} closed; reconnecting", endpoint.selfId, peerId, address);
        }
        scheduleReconnect();
    }

    private synchronized void scheduleReconnect() {
        if (closed) {
            return;
        }
        long delay = backoff.nextDelayMillis();
        try {
            nextAttempt = bootstrap.config().group().schedule(this::connect, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The event loops are shutting down: the transport is closing.
        }
    }
}
