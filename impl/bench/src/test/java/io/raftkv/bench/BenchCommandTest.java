package io.raftkv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The options of {@code raftkv bench}: every bad one is refused before anything runs, with exit 2
 * and a first line that names the option and the value; good ones become the settings the help
 * text promises ({@code --quick} included).
 */
class BenchCommandTest {

    record Run(int exitCode, String out, String err) {
        String firstErrorLine() {
            return err.lines().findFirst().orElse("");
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private static void assertRefused(String message, String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "bench";
        System.arraycopy(args, 0, full, 1, args.length);
        Run run = run(full);
        assertEquals(2, run.exitCode(), run.toString());
        assertEquals(message, run.firstErrorLine(), run.toString());
    }

    @Test
    void badOptionsAreRefusedWithOneLineNamingThem() {
        String at = "--endpoints=127.0.0.1:9";
        assertRefused("--clients must be in 1..4096, got 0", at, "--clients", "0");
        assertRefused("--value-size must be in 1..1048576 bytes, got 0", at, "--value-size", "0");
        assertRefused("--keys must be at least 1, got 0", at, "--keys", "0");
        assertRefused("--rate must be at least 1 operation per second, got 0", at, "--rate", "0");
        assertRefused("--duration expects a duration such as 10s, 500ms or 2m, got '5x'", at, "--duration", "5x");
        assertRefused("--duration must be positive, got PT0S", at, "--duration", "0s");
        assertRefused("--warmup expects a duration such as 10s, 500ms or 2m, got '-1s'", at, "--warmup", "-1s");
        assertRefused("unknown operation 'scan' in workload 'scan'; expected put, get, cas or mix:put=W,get=W,cas=W",
                at, "--workload", "scan");
        assertRefused("--timeout-ms must be positive, got 0", at, "--timeout-ms", "0");
        assertRefused("--quick goes with --vs-etcd only", at, "--quick");
        assertRefused("--store-warmup goes with --vs-etcd only", at, "--store-warmup", "5s");
        assertRefused("--store-warmup expects a duration such as 10s, 500ms or 2m, got 'soon'", "--vs-etcd",
                "--store-warmup", "soon");
        assertRefused("--endpoints: expected host:port, got 'nowhere'", "--endpoints", "nowhere");
        assertRefused("--etcd-endpoints expects http://host:port,..., got '127.0.0.1:2379'", "--etcd-endpoints",
                "127.0.0.1:2379");
        assertRefused("--rounds must be at least 1, --failover-rounds at least 0, and 1 <= --heartbeat-ms <"
                + " --election-timeout-ms (>= 10); got 1, 5, 2000, 1000", "--vs-etcd", "--quick", "--heartbeat-ms", "2000");
    }

    @Test
    void aTargetIsRequiredAndOnlyOne() {
        Run none = run("bench");
        assertEquals(2, none.exitCode());
        assertTrue(none.firstErrorLine().startsWith("Error: Missing required argument"), none.err());
        Run both = run("bench", "--cluster", "/tmp/x", "--endpoints", "127.0.0.1:9");
        assertEquals(2, both.exitCode());
        assertTrue(both.firstErrorLine().contains("mutually exclusive"), both.err());
    }

    @Test
    void aMissingClusterIsAnErrorOfOneLine() {
        Run run = run("bench", "--cluster", "/nonexistent/raftkv-bench-test");
        assertEquals(1, run.exitCode());
        assertTrue(run.err().startsWith("raftkv bench: no cluster in /nonexistent/raftkv-bench-test"), run.err());
    }

    @Test
    void quickMeansOneShortRoundAndFiveFailovers() {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs("--vs-etcd", "--quick");
        VsEtcd quick = command.vsEtcd();
        assertEquals(1, quick.rounds());
        assertEquals(5, quick.failoverRounds());
        assertEquals(Duration.ofSeconds(4), quick.load().duration());
        assertEquals(Duration.ofSeconds(10), quick.storeWarmup());
        assertEquals(1000, quick.electionTimeoutMillis());

        BenchCommand full = new BenchCommand();
        new CommandLine(full).parseArgs("--vs-etcd", "--rounds", "2", "--duration", "500ms", "--raftkv-jvm-arg=-Xmx1g");
        VsEtcd plan = full.vsEtcd();
        assertEquals(2, plan.rounds());
        assertEquals(20, plan.failoverRounds());
        assertEquals(Duration.ofSeconds(30), plan.storeWarmup());
        assertEquals(Duration.ofMillis(500), plan.load().duration());
        assertEquals(java.util.List.of("-Xmx1g"), plan.raftkvJvmArgs());

        BenchCommand none = new BenchCommand();
        new CommandLine(none).parseArgs("--vs-etcd", "--store-warmup", "0s");
        assertEquals(Duration.ZERO, none.vsEtcd().storeWarmup());
    }

    @Test
    void durationsReadSecondsMillisecondsAndMinutes() {
        assertEquals(Duration.ofSeconds(10), LoadSettings.parseDuration("--duration", "10s"));
        assertEquals(Duration.ofMillis(500), LoadSettings.parseDuration("--duration", "500ms"));
        assertEquals(Duration.ofMinutes(2), LoadSettings.parseDuration("--duration", "2m"));
        assertEquals(Duration.ofSeconds(3), LoadSettings.parseDuration("--duration", "3"));
    }
}
