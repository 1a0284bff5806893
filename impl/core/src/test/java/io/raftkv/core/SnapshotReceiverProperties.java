package io.raftkv.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Message.InstallSnapshotRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * A follower reassembles a snapshot from chunks that the network loses, duplicates and reorders,
 * while the leader may switch to a newer snapshot half-way: whenever it reports a snapshot complete,
 * that snapshot is exactly one the leader sent, byte for byte, and the offsets it asks for are
 * never beyond what it holds.
 */
class SnapshotReceiverProperties {

    @Property(tries = 300)
    void aCompletedSnapshotIsExactlyOneTheLeaderSent(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Snapshot> sent = new ArrayList<>();
        List<InstallSnapshotRequest> network = new ArrayList<>();
        for (int version = 1; version <= 1 + random.nextInt(3); version++) {
            byte[] data = new byte[random.nextInt(0, 200)];
            random.nextBytes(data);
            Snapshot snapshot = new Snapshot(version * 10L, version, data);
            sent.add(snapshot);
            int chunk = random.nextInt(1, 40);
            for (int offset = 0; offset < data.length || offset == 0; offset += chunk) {
                int end = Math.min(data.length, offset + chunk);
                network.add(new InstallSnapshotRequest(1, 2, 1, snapshot.index(), snapshot.term(), offset,
                        Arrays.copyOfRange(data, offset, end), end == data.length));
                if (end == data.length) {
                    break;
                }
            }
        }
        SnapshotReceiver receiver = new SnapshotReceiver();
        for (int step = 0; step < network.size() * 4; step++) {
            // Mostly in order, sometimes a duplicate of an earlier chunk or one from further on.
            int pick = random.nextInt(10) < 7 ? Math.min(step / 2, network.size() - 1) : random.nextInt(network.size());
            InstallSnapshotRequest chunk = network.get(pick);
            if (receiver.accept(chunk)) {
                Snapshot snapshot = receiver.take();
                Snapshot original = sent.stream().filter(s -> s.index() == snapshot.index()).findFirst().orElseThrow();
                assertEquals(original.term(), snapshot.term());
                assertArrayEquals(original.data(), snapshot.data(), "reassembled " + snapshot);
            }
            long held = receiver.nextOffset(chunk.snapshotIndex(), chunk.snapshotTerm());
            Snapshot current = sent.stream().filter(s -> s.index() == chunk.snapshotIndex()).findFirst().orElseThrow();
            assertTrue(held >= 0 && held <= current.data().length, "holds " + held + " of " + current);
        }
        // Then the last snapshot's chunks, in order: it completes, whatever came before.
        Snapshot last = sent.get(sent.size() - 1);
        boolean done = false;
        for (InstallSnapshotRequest chunk : network) {
            if (chunk.snapshotIndex() == last.index()) {
                done = receiver.accept(chunk);
            }
        }
        assertTrue(done, "the last snapshot, sent in order, completes");
        assertArrayEquals(last.data(), receiver.take().data());
    }
}
