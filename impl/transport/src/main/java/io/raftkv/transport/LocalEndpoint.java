package io.raftkv.transport;

import io.netty.channel.Channel;
import io.raftkv.core.Message;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every connection of one transport shares: who this node is, who its peers are, the counters,
 * where received messages go, and the registry of accepted connections (one per peer: a peer that
 * reconnects replaces its older connection, which may be a half-open leftover of a partition).
 */
final class LocalEndpoint {
    private static final Logger log = LoggerFactory.getLogger(LocalEndpoint.class);

    final TransportConfig config;
    final int selfId;
    final InetSocketAddress selfAddress;
    /** Ascending. */
    final List<Integer> peerIds;
    final Counters counters = new Counters();
    final RepeatFilter repeats = new RepeatFilter(TimeUnit.SECONDS.toNanos(60));
    private final Inbound inbound;
    private final ConcurrentHashMap<Integer, Channel> acceptedByPeer = new ConcurrentHashMap<>();
    /** Accepted connections open now, with or without a handshake; at most inboundConnectionsMax. */
    private final AtomicInteger acceptedOpen = new AtomicInteger();
    /** Set once the links exist: told of every peer whose connection to this node completed its handshake. */
    volatile IntConsumer peerUp = peer -> { };

    LocalEndpoint(TransportConfig config, int selfId, InetSocketAddress selfAddress, List<Integer> peerIds,
            Inbound inbound) {
        this.config = config;
        this.selfId = selfId;
        this.selfAddress = selfAddress;
        this.peerIds = List.copyOf(peerIds);
        this.inbound = inbound;
    }

    /** Reserves a slot for a newly accepted connection, or returns false when all are taken. */
    boolean admitAccepted() {
        if (acceptedOpen.incrementAndGet() > config.inboundConnectionsMax()) {
            acceptedOpen.decrementAndGet();
            return false;
        }
        return true;
    }

    void releaseAccepted() {
        acceptedOpen.decrementAndGet();
    }

    /** The handshake of an accepted connection from {@code peerId} completed. */
    void acceptedEstablished(int peerId, Channel channel) {
        peerUp.accept(peerId);
        Channel older = acceptedByPeer.put(peerId, channel);
        if (older != null && older != channel) {
            log.info("node {}: node {} connected again from {}; closing its older connection from {}", selfId, peerId,
                    channel.remoteAddress(), older.remoteAddress());
            older.close();
        }
    }

    void acceptedClosed(int peerId, Channel channel) {
        // A connection the peer replaced by a newer one is no sign of anything.
        if (acceptedByPeer.remove(peerId, channel)) {
            try {
                inbound.peerDisconnected(peerId);
            } catch (RuntimeException e) {
                inboundThrew(e, "the close of node " + peerId + "'s connection", "");
            }
        }
    }

    int acceptedEstablishedCount() {
        return acceptedByPeer.size();
    }

    /** Hands a message to the node; the node's failure to take it must not take the connection down. */
    void deliver(Message message, long lamport) {
        try {
            inbound.receive(message, lamport);
        } catch (RuntimeException e) {
            inboundThrew(e, message, "; the message is lost");
        }
    }

    /** Counts a failure of the Inbound and logs it, once per window for each kind of exception. */
    private void inboundThrew(RuntimeException e, Object input, String consequence) {
        counters.inboundFailures.increment();
        if (repeats.firstInWindow("inbound:" + e.getClass().getName())) {
            log.error("node {}: the inbound handler threw on {}{}", selfId, input, consequence, e);
        }
    }
}
