package io.raftkv.spec;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Holds TraceRaft.tla to the trace contract of snapshots (spec/README.md, "Actions = events", and
 * the snapshot contract's "Trace encoding"): a hand-written trace in which the leader of term 1
 * commits and applies its no-op, compacts it, sends it to the third server in two chunks (done
 * false, then done true, the last one twice), the follower installs it, the leader replicates a
 * command to it on top of the snapshot and commits it, and the second copy of the last chunk
 * arrives at or below the follower's commit index and installs nothing, is accepted. Messages are
 * logged as the core writes them: InstallSnapshotRequest with offset and bytes, the response with
 * nextOffset, neither with the spec's ghost log; every state carries snapshotIndex. The same trace
 * with that stale chunk installed (the commit index moved back), with a snapshot of an entry not
 * yet applied, or with a chunk sent to a follower whose next entry is not compacted is rejected at
 * that line.
 */
class TraceSnapshotTest {

  private static final String MODULE = HandTraces.PRELUDE + """
      \\* St with the snapshot index.
      Sn(t, v, r, c, n, lt, d, a, s) == [snapshotIndex |-> s] @@ St(t, v, r, c, n, lt, d, a)
      IS(done, offset, bytes) ==
          [type |-> "InstallSnapshotRequest", term |-> 1, from |-> 1, to |-> 3, snapshotIndex |-> 1,
           snapshotTerm |-> 1, offset |-> offset, bytes |-> bytes, done |-> done]
      IR(done, next) ==
          [type |-> "InstallSnapshotResponse", term |-> 1, from |-> 3, to |-> 1, snapshotIndex |-> 1,
           nextOffset |-> next, done |-> done]
      AE3 == [type |-> "AppendEntriesRequest", term |-> 1, from |-> 1, to |-> 3, prevLogIndex |-> 1,
              prevLogTerm |-> 1, entries |-> << [term |-> 1, value |-> 7] >>, commitIndex |-> 1,
              readId |-> 0]
      AR3 == [type |-> "AppendEntriesResponse", term |-> 1, from |-> 3, to |-> 1, success |-> TRUE,
              matchIndex |-> 2, conflictTerm |-> 0, conflictIndex |-> 0, readId |-> 0]
      HB3 == [type |-> "AppendEntriesRequest", term |-> 1, from |-> 1, to |-> 3, prevLogIndex |-> 2,
              prevLogTerm |-> 1, entries |-> << >>, commitIndex |-> 2, readId |-> 0]
      \\* The leader of term 1 with its no-op committed, applied and compacted.
      S1 == Sn(1, 1, "Leader", 1, 1, 1, 1, 1, 1)
      \\* Lines 1-10: 1 leads term 1 and commits its no-op with 2's copy.
      Opening == Elected \\o <<
        [event |-> "AdvanceCommitIndex", node |-> 1, state |-> St(1, 1, "Leader", 1, 1, 1, 1, 0)] >>
      \\* Lines 11-19: 1 applies and compacts its no-op and sends it to 3 in two chunks, the last one
      \\* twice; 3 answers the first, installs the second, and 1 learns 3 holds index 1.
      Install == Opening \\o <<
        [event |-> "Apply", node |-> 1, state |-> St(1, 1, "Leader", 1, 1, 1, 1, 1)],
        [event |-> "TakeSnapshot", node |-> 1, state |-> S1],
        [event |-> "SendInstallSnapshot", node |-> 1, msg |-> IS(FALSE, 0, 10), state |-> S1],
        [event |-> "HandleInstallSnapshotRequest", node |-> 3, msg |-> IS(FALSE, 0, 10),
         reply |-> IR(FALSE, 10), state |-> Sn(1, 0, "Follower", 0, 0, 0, 0, 0, 0)],
        [event |-> "HandleInstallSnapshotResponse", node |-> 1, msg |-> IR(FALSE, 10), state |-> S1],
        [event |-> "SendInstallSnapshot", node |-> 1, msg |-> IS(TRUE, 10, 5), state |-> S1],
        [event |-> "SendInstallSnapshot", node |-> 1, msg |-> IS(TRUE, 10, 5), state |-> S1],
        [event |-> "HandleInstallSnapshotRequest", node |-> 3, msg |-> IS(TRUE, 10, 5),
         reply |-> IR(TRUE, 15), state |-> Sn(1, 0, "Follower", 1, 1, 1, 1, 1, 1)],
        [event |-> "HandleInstallSnapshotResponse", node |-> 1, msg |-> IR(TRUE, 15), state |-> S1] >>
      \\* Lines 20-28: 1 replicates a command to 3 after the snapshot, commits it, and tells 3.
      Replicated == Install \\o <<
        [event |-> "ClientRequest", node |-> 1, value |-> 7, state |-> Sn(1, 1, "Leader", 1, 2, 1, 1, 1, 1)],
        [event |-> "SendAppendEntries", node |-> 1, msg |-> AE3, state |-> Sn(1, 1, "Leader", 1, 2, 1, 1, 1, 1)],
        [event |-> "HandleAppendEntriesRequest", node |-> 3, msg |-> AE3,
         state |-> Sn(1, 0, "Follower", 1, 2, 1, 1, 1, 1)],
        [event |-> "PersistLog", node |-> 3, state |-> Sn(1, 0, "Follower", 1, 2, 1, 2, 1, 1)],
        [event |-> "HandleAppendEntriesResponse", node |-> 1, msg |-> AR3,
         state |-> Sn(1, 1, "Leader", 1, 2, 1, 1, 1, 1)],
        [event |-> "PersistLog", node |-> 1, state |-> Sn(1, 1, "Leader", 1, 2, 1, 2, 1, 1)],
        [event |-> "AdvanceCommitIndex", node |-> 1, state |-> Sn(1, 1, "Leader", 2, 2, 1, 2, 1, 1)],
        [event |-> "SendHeartbeat", node |-> 1, msg |-> HB3, state |-> Sn(1, 1, "Leader", 2, 2, 1, 2, 1, 1)],
        [event |-> "HandleAppendEntriesRequest", node |-> 3, msg |-> HB3,
         reply |-> AR3, state |-> Sn(1, 0, "Follower", 2, 2, 1, 2, 1, 1)] >>
      \\* Line 29: the second copy of the last chunk, at or below 3's commit index, installs nothing.
      Good == Replicated \\o <<
        [event |-> "HandleInstallSnapshotRequest", node |-> 3, msg |-> IS(TRUE, 10, 5),
         reply |-> IR(TRUE, 15), state |-> Sn(1, 0, "Follower", 2, 2, 1, 2, 1, 1)] >>
      \\* Line 29: the stale chunk installed: 3's commit index moves back to the snapshot's.
      StaleInstalled == Replicated \\o <<
        [event |-> "HandleInstallSnapshotRequest", node |-> 3, msg |-> IS(TRUE, 10, 5),
         reply |-> IR(TRUE, 15), state |-> Sn(1, 0, "Follower", 1, 2, 1, 2, 1, 1)] >>
      \\* Line 11: a snapshot of an entry the state machine has not applied.
      NotApplied == Opening \\o <<
        [event |-> "TakeSnapshot", node |-> 1, state |-> Sn(1, 1, "Leader", 1, 1, 1, 1, 0, 1)] >>
      \\* Line 20: a chunk to 3 once 1 knows 3 holds the snapshot (its next entry is not compacted).
      NotNeeded == Install \\o <<
        [event |-> "SendInstallSnapshot", node |-> 1, msg |-> IS(TRUE, 10, 5), state |-> S1] >>
      ====
      """;

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"Good, 0", "StaleInstalled, 29", "NotApplied, 11", "NotNeeded, 20"})
  void snapshotEventsAreReplayedAgainstTheSpec(String trace, int failedLine) throws Exception {
    HandTraces.replay(dir, MODULE, trace, failedLine);
  }
}
