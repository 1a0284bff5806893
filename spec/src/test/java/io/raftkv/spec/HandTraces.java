package io.raftkv.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Replays a hand-written trace against TraceRaft.tla with the invariants trace-check uses: the
 * module text defines the traces (its last line is {@code ====}), {@code trace} names the one to
 * run, and the trace must be accepted ({@code failedLine} 0) or rejected exactly at that line.
 */
final class HandTraces {
  private HandTraces() {}

  /**
   * The start of a hand-written trace module: the header, a state constructor {@code St} and the
   * messages of the term-1 election of node 1 and its first append to node 2.
   */
  static final String PRELUDE = """
      ---- MODULE TraceHand ----
      EXTENDS TraceRaft
      St(t, v, r, c, n, lt, d, a) ==
          [currentTerm |-> t, votedFor |-> v, role |-> r, commitIndex |-> c, logLength |-> n,
           lastLogTerm |-> lt, durableLength |-> d, appliedIndex |-> a]
      RVq(to) == [type |-> "RequestVoteRequest", term |-> 1, from |-> 1, to |-> to,
                  prevote |-> FALSE, lastLogIndex |-> 0, lastLogTerm |-> 0, transfer |-> FALSE]
      RVp == [type |-> "RequestVoteResponse", term |-> 1, from |-> 2, to |-> 1, prevote |-> FALSE,
              voteGranted |-> TRUE]
      AE1 == [type |-> "AppendEntriesRequest", term |-> 1, from |-> 1, to |-> 2, prevLogIndex |-> 0,
              prevLogTerm |-> 0, entries |-> << [term |-> 1, value |-> 0] >>, commitIndex |-> 0,
              readId |-> 0]
      AR1 == [type |-> "AppendEntriesResponse", term |-> 1, from |-> 2, to |-> 1, success |-> TRUE,
              matchIndex |-> 1, conflictTerm |-> 0, conflictIndex |-> 0, readId |-> 0]
      \\* Lines 1-9 of every hand trace: 1 leads term 1, 2 holds its no-op and 1 knows it.
      Elected == <<
        [event |-> "BecomeCandidate", node |-> 1, state |-> St(1, 1, "Candidate", 0, 0, 0, 0, 0)],
        [event |-> "HandleRequestVoteRequest", node |-> 2, msg |-> RVq(2), reply |-> RVp,
         state |-> St(1, 1, "Follower", 0, 0, 0, 0, 0)],
        [event |-> "HandleRequestVoteResponse", node |-> 1, msg |-> RVp,
         state |-> St(1, 1, "Candidate", 0, 0, 0, 0, 0)],
        [event |-> "BecomeLeader", node |-> 1, state |-> St(1, 1, "Leader", 0, 1, 1, 0, 0)],
        [event |-> "PersistLog", node |-> 1, state |-> St(1, 1, "Leader", 0, 1, 1, 1, 0)],
        [event |-> "SendAppendEntries", node |-> 1, msg |-> AE1,
         state |-> St(1, 1, "Leader", 0, 1, 1, 1, 0)],
        [event |-> "HandleAppendEntriesRequest", node |-> 2, msg |-> AE1,
         state |-> St(1, 1, "Follower", 0, 1, 1, 0, 0)],
        [event |-> "PersistLog", node |-> 2, state |-> St(1, 1, "Follower", 0, 1, 1, 1, 0)],
        [event |-> "HandleAppendEntriesResponse", node |-> 1, msg |-> AR1,
         state |-> St(1, 1, "Leader", 0, 1, 1, 1, 0)] >>
      """;

  static void replay(Path dir, String module, String trace, int failedLine) throws Exception {
    replay(dir, module, trace, failedLine, "{1, 2, 3}", "{1, 2, 3}");
  }

  /**
   * As {@link #replay(Path, String, String, int)} with the servers and the initial voters given
   * (TLA+ sets of server ids), as trace-check takes them from a trace header's {@code servers} and
   * {@code voters}; without membership every server is an initial voter.
   */
  static void replay(Path dir, String module, String trace, int failedLine, String servers,
      String initVoters) throws Exception {
    SpecFiles.stageDirectory(Path.of(""), dir);
    Files.writeString(dir.resolve("TraceHand.cfg"), """
        CONSTANTS
          Server = %s
          InitVoters = %s
          Nil = 0
          StopAt = 0
          Traces <- RunTraces
          PreVote = FALSE
          AsyncPersist = TRUE
          LeaseReads = FALSE
          FollowerReads = FALSE
        INIT TraceInit
        NEXT TraceNext
        INVARIANT TraceAccepted
        INVARIANT ElectionSafety
        INVARIANT CommitIndexInLog
        INVARIANT DurableLengthInLog
        INVARIANT PendingAcksInLog
        INVARIANT AppliedIndexInCommit
        INVARIANT ReadsLinearizable
        CHECK_DEADLOCK FALSE
        """.formatted(servers, initVoters));
    Files.writeString(dir.resolve("TraceHand.tla"),
        module.replace("====", "RunTraces == << " + trace + " >>\n===="));
    TlcResult result = TlcRunner.builder(dir, "TraceHand").config("TraceHand.cfg").workers(1).run();
    boolean accepted = result.userOutput().stream().anyMatch(l -> l.contains("TRACECHECK accepted 1"));
    assertTrue(result.violation().isEmpty(), () -> trace + ": " + result.violation());
    if (failedLine == 0) {
      assertTrue(accepted, () -> trace + " was not accepted: " + result);
    } else {
      assertFalse(accepted, trace + " was accepted");
      // Lines 1..D-1 matched and line D did not (the driver's reading of the depth).
      assertEquals(failedLine, result.depth(), trace + ": the line that failed");
    }
  }
}
