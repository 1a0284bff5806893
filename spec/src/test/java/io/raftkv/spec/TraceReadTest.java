package io.raftkv.spec;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Holds TraceRaft.tla to the trace contract of reads (spec/README.md, "Actions = events"): a
 * hand-written trace in which a leader commits its no-op, begins a read round, confirms it by a
 * heartbeat's response, applies and serves it is accepted; the same trace serving the read before
 * the apply is rejected at that line, and so is one whose logged applied index differs from the
 * spec's. The trace is a TLA+ module written here (the NDJSON reader belongs to trace-check/); the
 * configuration is the one trace-check runs, with the invariants spec/README.md lists for traces.
 */
class TraceReadTest {

  private static final String MODULE = HandTraces.PRELUDE + """
      HB == [type |-> "AppendEntriesRequest", term |-> 1, from |-> 1, to |-> 2, prevLogIndex |-> 1,
             prevLogTerm |-> 1, entries |-> << >>, commitIndex |-> 1, readId |-> 1]
      AR2 == [AR1 EXCEPT !.readId = 1]
      Opening == Elected \\o <<
        [event |-> "AdvanceCommitIndex", node |-> 1, state |-> St(1, 1, "Leader", 1, 1, 1, 1, 0)],
        [event |-> "ReadIndex", node |-> 1, readId |-> 1, index |-> 1,
         state |-> St(1, 1, "Leader", 1, 1, 1, 1, 0)],
        [event |-> "SendHeartbeat", node |-> 1, msg |-> HB, state |-> St(1, 1, "Leader", 1, 1, 1, 1, 0)],
        [event |-> "HandleAppendEntriesRequest", node |-> 2, msg |-> HB, reply |-> AR2,
         state |-> St(1, 1, "Follower", 1, 1, 1, 1, 0)],
        [event |-> "HandleAppendEntriesResponse", node |-> 1, msg |-> AR2,
         state |-> St(1, 1, "Leader", 1, 1, 1, 1, 0)] >>
      \\* Line 15 on: apply, serve, the follower applies, the vote request to 3 is lost (3's
      \\* applied index is volatile: not compared on a drop).
      Good == Opening \\o <<
        [event |-> "Apply", node |-> 1, state |-> St(1, 1, "Leader", 1, 1, 1, 1, 1)],
        [event |-> "ServeRead", node |-> 1, readId |-> 1, index |-> 1,
         state |-> St(1, 1, "Leader", 1, 1, 1, 1, 1)],
        [event |-> "Apply", node |-> 2, state |-> St(1, 1, "Follower", 1, 1, 1, 1, 1)],
        [event |-> "DropMessage", node |-> 3, msg |-> RVq(3),
         state |-> St(0, 0, "Follower", 0, 0, 0, 0, 7)] >>
      \\* Line 15: the read served before the leader applied the no-op it must return.
      ServedUnapplied == Opening \\o <<
        [event |-> "ServeRead", node |-> 1, readId |-> 1, index |-> 0,
         state |-> St(1, 1, "Leader", 1, 1, 1, 1, 0)] >>
      \\* Line 15: an event whose logged applied index is not the spec's.
      WrongApplied == Opening \\o <<
        [event |-> "SendHeartbeat", node |-> 1, msg |-> HB, state |-> St(1, 1, "Leader", 1, 1, 1, 1, 1)] >>
      ====
      """;

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"Good, 0", "ServedUnapplied, 15", "WrongApplied, 15"})
  void readEventsAreReplayedAgainstTheSpec(String trace, int failedLine) throws Exception {
    HandTraces.replay(dir, MODULE, trace, failedLine);
  }
}
