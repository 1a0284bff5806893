package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.client.ClusterFile;
import io.raftkv.client.Outcome;
import io.raftkv.client.RaftKvClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fail-stop on a storage error, on a real process: a one-node cluster whose data directory is a
 * 1 MiB tmpfs is written to until the disk is full. The write-ahead log's failed write must stop
 * the process, with a message naming the cause on its output, instead of serving on with a log
 * whose durability is unknown. Needs permission to mount a tmpfs (root, as on CI); skipped
 * otherwise.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StorageFailureTest {
    @TempDir
    Path dir;

    @Test
    void aFullDiskStopsTheNodeWithAClearMessage() throws IOException, InterruptedException {
        Path data = Files.createDirectories(NodeProcesses.dataDirectory(dir, 1));
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", data.toString()) == 0,
                "cannot mount a tmpfs here (needs root)");
        try (TestCluster cluster = TestCluster.start(dir, 1)) {
            byte[] value = new byte[60_000];
            Arrays.fill(value, (byte) 'x');
            try (RaftKvClient client = RaftKvClient.connect(RaftKvClient.Options.defaults(cluster.endpoints())
                    .withOperationTimeout(Duration.ofSeconds(3)))) {
                Outcome<Long> put = client.put("filler-0", value);
                for (int k = 1; k < 100 && put.isOk(); k++) {
                    put = client.put("filler-" + k, value);
                }
                assertTrue(!put.isOk(), "1 MiB cannot hold 100 puts of 60 kB");
            }
            ClusterFile.Node node = cluster.file().node(1);
            TestCluster.await("node 1 to exit", () -> NodeProcesses.alive(node).isEmpty());
            String output = Files.readString(NodeProcesses.outputFile(dir, 1), StandardCharsets.UTF_8);
            assertTrue(output.contains("raftkv server: node 1 stopped (fail-stop)"), output);
            assertTrue(output.contains("No space left on device"), output);
        } finally {
            run("umount", "-l", data.toString());
        }
    }

    /** The command's exit code; -1 if it cannot be run or does not end within 30 s. */
    private static int run(String... command) throws InterruptedException {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (IOException noSuchCommand) {
            return -1;
        }
    }
}
