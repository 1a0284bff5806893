package io.raftkv.node.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Entry;
import io.raftkv.storage.WalOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots on the real implementations: three {@link NodeRunner}s over {@link WalLogStore}s in
 * temporary directories (small segments, a snapshot every {@value #EVERY} applied entries), on a
 * {@link LocalNetwork}. A follower stopped while more than three snapshots' worth of entries are
 * committed comes back behind the others' compacted logs and catches up through InstallSnapshot: its
 * directory then holds the leader's snapshot file, its state machine was restored from it, and it
 * holds every command (the test state machine's snapshot is its whole record). A whole cluster
 * stopped and started again restarts each node from its own snapshot and the log after it. Every wait
 * is for a condition, with a deadline.
 */
class SnapshotRealClusterTest {
    static final long EVERY = 50;
    static final NodeRunner.Options OPTIONS = RealCluster.OPTIONS.withSnapshotEvery(EVERY);
    static final WalOptions SMALL_SEGMENTS = WalOptions.DEFAULT.withSegmentBytesMax(2048);
    static final Pattern SNAPSHOT_FILE = Pattern.compile("snapshot-(\\d{20})-(\\d{20})");

    @TempDir
    Path root;

    @Test
    void aFollowerThatMissedCompactedEntriesCatchesUpThroughInstallSnapshot() throws Exception {
        try (RealCluster cluster = new RealCluster(root, OPTIONS, SMALL_SEGMENTS)) {
            cluster.startAll();
            List<String> proposed = proposeAll(cluster, 0, 10);
            awaitApplied(cluster, proposed);
            int leader = cluster.awaitLeader();
            int follower = leader == 1 ? 2 : 1;
            long followerLast = cluster.machines.get(follower).lastIndex();
            cluster.stop(follower);

            proposed.addAll(proposeAll(cluster, 10, 10 + 4 * (int) EVERY));
            for (int id : cluster.runners.keySet()) {
                RealCluster.await("node " + id + " compacted past index " + followerLast + " twice over",
                        () -> cluster.runners.get(id).status().state().snapshotIndex() > followerLast + 2 * EVERY,
                        () -> "; status " + cluster.runners.get(id).status());
            }
            assertTrue(snapshotIndex(cluster.directory(leader)) > followerLast + 2 * EVERY,
                    "the leader's directory holds its snapshot");

            cluster.start(follower);
            awaitApplied(cluster, proposed);
            RecordingStateMachine restarted = cluster.machines.get(follower);
            assertTrue(restarted.restores() >= 1, "the follower was restored from the leader's snapshot");
            long installed = snapshotIndex(cluster.directory(follower));
            assertTrue(installed > followerLast + 2 * EVERY, "the follower's directory holds a snapshot at "
                    + installed + ", past what it had before it stopped (" + followerLast + ")");
            assertTrue(RealCluster.commands(restarted.applied()).containsAll(proposed), "every command");

            proposed.add("after-install");
            cluster.propose("after-install");
            awaitApplied(cluster, proposed);
            assertTrue(segments(cluster.directory(leader)).stream().noneMatch(name -> name.startsWith(
                    "00000000000000000001-")), "compaction removed the leader's first segments: "
                    + segments(cluster.directory(leader)));
        }
    }

    @Test
    void aRestartedClusterRecoversEachNodeFromItsOwnSnapshotAndTheLogAfterIt() throws Exception {
        List<String> proposed;
        TreeMap<Integer, List<Entry>> appliedBeforeStop = new TreeMap<>();
        try (RealCluster cluster = new RealCluster(root, OPTIONS, SMALL_SEGMENTS)) {
            cluster.startAll();
            proposed = proposeAll(cluster, 0, (int) (2 * EVERY + EVERY / 2));
            awaitApplied(cluster, proposed);
            for (int id : cluster.runners.keySet()) {
                appliedBeforeStop.put(id, cluster.machines.get(id).applied());
            }
        }
        for (int id : appliedBeforeStop.keySet()) {
            assertRecoversSnapshotAndLog(root, id, appliedBeforeStop.get(id));
        }
        try (RealCluster cluster = new RealCluster(root, OPTIONS, SMALL_SEGMENTS)) {
            cluster.startAll();
            for (int id : cluster.runners.keySet()) {
                List<Entry> before = appliedBeforeStop.get(id);
                RealCluster.await("node " + id + " replays its log after its snapshot",
                        () -> cluster.machines.get(id).lastIndex() >= before.get(before.size() - 1).index());
                assertEquals(1, cluster.machines.get(id).restores(), "node " + id + " restored its own snapshot");
                List<Entry> after = cluster.machines.get(id).applied();
                assertEquals(before, after.subList(0, before.size()), "node " + id + " comes back unchanged");
            }
            proposed.add("after-restart");
            cluster.propose("after-restart");
            awaitApplied(cluster, proposed);
        }
    }

    /** A stopped node's directory: the newest snapshot is recovered and the log continues right after it. */
    private static void assertRecoversSnapshotAndLog(Path directory, int id, List<Entry> applied) throws Exception {
        WalLogStore store = WalLogStore.open(directory.resolve("node-" + id));
        try {
            assertNotNull(store.recoveredSnapshot(), "node " + id + " took a snapshot");
            long snapshotIndex = store.recoveredSnapshot().index();
            long last = applied.get(applied.size() - 1).index();
            // the loop snapshots after any input that leaves EVERY or more entries applied past the last one
            assertTrue(snapshotIndex >= EVERY && last - snapshotIndex < EVERY, "node " + id + " snapshot at "
                    + snapshotIndex + ", applied " + last);
            assertEquals(snapshotIndex, store.log().snapshotIndex(), "the log is compacted to it");
            if (last > snapshotIndex) {
                assertEquals(applied.subList((int) snapshotIndex, applied.size()),
                        store.log().entries(snapshotIndex + 1, last, Long.MAX_VALUE), "node " + id + " log after it");
            }
            assertTrue(store.hardState().commitIndex() >= last, "node " + id + " commit index");
        } finally {
            store.close();
        }
    }

    private static List<String> proposeAll(RealCluster cluster, int from, int to) throws Exception {
        List<String> proposed = new ArrayList<>();
        for (int k = from; k < to; k++) {
            proposed.add("command-" + k);
            cluster.propose("command-" + k);
        }
        return proposed;
    }

    /** Every running node applies every command, and they agree on the entries they all applied. */
    private static void awaitApplied(RealCluster cluster, List<String> commands) {
        for (int id : cluster.runners.keySet()) {
            RealCluster.await("node " + id + " to apply " + commands.size() + " commands",
                    () -> cluster.commands(id).containsAll(commands),
                    () -> "; it applied " + cluster.commands(id).size() + ", status " + cluster.runners.get(id).status());
        }
        List<Entry> reference = cluster.machines.get(cluster.runners.firstKey()).applied();
        for (int id : cluster.runners.keySet()) {
            List<Entry> applied = cluster.machines.get(id).applied();
            int common = Math.min(reference.size(), applied.size());
            assertEquals(reference.subList(0, common), applied.subList(0, common), "node " + id + " agrees");
        }
    }

    /** The highest index of a snapshot file in {@code directory}, 0 if there is none. */
    private static long snapshotIndex(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            long highest = 0;
            for (Path file : files.toList()) {
                Matcher matcher = SNAPSHOT_FILE.matcher(file.getFileName().toString());
                if (matcher.matches()) {
                    highest = Math.max(highest, Long.parseLong(matcher.group(1)));
                }
            }
            return highest;
        }
    }

    private static List<String> segments(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".wal")).toList();
        }
    }
}
