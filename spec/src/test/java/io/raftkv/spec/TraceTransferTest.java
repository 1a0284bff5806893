package io.raftkv.spec;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Holds TraceRaft.tla to the trace contract of leadership transfer (spec/README.md, "Actions =
 * events"): a hand-written trace in which the leader of term 1 brings a follower's log up to its
 * own, sends it TimeoutNow, and the follower campaigns in term 2 with a transfer vote request, is
 * granted the third server's vote and leads, is accepted. The same trace with the TimeoutNow sent
 * to the follower that is not caught up, with the target's logged term not incremented, or with
 * the vote request logged without its transfer flag is rejected at that line. As in
 * {@link TraceReadTest}, the trace is a TLA+ module written here and the configuration is the one
 * trace-check runs.
 */
class TraceTransferTest {

  private static final String MODULE = HandTraces.PRELUDE + """
      TN(to) == [type |-> "TimeoutNow", term |-> 1, from |-> 1, to |-> to]
      \\* The vote requests of the transfer election: term 2, from 2, marked transfer.
      RVt(to) == [type |-> "RequestVoteRequest", term |-> 2, from |-> 2, to |-> to,
                  prevote |-> FALSE, lastLogIndex |-> 1, lastLogTerm |-> 1, transfer |-> TRUE]
      RVp2 == [type |-> "RequestVoteResponse", term |-> 2, from |-> 3, to |-> 2, prevote |-> FALSE,
               voteGranted |-> TRUE]
      \\* Lines 1-9: 1 leads term 1 and knows that 2 holds its no-op (matchIndex 1 = its log).
      Opening == Elected
      SendToTarget ==
        [event |-> "SendTimeoutNow", node |-> 1, msg |-> TN(2), state |-> St(1, 1, "Leader", 0, 1, 1, 1, 0)]
      \\* Line 10 on: TimeoutNow to 2, which campaigns in term 2, 3 grants the transfer vote, 2 leads.
      Good == Opening \\o <<
        SendToTarget,
        [event |-> "HandleTimeoutNow", node |-> 2, msg |-> TN(2),
         state |-> St(2, 2, "Candidate", 0, 1, 1, 1, 0)],
        [event |-> "HandleRequestVoteRequest", node |-> 3, msg |-> RVt(3), reply |-> RVp2,
         state |-> St(2, 2, "Follower", 0, 0, 0, 0, 0)],
        [event |-> "HandleRequestVoteResponse", node |-> 2, msg |-> RVp2,
         state |-> St(2, 2, "Candidate", 0, 1, 1, 1, 0)],
        [event |-> "BecomeLeader", node |-> 2, state |-> St(2, 2, "Leader", 0, 2, 2, 1, 0)] >>
      \\* Line 10: TimeoutNow to 3, whose log the leader does not know to hold its own.
      NotCaughtUp == Opening \\o <<
        [event |-> "SendTimeoutNow", node |-> 1, msg |-> TN(3), state |-> St(1, 1, "Leader", 0, 1, 1, 1, 0)] >>
      \\* Line 11: the target campaigns without moving to the next term.
      TermKept == Opening \\o <<
        SendToTarget,
        [event |-> "HandleTimeoutNow", node |-> 2, msg |-> TN(2),
         state |-> St(1, 2, "Candidate", 0, 1, 1, 1, 0)] >>
      \\* Line 12: the vote request received is logged without the transfer flag set.
      NotTransfer == Opening \\o <<
        SendToTarget,
        [event |-> "HandleTimeoutNow", node |-> 2, msg |-> TN(2),
         state |-> St(2, 2, "Candidate", 0, 1, 1, 1, 0)],
        [event |-> "HandleRequestVoteRequest", node |-> 3, msg |-> [RVt(3) EXCEPT !.transfer = FALSE],
         reply |-> RVp2, state |-> St(2, 2, "Follower", 0, 0, 0, 0, 0)] >>
      ====
      """;

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"Good, 0", "NotCaughtUp, 10", "TermKept, 11", "NotTransfer, 12"})
  void transferEventsAreReplayedAgainstTheSpec(String trace, int failedLine) throws Exception {
    HandTraces.replay(dir, MODULE, trace, failedLine);
  }
}
