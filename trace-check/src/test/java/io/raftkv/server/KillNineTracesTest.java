package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.tracecheck.ClusterTraceMerge;
import io.raftkv.tracecheck.TraceValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill -9 scenario of the server's KillNineClusterTest (1,000 acknowledged puts from 8 threads,
 * the leader killed and restarted mid-way, then all three nodes killed and the cluster started
 * again, every put read back) on a cluster whose nodes write their traces; then the node traces are
 * merged by Lamport clock and every step of the run must be a step of spec/TraceRaft.tla. The
 * merged trace with one received message moved before its send must be rejected exactly there, so
 * the order the merge gives is what the check relies on.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class KillNineTracesTest {

  @TempDir
  Path dir;

  @Test
  void theTracesOfTheKillNineRunAreStepsOfTheSpec() throws Exception {
    String scenario;
    try (TestCluster cluster = TestCluster.start(dir, 3, true)) {
      scenario = KillNineClusterTest.run(cluster);
    } // a clean stop: the last incarnations end with {"closed":true}
    ClusterTraceMerge.Result merged = ClusterTraceMerge.merge(ClusterTraceMerge.nodeTraceFiles(dir),
        dir.resolve("merged-trace.ndjson"));
    // The leader mid-way, then all three: four incarnations killed, each followed by a restart.
    assertEquals(4, merged.killed(), merged.summary());
    assertEquals(7, merged.files(), merged.summary());

    TraceValidator validator = new TraceValidator(TraceValidator.Options.defaults().withDiagnose(false));
    TraceValidator.Verdict verdict = validator.validate(List.of(merged.merged())).get(0);
    System.out.println("KillNineTracesTest: " + scenario + "; " + merged.summary() + "; " + verdict.summary());
    assertTrue(verdict.ok(), verdict.summary());

    Path reordered = dir.resolve("reordered.ndjson");
    int moved = receiveBeforeSend(merged.merged(), reordered);
    TraceValidator.Verdict rejected = validator.validate(List.of(reordered)).get(0);
    assertEquals(moved, rejected.failedEvent(), rejected.summary());
  }

  /**
   * Writes a prefix of {@code merged} in which the first receipt of an append carrying entries is
   * moved to just before the send of that message; returns the moved event's new number (1-based).
   */
  private static int receiveBeforeSend(Path merged, Path out) throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(merged));
    String header = lines.remove(0);
    for (int receive = 0; receive < lines.size(); receive++) {
      String line = lines.get(receive);
      if (!line.contains("\"event\":\"HandleAppendEntriesRequest\"") || line.contains("\"entries\":[]")) {
        continue;
      }
      String message = line.substring(line.indexOf("\"msg\":"), line.indexOf(",\"reply\":"));
      for (int send = receive - 1; send >= 0; send--) {
        if (lines.get(send).contains("\"event\":\"SendAppendEntries\"") && lines.get(send).contains(message)) {
          lines.add(send, lines.remove(receive));
          List<String> prefix = new ArrayList<>(List.of(header));
          prefix.addAll(lines.subList(0, Math.min(lines.size(), receive + 20)));
          Files.write(out, prefix);
          return send + 1;
        }
      }
    }
    throw new AssertionError("no received append with entries in " + merged);
  }
}
