package io.raftkv.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.raftkv.core.Message;
import io.raftkv.transport.TransportStats.PeerStats;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raft messages between the members of a cluster over TCP (Netty). Each node listens on its own
 * address and dials every peer from that same address; each direction of a link is its own
 * connection, opened by the sender. See {@code package-info.java} for the wire format.
 *
 * <p>{@link #send} never blocks and never throws for a peer that is down: the message waits in that
 * peer's bounded queue (dropped and counted when the queue is full) until a connection is up.
 * Received messages go to the {@link Inbound} on an I/O thread. Bad input on one connection closes
 * only that connection.
 */
public final class PeerTransport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerTransport.class);

    private static final long SHUTDOWN_TIMEOUT_SECONDS = 5;

    private final LocalEndpoint endpoint;
    private final EventLoopGroup group;
    private final Channel server;
    /** By peer id, ascending; fixed at start. */
    private final SortedMap<Integer, PeerLink> links;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Binds {@code members.get(selfId)} and starts dialing every other member.
     *
     * @param members every member's peer address by node id (ids >= 1), this node's own included
     * @throws IllegalArgumentException on an invalid membership
     * @throws IllegalStateException    when the address cannot be bound (in use, not local)
     */
    public static PeerTransport start(TransportConfig config, int selfId, Map<Integer, InetSocketAddress> members,
            Inbound inbound) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(inbound, "inbound");
        checkMembers(selfId, members);
        PeerTransport transport = new PeerTransport(config, selfId, new TreeMap<>(members), inbound);
        transport.links.values().forEach(PeerLink::connect);
        return transport;
    }

    private PeerTransport(TransportConfig config, int selfId, TreeMap<Integer, InetSocketAddress> members,
            Inbound inbound) {
        List<Integer> peerIds = new ArrayList<>(members.keySet());
        peerIds.remove(Integer.valueOf(selfId));
        this.endpoint = new LocalEndpoint(config, selfId, members.get(selfId), peerIds, inbound);
        this.group = new NioEventLoopGroup(config.ioThreads(),
                new DefaultThreadFactory("raftkv-transport-" + selfId, true));
        this.server = bind();
        Bootstrap template = dialTemplate();
        TreeMap<Integer, PeerLink> byId = new TreeMap<>();
        for (int peerId : peerIds) {
            byId.put(peerId, new PeerLink(endpoint, peerId, members.get(peerId), template));
        }
        this.links = Collections.unmodifiableSortedMap(byId);
        endpoint.peerUp = peer -> {
            PeerLink link = links.get(peer);
            if (link != null) {
                link.peerIsUp();
            }
        };
        log.info("node {}: listening on {} for cluster '{}', peers {}", selfId, server.localAddress(),
                config.clusterId(), members);
    }

    /**
     * Sends {@code message} to {@code message.to()} with the caller's Lamport clock value. Never
     * blocks; a message that cannot be queued is dropped and counted (see {@link #stats}).
     *
     * @throws IllegalArgumentException if the message is not from this node or is addressed to it
     *                                  (a bug of the caller, not a network condition)
     */
    public void send(Message message, long lamport) {
        Objects.requireNonNull(message, "message");
        if (message.from() != endpoint.selfId || message.to() == endpoint.selfId) {
            throw new IllegalArgumentException("node " + endpoint.selfId + " cannot send " + message);
        }
        PeerLink link = links.get(message.to());
        if (link == null) {
            endpoint.counters.framesDroppedUnknownPeer.increment();
            warnFiltered("node " + endpoint.selfId + ": dropping a message to node " + message.to()
                    + ", which is not a peer " + endpoint.peerIds);
            return;
        }
        if (closed.get()) {
            endpoint.counters.framesDroppedClosed.increment();
            return;
        }
        long frameBytes = MessageCodec.frameBytes(message, lamport);
        if (frameBytes - Protocol.LENGTH_PREFIX_BYTES > endpoint.config.frameBytesMax()) {
            endpoint.counters.framesDroppedOversized.increment();
            warnFiltered("node " + endpoint.selfId + ": dropping a " + message.getClass().getSimpleName() + " of "
                    + frameBytes + " bytes to node " + message.to() + ": frameBytesMax is "
                    + endpoint.config.frameBytesMax());
            return;
        }
        if (!link.offer(new OutboundQueue.Item(message, lamport, (int) frameBytes))) {
            endpoint.counters.framesDroppedQueueFull.increment();
        }
    }

    /** The address this node listens on (useful when it was configured with port 0). */
    public InetSocketAddress listenAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    public int selfId() {
        return endpoint.selfId;
    }

    public TransportStats stats() {
        Counters c = endpoint.counters;
        SortedMap<Integer, PeerStats> peers = new TreeMap<>();
        int connected = 0;
        for (PeerLink link : links.values()) {
            peers.put(link.peerId, link.stats());
            connected += link.isConnected() ? 1 : 0;
        }
        return new TransportStats(c.framesSent.sum(), c.framesReceived.sum(), c.bytesSent.sum(), c.bytesReceived.sum(),
                c.framesDroppedQueueFull.sum(), c.framesDroppedOversized.sum(), c.framesDroppedUnknownPeer.sum(),
                c.framesDroppedClosed.sum(), c.framesLostInFlight.sum(), connected,
                endpoint.acceptedEstablishedCount(), c.connectAttempts.sum(), c.handshakesRefused.sum(),
                c.protocolErrors.sum(), c.connectionsStalled.sum(), c.inboundFailures.sum(), Collections.unmodifiableSortedMap(peers));
    }

    /**
     * Stops listening, closes every connection, discards what is queued (counted as dropped) and
     * stops the I/O threads. Idempotent; sends after it are dropped and counted.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.close().awaitUninterruptibly();
        links.values().forEach(PeerLink::close);
        group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .awaitUninterruptibly(2 * SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        log.info("node {}: transport closed", endpoint.selfId);
    }

    private static void checkMembers(int selfId, Map<Integer, InetSocketAddress> members) {
        Objects.requireNonNull(members, "members");
        if (!members.containsKey(selfId)) {
            throw new IllegalArgumentException("node " + selfId + " is not among the members " + members.keySet());
        }
        for (Map.Entry<Integer, InetSocketAddress> member : members.entrySet()) {
            if (member.getKey() == null || member.getKey() < 1) {
                throw new IllegalArgumentException("node ids must be >= 1, got " + member.getKey());
            }
            if (member.getValue() == null || member.getValue().isUnresolved()) {
                throw new IllegalArgumentException("node " + member.getKey() + " has no resolved address: "
                        + member.getValue());
            }
        }
    }

    private Channel bind() {
        TransportConfig config = endpoint.config;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        admit(channel);
                    }
                });
        ChannelFuture bound = bootstrap.bind(endpoint.selfAddress).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            throw new IllegalStateException("node " + endpoint.selfId + " cannot listen on " + endpoint.selfAddress
                    + ": " + bound.cause().getMessage(), bound.cause());
        }
        return bound.channel();
    }

    /** Sets up an accepted connection, or closes it when inboundConnectionsMax are already open. */
    private void admit(SocketChannel channel) {
        if (!endpoint.admitAccepted()) {
            warnFiltered("node " + endpoint.selfId + ": refusing a connection from " + channel.remoteAddress()
                    + ": " + endpoint.config.inboundConnectionsMax()
                    + " inbound connections are open (inboundConnectionsMax)");
            endpoint.counters.protocolErrors.increment();
            channel.close();
            return;
        }
        channel.closeFuture().addListener(f -> endpoint.releaseAccepted());
        FrameDecoder decoder = new FrameDecoder(Protocol.HANDSHAKE_FRAME_BYTES_MAX);
        channel.pipeline().addLast(decoder, new AcceptedConnection(endpoint, decoder));
    }

    private Bootstrap dialTemplate() {
        TransportConfig config = endpoint.config;
        int high = config.inFlightBytesMax();
        return new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, config.connectTimeoutMillis())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(high / 2, high));
    }

    private void warnFiltered(String line) {
        if (endpoint.repeats.firstInWindow(line)) {
            log.warn(line);
        } else {
            log.debug(line);
        }
    }
}
