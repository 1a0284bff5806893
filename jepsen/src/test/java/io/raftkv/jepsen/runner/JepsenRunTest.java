package io.raftkv.jepsen.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.jepsen.analysis.Validity;
import io.raftkv.jepsen.client.HistoryRecorder;
import io.raftkv.jepsen.client.ReadConsistency;
import io.raftkv.jepsen.history.HistoryReader;
import io.raftkv.jepsen.history.Op;
import io.raftkv.jepsen.history.OpType;
import io.raftkv.jepsen.nemesis.Nftables;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One short real run: three server processes, six client processes, 12 s of faults (partitions
 * when this machine can make them, i.e. root and nft; otherwise kills and pauses), a quiet phase
 * and the final reads. The run must be valid (linearizable per key, nothing acknowledged lost),
 * must have injected at least one fault, must have its nodes' merged traces accepted by the spec,
 * must leave its nftables table deleted and no server process behind, and its store directory must
 * hold the report and every node's log and trace.
 *
 * <p>A second short run churns the membership under kills: 3 voters and 2 spares, a change every
 * 2 s. It must be valid too, must have made at least one add that ended with the node a voter
 * (recorded as a {@code :nemesis} invoke of {@code :member-add} whose info says so), must pair
 * every membership invocation with exactly one info, and must leave no server process behind,
 * spares and removed servers included. Its servers, spares included, write traces (asserted), which
 * it does not validate: a membership run's traces are validated by the longer runs of
 * jepsen/README.md.
 */
class JepsenRunTest {
  @Test
  @Timeout(300)
  void shortRunUnderFaultsIsValidAndCleansUp(@TempDir Path store) throws Exception {
    boolean partitions = Nftables.unavailableReason().isEmpty();
    String nemesis = partitions ? "partition-halves,partition-leader,kill" : "kill,pause";
    RunOptions options = new RunOptions("register", nemesis, Duration.ofSeconds(12), Duration.ofSeconds(3),
        Duration.ofSeconds(2), Duration.ofSeconds(3), 6, 50, 3, 7, ReadConsistency.LINEARIZABLE, store, 60,
        Duration.ofSeconds(2), List.of("-XX:TieredStopAtLevel=1"), List.of(), true);
    StringWriter out = new StringWriter();
    JepsenRun.Outcome outcome = new JepsenRun(options, new PrintWriter(out, true)).run();
    String printed = out.toString();
    assertEquals(Validity.TRUE, outcome.valid(), printed);
    List<String> lines = printed.lines().toList();
    assertEquals(":valid? true", lines.get(lines.size() - 1));
    Matcher faults = Pattern.compile("(?m)^faults: (\\d+)").matcher(printed);
    assertTrue(faults.find() && Integer.parseInt(faults.group(1)) >= 1, printed);
    assertTrue(printed.contains("trace-check: OK"), "the run's traces are steps of the spec: " + printed);
    assertTrue(outcome.tableRemoved());
    if (partitions) {
      assertFalse(Nftables.tablePresent(), "the harness's nftables table is gone");
    }
    assertEquals(0, ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count(),
        "no server process left");
    Path run = outcome.runDir();
    for (String file : List.of("history.edn", "results.edn", "jepsen.log", "timeline.html", "latency-raw.png",
        "latency-quantiles.png", "rate.png", "nodes/node-1.log", "nodes/node-2.log", "nodes/node-3.log")) {
      assertTrue(Files.size(run.resolve(file)) > 0, file);
    }
    try (Stream<Path> traces = Files.list(run.resolve("traces"))) {
      assertTrue(traces.filter(t -> t.getFileName().toString().matches("node-[123]-\\d+\\.ndjson")).count() >= 3);
    }
    assertTrue(Files.readString(run.resolve("results.edn")).startsWith("{:valid? true"));
    assertEquals(run.toRealPath(), store.resolve("latest").toRealPath());
    assertFalse(Files.exists(run.resolve("nodes/node-1")), "data directories are wiped after a valid run");
  }

  @Test
  @Timeout(300)
  void membershipChurnUnderKillsIsValidAndRecordsEveryChange(@TempDir Path store) throws Exception {
    RunOptions options = new RunOptions("register", "membership,kill", Duration.ofSeconds(12), Duration.ofSeconds(3),
        Duration.ofSeconds(2), Duration.ofSeconds(3), 6, 50, 3, 5, ReadConsistency.LINEARIZABLE, store, 60,
        Duration.ofSeconds(2), List.of("-XX:TieredStopAtLevel=1"), List.of(), false);
    StringWriter out = new StringWriter();
    JepsenRun.Outcome outcome = new JepsenRun(options, new PrintWriter(out, true)).run();
    String printed = out.toString();
    assertEquals(Validity.TRUE, outcome.valid(), printed);
    List<Op> open = new ArrayList<>();
    int voters = 0;
    for (Op op : HistoryReader.read(outcome.runDir().resolve("history.edn")).ops()) {
      if (!HistoryRecorder.NEMESIS.equals(op.process()) || !op.f().startsWith("member-")) {
        continue;
      }
      if (op.type() == OpType.INVOKE) {
        assertTrue(open.isEmpty(), "one change at a time: " + open + " then " + op);
        open.add(op);
      } else {
        assertEquals(OpType.INFO, op.type(), op.toString());
        assertEquals(1, open.size(), "an info completes one open change: " + op);
        assertEquals(open.remove(0).f(), op.f());
        voters += op.f().equals("member-add") && String.valueOf(op.value()).contains(" is a voter: ") ? 1 : 0;
      }
    }
    assertTrue(open.isEmpty(), "every change completed: " + open);
    assertTrue(voters >= 1, "at least one spare became a voter: " + printed);
    assertTrue(printed.contains("membership="), printed);
    try (Stream<Path> traces = Files.list(outcome.runDir().resolve("traces"))) {
      assertTrue(traces.anyMatch(t -> t.getFileName().toString().matches("node-[45]-\\d+\\.ndjson")),
          "a spare that was started wrote its trace");
    }
    assertEquals(0, ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count(),
        "no server process left, spares and removed servers included");
  }

  /**
   * The short run again with lease reads: every server runs with --lease-reads and the workload's
   * reads are {@code ?consistency=lease}, under partitions (the leader cut off, halves) and kills
   * where the machine can partition, else kills and pauses (a paused leader is the case a lease must
   * survive). Must be valid, and the servers must have answered reads by lease (the run exercised
   * the lease, not only ReadIndex fallbacks), and its merged traces must be steps of the spec: the
   * leader's lease ends before the promises it rests on in the order of the nodes' hybrid clocks.
   */
  @Test
  @Timeout(300)
  void shortLeaseRunUnderFaultsIsValid(@TempDir Path store) throws Exception {
    boolean partitions = Nftables.unavailableReason().isEmpty();
    String nemesis = partitions ? "partition-halves,partition-leader,kill" : "kill,pause";
    RunOptions options = new RunOptions("register", nemesis, Duration.ofSeconds(12), Duration.ofSeconds(3),
        Duration.ofSeconds(2), Duration.ofSeconds(3), 6, 50, 3, 7, ReadConsistency.LEASE, store, 60,
        Duration.ofSeconds(2), List.of("-XX:TieredStopAtLevel=1"), List.of(), true);
    StringWriter out = new StringWriter();
    JepsenRun.Outcome outcome = new JepsenRun(options, new PrintWriter(out, true)).run();
    String printed = out.toString();
    assertEquals(Validity.TRUE, outcome.valid(), printed);
    List<String> lines = printed.lines().toList();
    assertEquals(":valid? true", lines.get(lines.size() - 1));
    Matcher faults = Pattern.compile("(?m)^faults: (\\d+)").matcher(printed);
    assertTrue(faults.find() && Integer.parseInt(faults.group(1)) >= 1, printed);
    Matcher reads = Pattern.compile("(?m)^reads: lease; the servers answered at least (\\d+) linearizable reads by"
        + " lease").matcher(printed);
    assertTrue(reads.find() && Long.parseLong(reads.group(1)) > 0, "reads answered by the lease: " + printed);
    String results = Files.readString(outcome.runDir().resolve("results.edn"));
    assertTrue(results.contains(":read-consistency \"lease\""), results);
    assertTrue(printed.contains("trace-check: OK"), "the lease run's traces are steps of the spec: " + printed);
    assertTrue(outcome.tableRemoved());
    assertEquals(0, ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count(),
        "no server process left");
  }

  @Test
  void serversSealSmallSegmentsAndSnapshotOftenUnlessTheOptionsSayOtherwise() {
    assertEquals(List.of(JepsenRun.SEGMENT_BYTES, JepsenRun.SNAPSHOT_ENTRIES, "--tick-ms=5"),
        JepsenRun.serverArgs(options(List.of("--tick-ms=5"))));
    assertEquals(List.of(JepsenRun.SEGMENT_BYTES, "--snapshot-entries=0"),
        JepsenRun.serverArgs(options(List.of("--snapshot-entries=0"))));
    assertEquals(List.of(JepsenRun.SNAPSHOT_ENTRIES, "--wal-segment-bytes=1024"),
        JepsenRun.serverArgs(options(List.of("--wal-segment-bytes=1024"))));
  }

  @Test
  void aLeaseRunStartsEveryServerWithLeaseReadsOnce() {
    RunOptions lease = new RunOptions("register", "kill", Duration.ofSeconds(12), Duration.ofSeconds(3),
        Duration.ofSeconds(2), Duration.ofSeconds(3), 6, 50, 3, 7, ReadConsistency.LEASE, Path.of("store"), 60,
        Duration.ofSeconds(2), List.of(), List.of("--lease-drift-ms=30"), true);
    assertEquals(List.of(JepsenRun.SEGMENT_BYTES, JepsenRun.SNAPSHOT_ENTRIES, JepsenRun.LEASE_READS,
        "--lease-drift-ms=30"), JepsenRun.serverArgs(lease));
    assertFalse(JepsenRun.serverArgs(options(List.of())).contains(JepsenRun.LEASE_READS),
        "only lease runs turn lease reads on");
  }

  private static RunOptions options(List<String> serverArgs) {
    return new RunOptions("register", "kill", Duration.ofSeconds(12), Duration.ofSeconds(3), Duration.ofSeconds(2),
        Duration.ofSeconds(3), 6, 50, 3, 7, ReadConsistency.LINEARIZABLE, Path.of("store"), 60,
        Duration.ofSeconds(2), List.of(), serverArgs, true);
  }
}
