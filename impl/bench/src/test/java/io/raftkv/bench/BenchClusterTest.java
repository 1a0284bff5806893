package io.raftkv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator against real processes: three raftkv servers started by {@code raftkv cluster
 * start} (through {@link RaftKvCluster}, as {@code --vs-etcd} starts them) in a temporary
 * directory, then {@code raftkv bench --cluster DIR} for two seconds of closed-loop puts and reads:
 * operations completed and none failed. The cluster is removed whatever happens, and every process
 * this JVM started is killed at the end.
 */
class BenchClusterTest {

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aShortClosedLoopRunCompletesOperationsWithoutErrors(@TempDir Path temporary) throws Exception {
        Path dir = temporary.resolve("cluster");
        // C1 only: a server JVM starts faster on a busy 2-core machine; speed is not what this test checks.
        try (RaftKvCluster cluster = new RaftKvCluster(dir, 300, 50, List.of("-XX:TieredStopAtLevel=1"))) {
            cluster.start();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            var commandLine = Main.commandLine();
            commandLine.setOut(new PrintWriter(out, true));
            commandLine.setErr(new PrintWriter(err, true));
            int exit = commandLine.execute("bench", "--cluster", dir.toString(), "--clients", "4", "--workload",
                    "mix:put=50,get=50", "--duration", "2s", "--warmup", "500ms", "--keys", "20");
            assertEquals(0, exit, out + "\n" + err);
            Matcher figures = Pattern.compile("closed loop: (\\d+) ops in 2\\.00 s, .*; errors (\\d+)$")
                    .matcher(out.toString().strip());
            assertTrue(figures.find(), out.toString());
            assertTrue(Long.parseLong(figures.group(1)) > 0, out.toString());
            assertEquals("0", figures.group(2), out.toString());
        } finally {
            List<ProcessHandle> started = ProcessHandle.current().descendants().toList();
            started.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle process : started) {
                process.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(timeout -> process).join();
            }
        }
    }
}
