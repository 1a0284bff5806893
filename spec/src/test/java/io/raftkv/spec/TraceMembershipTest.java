package io.raftkv.spec;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Holds TraceRaft.tla to the trace contract of membership change (spec/README.md, "Actions =
 * events", ProposeConfig): four servers of which 1, 2 and 3 are the initial voters. A trace in
 * which the leader of term 1 adds 4 as a learner, brings it up to date, promotes it through the
 * joint configuration {1,2,3} -> {1,2,3,4} (committed with 4 counted in the new half), and leaves
 * the joint configuration, committing that too, is accepted; every {@code state} after the
 * election carries {@code config}. The same trace is rejected at the edited line when: the
 * leader sends AppendEntries to 4 before 4 is a member; it proposes a second change while the
 * first is uncommitted; a follower's logged configuration is not the one its log puts in force;
 * it replaces a voter by the learner directly, without the joint phase; it commits the joint
 * entry with a majority of the old voters but not of the new. As in {@link TraceTransferTest},
 * the trace is a TLA+ module written here and the configuration is the one trace-check runs, with
 * {@code InitVoters} as trace-check sets it from the trace header.
 */
class TraceMembershipTest {

  private static final String MODULE = HandTraces.PRELUDE + """
      StC(t, v, r, c, n, lt, d, a, cf) ==
          [currentTerm |-> t, votedFor |-> v, role |-> r, commitIndex |-> c, logLength |-> n,
           lastLogTerm |-> lt, durableLength |-> d, appliedIndex |-> a, config |-> cf]
      C0 == [voters |-> {1, 2, 3}, outgoing |-> {}, learners |-> {}]
      CL == [voters |-> {1, 2, 3}, outgoing |-> {}, learners |-> {4}]
      CJ == [voters |-> {1, 2, 3, 4}, outgoing |-> {1, 2, 3}, learners |-> {}]
      CN == [voters |-> {1, 2, 3, 4}, outgoing |-> {}, learners |-> {}]
      \\* {1,2,3} -> {1,2,4} in one step: two voters changed without the joint phase.
      CX == [voters |-> {1, 2, 4}, outgoing |-> {}, learners |-> {}]
      Noop == [term |-> 1, value |-> 0]
      E(cf) == [term |-> 1, value |-> 0, config |-> cf]
      AE(to, prev, prevTerm, ents, commit) ==
          [type |-> "AppendEntriesRequest", term |-> 1, from |-> 1, to |-> to, prevLogIndex |-> prev,
           prevLogTerm |-> prevTerm, entries |-> ents, commitIndex |-> commit, readId |-> 0]
      AR(from, ok, match, ct, ci) ==
          [type |-> "AppendEntriesResponse", term |-> 1, from |-> from, to |-> 1, success |-> ok,
           matchIndex |-> match, conflictTerm |-> ct, conflictIndex |-> ci, readId |-> 0]
      Leader(c, n, d, cf) == StC(1, 1, "Leader", c, n, 1, d, 0, cf)
      Line(ev, node, st) == [event |-> ev, node |-> node, state |-> st]
      Msg(ev, node, m, st) == [event |-> ev, node |-> node, msg |-> m, state |-> st]
      \\* Lines 1-9 (Elected): 1 leads term 1 and knows 2 holds its no-op. Line 10 on:
      Good == Elected \\o <<
        Line("AdvanceCommitIndex", 1, Leader(1, 1, 1, C0)),
        \\* 11-17: 4 becomes a learner; the entry is committed by 1 and 2.
        [event |-> "ProposeConfig", node |-> 1, config |-> CL, state |-> Leader(1, 2, 1, CL)],
        Line("PersistLog", 1, Leader(1, 2, 2, CL)),
        Msg("SendAppendEntries", 1, AE(2, 1, 1, << E(CL) >>, 1), Leader(1, 2, 2, CL)),
        Msg("HandleAppendEntriesRequest", 2, AE(2, 1, 1, << E(CL) >>, 1),
            StC(1, 1, "Follower", 1, 2, 1, 1, 0, CL)),
        Line("PersistLog", 2, StC(1, 1, "Follower", 1, 2, 1, 2, 0, CL)),
        Msg("HandleAppendEntriesResponse", 1, AR(2, TRUE, 2, 0, 0), Leader(1, 2, 2, CL)),
        Line("AdvanceCommitIndex", 1, Leader(2, 2, 2, CL)),
        \\* 18-20: the learner's first AppendEntries is rejected (its log is empty): probe from 1.
        Msg("SendAppendEntries", 1, AE(4, 1, 1, << E(CL) >>, 2), Leader(2, 2, 2, CL)),
        [event |-> "HandleAppendEntriesRequest", node |-> 4, msg |-> AE(4, 1, 1, << E(CL) >>, 2),
         reply |-> AR(4, FALSE, 1, 0, 1), state |-> StC(1, 0, "Follower", 0, 0, 0, 0, 0, C0)],
        Msg("HandleAppendEntriesResponse", 1, AR(4, FALSE, 1, 0, 1), Leader(2, 2, 2, CL)),
        \\* 21-26: enter the joint configuration (promote 4); 2 holds it.
        [event |-> "ProposeConfig", node |-> 1, config |-> CJ, state |-> Leader(2, 3, 2, CJ)],
        Line("PersistLog", 1, Leader(2, 3, 3, CJ)),
        Msg("SendAppendEntries", 1, AE(2, 2, 1, << E(CJ) >>, 2), Leader(2, 3, 3, CJ)),
        Msg("HandleAppendEntriesRequest", 2, AE(2, 2, 1, << E(CJ) >>, 2),
            StC(1, 1, "Follower", 2, 3, 1, 2, 0, CJ)),
        Line("PersistLog", 2, StC(1, 1, "Follower", 2, 3, 1, 3, 0, CJ)),
        Msg("HandleAppendEntriesResponse", 1, AR(2, TRUE, 3, 0, 0), Leader(2, 3, 3, CJ)),
        \\* 27-31: 4 gets the whole log; with it the new half has a majority, and the joint entry
        \\* is committed.
        Msg("SendAppendEntries", 1, AE(4, 0, 0, << Noop, E(CL), E(CJ) >>, 2), Leader(2, 3, 3, CJ)),
        Msg("HandleAppendEntriesRequest", 4, AE(4, 0, 0, << Noop, E(CL), E(CJ) >>, 2),
            StC(1, 0, "Follower", 2, 3, 1, 0, 0, CJ)),
        Line("PersistLog", 4, StC(1, 0, "Follower", 2, 3, 1, 3, 0, CJ)),
        Msg("HandleAppendEntriesResponse", 1, AR(4, TRUE, 3, 0, 0), Leader(2, 3, 3, CJ)),
        Line("AdvanceCommitIndex", 1, Leader(3, 3, 3, CJ)),
        \\* 32-42: leave the joint configuration; committed by 1, 4 and 2.
        [event |-> "ProposeConfig", node |-> 1, config |-> CN, state |-> Leader(3, 4, 3, CN)],
        Line("PersistLog", 1, Leader(3, 4, 4, CN)),
        Msg("SendAppendEntries", 1, AE(4, 3, 1, << E(CN) >>, 3), Leader(3, 4, 4, CN)),
        Msg("HandleAppendEntriesRequest", 4, AE(4, 3, 1, << E(CN) >>, 3),
            StC(1, 0, "Follower", 3, 4, 1, 3, 0, CN)),
        Line("PersistLog", 4, StC(1, 0, "Follower", 3, 4, 1, 4, 0, CN)),
        Msg("HandleAppendEntriesResponse", 1, AR(4, TRUE, 4, 0, 0), Leader(3, 4, 4, CN)),
        Msg("SendAppendEntries", 1, AE(2, 3, 1, << E(CN) >>, 3), Leader(3, 4, 4, CN)),
        Msg("HandleAppendEntriesRequest", 2, AE(2, 3, 1, << E(CN) >>, 3),
            StC(1, 1, "Follower", 3, 4, 1, 3, 0, CN)),
        Line("PersistLog", 2, StC(1, 1, "Follower", 3, 4, 1, 4, 0, CN)),
        Msg("HandleAppendEntriesResponse", 1, AR(2, TRUE, 4, 0, 0), Leader(3, 4, 4, CN)),
        Line("AdvanceCommitIndex", 1, Leader(4, 4, 4, CN)) >>
      \\* Good's first n lines, then the line e.
      Then(n, e) == SubSeq(Good, 1, n) \\o << e >>
      \\* Line 11: AppendEntries to 4 while it is no member.
      NotMember == Then(10, Msg("SendAppendEntries", 1, AE(4, 0, 0, << Noop >>, 1), Leader(1, 1, 1, C0)))
      \\* Line 12: the joint configuration proposed while the learner change is uncommitted.
      TwoInFlight == Then(11, [event |-> "ProposeConfig", node |-> 1, config |-> CJ,
                               state |-> Leader(1, 3, 1, CJ)])
      \\* Line 14: the follower holds the learner change but logs the initial configuration.
      ConfigMismatch == Then(13, Msg("HandleAppendEntriesRequest", 2, AE(2, 1, 1, << E(CL) >>, 1),
                                     StC(1, 1, "Follower", 1, 2, 1, 1, 0, C0)))
      \\* Line 21: 3 replaced by the learner 4 directly.
      DirectJump == Then(20, [event |-> "ProposeConfig", node |-> 1, config |-> CX,
                              state |-> Leader(2, 3, 2, CX)])
      \\* Line 27: the joint entry committed by 1 and 2: a majority of {1,2,3}, not of {1,2,3,4}.
      OldQuorumOnly == Then(26, Line("AdvanceCommitIndex", 1, Leader(3, 3, 3, CJ)))
      ====
      """;

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"Good, 0", "NotMember, 11", "TwoInFlight, 12", "ConfigMismatch, 14", "DirectJump, 21",
      "OldQuorumOnly, 27"})
  void membershipEventsAreReplayedAgainstTheSpec(String trace, int failedLine) throws Exception {
    HandTraces.replay(dir, MODULE, trace, failedLine, "{1, 2, 3, 4}", "{1, 2, 3}");
  }
}
