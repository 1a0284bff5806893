package io.raftkv.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.raftkv.core.Entry;
import io.raftkv.core.Message;
import io.raftkv.core.Message.AppendEntriesRequest;
import io.raftkv.transport.TestNodes.Node;
import io.raftkv.transport.TransportStats.PeerStats;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A peer that completes the handshake and then stops reading: TCP fills up, the connection stops
 * being writable, the queues fill, and from then on sends are dropped and counted while memory
 * stays within the configured bounds, however much is sent. If the peer stays silent for the stall
 * timeout, the connection is given up and redialed. A heartbeat sent behind a backlog of large
 * appends reaches the peer ahead of most of them once it reads again.
 */
class BackpressureTest {
    private static final int ENTRY_BYTES = 64 << 10;

    @Test
    void aPeerThatNeverReadsCostsBoundedMemoryAndDropsAreCounted() throws Exception {
        Map<Integer, InetSocketAddress> members = TestNodes.members(2);
        long bulkBytesMax = 4L << 20;
        int inFlightBytesMax = 128 << 10;
        TransportConfig config = TestNodes.config("prod").withQueueLimits(100, 1000, bulkBytesMax)
                .withInFlightBytesMax(inFlightBytesMax);
        try (ServerSocket fakeTwo = new ServerSocket(members.get(2).getPort(), 5, TestNodes.loopback(2));
                Node one = TestNodes.start(config, 1, members);
                RawPeer deaf = RawPeer.accept(fakeTwo)) {
            deaf.readHello();
            deaf.hello(Protocol.VERSION, 2, "prod");
            Await.until(() -> one.transport().stats().connectionsOutbound() == 1, () -> "handshake");

            int appends = 3000; // 192 MiB offered: far beyond every buffer on the way
            for (int k = 0; k < appends; k++) {
                one.transport().send(append(k + 1), k);
                one.transport().send(heartbeat(k + 1), k);
                if (k % 100 == 0) {
                    assertBounded(one.transport().stats().peers().get(2), bulkBytesMax, inFlightBytesMax);
                }
            }
            TransportStats stats = one.transport().stats();
            PeerStats peer = stats.peers().get(2);
            assertBounded(peer, bulkBytesMax, inFlightBytesMax);
            assertTrue(stats.framesDroppedQueueFull() > appends, "dropped " + stats.framesDroppedQueueFull());
            assertEquals(stats.framesDroppedQueueFull(), peer.framesDropped());
            long accepted = 2L * appends - peer.framesDropped();
            assertTrue(accepted >= peer.queuedMessages() + peer.framesSent(), stats.toString());
            assertEquals(1, peer.connectionsEstablished(), "the deaf peer's connection stays up");
        }
    }

    @Test
    void aConnectionThatStopsWritingIsClosedAndRedialed() throws Exception {
        Map<Integer, InetSocketAddress> members = TestNodes.members(2);
        TransportConfig config = TestNodes.config("prod").withTimeouts(1000, 500, 300);
        try (LogCapture logs = new LogCapture();
                ServerSocket fakeTwo = new ServerSocket(members.get(2).getPort(), 5, TestNodes.loopback(2));
                Node one = TestNodes.start(config, 1, members);
                RawPeer deaf = RawPeer.accept(fakeTwo)) {
            deaf.readHello();
            deaf.hello(Protocol.VERSION, 2, "prod");
            Await.until(() -> one.transport().stats().connectionsOutbound() == 1, () -> "handshake");
            for (int k = 0; k < 200; k++) { // 12.5 MiB: more than the socket buffers hold
                one.transport().send(append(k + 1), k);
            }
            Await.until(() -> one.transport().stats().connectionsStalled() == 1, () -> "" + one.transport().stats());
            Await.until(() -> logs.warnings("node 1: closing connection to node 2 at",
                    "nothing written for 300 ms with bytes waiting").size() == 1, () -> "" + logs.all());
            Await.until(() -> one.transport().stats().connectAttempts() >= 2, () -> "node 1 redials");
            Await.until(() -> one.transport().stats().framesLostInFlight() > 0,
                    () -> "what the socket never took is counted as lost: " + one.transport().stats());
        }
    }

    @Test
    void aHeartbeatOvertakesABacklogOfLargeAppends() throws Exception {
        Map<Integer, InetSocketAddress> members = TestNodes.members(2);
        int appends = 400; // 25 MiB: more than the socket buffers on both sides hold
        TransportConfig config = TestNodes.config("prod").withQueueLimits(100, appends, 64L << 20);
        try (ServerSocket fakeTwo = new ServerSocket(members.get(2).getPort(), 5, TestNodes.loopback(2));
                Node one = TestNodes.start(config, 1, members);
                RawPeer slow = RawPeer.accept(fakeTwo)) {
            slow.readHello();
            slow.hello(Protocol.VERSION, 2, "prod");
            Await.until(() -> one.transport().stats().connectionsOutbound() == 1, () -> "handshake");
            for (int k = 0; k < appends; k++) {
                one.transport().send(append(k + 1), k);
            }
            // Let the sender fill the socket and its in-flight allowance, then queue the heartbeat.
            Await.until(() -> one.transport().stats().peers().get(2).inFlightBytes() > 0
                    && !hasRoom(one), () -> "the connection is full: " + one.transport().stats());
            one.transport().send(heartbeat(appends), appends);

            List<Integer> types = new ArrayList<>();
            for (int k = 0; k <= appends; k++) {
                byte[] payload = slow.readFrame();
                types.add((int) payload[1]);
                if (payload[1] == Protocol.APPEND_ENTRIES_REQUEST) {
                    Message message = MessageCodec.decode(payload[1], Unpooled.wrappedBuffer(payload, 2,
                            payload.length - 2)).message();
                    if (((AppendEntriesRequest) message).entries().isEmpty()) {
                        int position = k;
                        assertTrue(position < appends / 2, "the heartbeat came after " + position + " appends");
                        return;
                    }
                }
            }
            throw new AssertionError("no heartbeat among " + types.size() + " frames");
        }
    }

    private static boolean hasRoom(Node one) {
        PeerStats peer = one.transport().stats().peers().get(2);
        return peer.queuedMessages() == 0;
    }

    private static void assertBounded(PeerStats peer, long bulkBytesMax, int inFlightBytesMax) {
        int frameBytes = ENTRY_BYTES + 64;
        assertTrue(peer.queuedBytes() <= bulkBytesMax + 100 * 64, "queued " + peer);
        assertTrue(peer.inFlightBytes() <= inFlightBytesMax + frameBytes, "in flight " + peer);
    }

    private static AppendEntriesRequest append(long index) {
        return new AppendEntriesRequest(1, 2, 1, index - 1, 1, List.of(Entry.command(index, 1, new byte[ENTRY_BYTES])),
                0);
    }

    private static AppendEntriesRequest heartbeat(long index) {
        return new AppendEntriesRequest(1, 2, 1, index, 1, List.of(), 0);
    }
}
