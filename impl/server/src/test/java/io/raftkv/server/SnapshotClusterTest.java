package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.client.NodeStatus;
import io.raftkv.client.Outcome;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.VersionedValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots on real processes: {@code raftkv cluster start --nodes 3} with
 * {@code --snapshot-entries=50} and small segments. A follower is killed (SIGKILL) while more than
 * three snapshots' worth of puts are acknowledged; the others compact their logs past it, so when it
 * is restarted it catches up through InstallSnapshot: its log says it restored the key-value state
 * from a snapshot beyond what it held, its data directory holds that snapshot file, and it answers
 * every acknowledged put from its own state. Then every node is killed and the cluster started
 * again: each node restores its own snapshot and replays its log after it, and every put reads back
 * through the log. Waits are on conditions with deadlines; every process is killed at the end.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SnapshotClusterTest {
    static final int EVERY = 50;
    static final Pattern RESTORED = Pattern.compile("key-value state restored from the snapshot at index (\\d+)");
    static final Pattern SNAPSHOT_FILE = Pattern.compile("snapshot-(\\d{20})-(\\d{20})");

    @TempDir
    Path dir;

    @Test
    void aKilledFollowerCatchesUpThroughInstallSnapshotAndTheClusterRestartsFromSnapshots() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3, false, List.of("--snapshot-entries=" + EVERY),
                "--wal-segment-bytes=4096");
                RaftKvClient client = cluster.client()) {
            TreeMap<String, String> acknowledged = new TreeMap<>();
            putAll(client, acknowledged, 0, 20);
            int leader = cluster.awaitLeader().id();
            int follower = leader == 1 ? 2 : 1;
            cluster.cluster("kill", Integer.toString(follower));
            // The follower's log cannot reach past the leader's last index once it is down (a status
            // of the follower taken before the kill could be overtaken by appends still in flight).
            long followerLast = cluster.statuses().get(leader).lastIndex();

            putAll(client, acknowledged, 20, 20 + 4 * EVERY);
            for (int id = 1; id <= 3; id++) {
                if (id != follower) {
                    int node = id;
                    TestCluster.await("node " + id + " compacted its log past index " + (followerLast + 2 * EVERY),
                            () -> snapshotIndex(node) > followerLast + 2 * EVERY);
                }
            }

            cluster.cluster("restart", Integer.toString(follower));
            awaitCaughtUp(cluster, follower);
            long restored = highestRestore(follower);
            assertTrue(restored > followerLast + 2 * EVERY, "node " + follower + " restored a leader's snapshot"
                    + " beyond its own log's end " + followerLast + ": its log says " + restored);
            assertTrue(snapshotIndex(follower) >= restored, "its data directory holds the snapshot");
            assertEquals(List.of(), wrongLocally(cluster, client, follower, acknowledged));

            int[] restoresBefore = new int[4];
            for (int id = 1; id <= 3; id++) {
                restoresBefore[id] = restores(id);
                cluster.cluster("kill", Integer.toString(id));
            }
            String started = cluster.cluster("start").out();
            assertTrue(started.contains("leader: node"), started);
            assertEquals(List.of(), wrongThroughTheLog(client, acknowledged));
            for (int id = 1; id <= 3; id++) {
                int node = id;
                TestCluster.await("node " + id + " logged the restore of its own snapshot at its restart",
                        () -> restores(node) > restoresBefore[node]);
            }
        }
    }

    private static void putAll(RaftKvClient client, TreeMap<String, String> acknowledged, int from, int to) {
        for (int k = from; k < to; k++) {
            String key = "key-" + k;
            String value = "value-" + k;
            // unknown or failed: the same put again (the client's session applies it once)
            boolean ok = client.put(key, value.getBytes(StandardCharsets.UTF_8)).isOk();
            while (!ok) {
                ok = client.put(key, value.getBytes(StandardCharsets.UTF_8)).isOk();
            }
            acknowledged.put(key, value);
        }
    }

    /** Waits until the node has applied what the leader had committed once the node was back. */
    private static void awaitCaughtUp(TestCluster cluster, int id) {
        NodeStatus leader = cluster.awaitLeader();
        TestCluster.await("node " + id + " applied index " + leader.commitIndex(), () -> {
            NodeStatus status = cluster.statuses().get(id);
            return status != null && status.appliedIndex() >= leader.commitIndex();
        });
    }

    private static List<String> wrongLocally(TestCluster cluster, RaftKvClient client, int id,
            TreeMap<String, String> acknowledged) {
        List<String> wrong = new ArrayList<>();
        for (var put : acknowledged.entrySet()) {
            String found = describe(client.readLocal(cluster.endpoint(id), put.getKey()));
            if (!put.getValue().equals(found)) {
                wrong.add("node " + id + ": " + put.getKey() + " = " + found);
            }
        }
        return wrong;
    }

    private static List<String> wrongThroughTheLog(RaftKvClient client, TreeMap<String, String> acknowledged) {
        List<String> wrong = new ArrayList<>();
        for (var put : acknowledged.entrySet()) {
            String found = describe(client.get(put.getKey()));
            if (!put.getValue().equals(found)) {
                wrong.add(put.getKey() + " = " + found);
            }
        }
        return wrong;
    }

    private static String describe(Outcome<Optional<VersionedValue>> read) {
        return read.isOk() ? read.value().map(VersionedValue::utf8).orElse("<absent>") : read.describe();
    }

    /** The highest index of a snapshot file in node {@code id}'s data directory, 0 if none. */
    private long snapshotIndex(int id) {
        try (Stream<Path> files = Files.list(NodeProcesses.dataDirectory(dir, id))) {
            long highest = 0;
            for (Path file : files.toList()) {
                Matcher matcher = SNAPSHOT_FILE.matcher(file.getFileName().toString());
                if (matcher.matches()) {
                    highest = Math.max(highest, Long.parseLong(matcher.group(1)));
                }
            }
            return highest;
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    /** How often node {@code id}'s log says it restored its state from a snapshot. */
    private int restores(int id) {
        try {
            return (int) RESTORED.matcher(Files.readString(NodeProcesses.logFile(dir, id))).results().count();
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    /** The highest snapshot index node {@code id}'s log says it restored its state from, 0 if none. */
    private long highestRestore(int id) throws IOException {
        Matcher matcher = RESTORED.matcher(Files.readString(NodeProcesses.logFile(dir, id)));
        long highest = 0;
        while (matcher.find()) {
            highest = Math.max(highest, Long.parseLong(matcher.group(1)));
        }
        return highest;
    }
}
