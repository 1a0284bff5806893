package io.raftkv.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Entry;
import io.raftkv.core.NodeState;
import io.raftkv.core.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves the simulator's checkers have teeth without a buggy core: each test feeds the checker a
 * small hand-made history that breaks exactly one property (and a legal one that breaks none), and
 * asserts which violation, if any, is reported.
 */
class SafetyCheckerTest {

  private final SafetyChecker checker = new SafetyChecker(3, () -> "test");

  private static Entry command(long index, long term, long id) {
    return Entry.command(index, term, Workload.encode(id));
  }

  private static SimDisk disk(Entry... entries) {
    SimDisk disk = new SimDisk();
    disk.write(List.of(entries));
    return disk;
  }

  private static NodeState state(long term, Role role, long commit) {
    return new NodeState(term, 0, role, commit, 0, 0);
  }

  private String onlyViolation() {
    assertEquals(1, checker.violations().size(), () -> "violations: " + checker.violations());
    return checker.violations().get(0);
  }

  @Test
  void legalHistoryPasses() {
    SimDisk one = disk(Entry.noop(1, 1), command(2, 1, 7));
    SimDisk two = disk(Entry.noop(1, 1), command(2, 1, 7), Entry.noop(3, 2));
    checker.onState(1, state(1, Role.LEADER, 0));
    checker.onLogWritten(1, one, 1, 0);
    checker.onCommit(1, one, 2, 1);
    checker.onApply(1, one.entry(1));
    checker.onApply(1, one.entry(2));
    checker.onAcknowledged(7, 2);
    checker.onLogWritten(2, two, 1, 0);
    checker.onState(2, state(2, Role.LEADER, 2));
    checker.onLeader(2, 2, two);
    checker.onCommit(2, two, 3, 2);
    assertEquals(List.of(), checker.violations());
  }

  @Test
  void twoLeadersInOneTermBreakElectionSafety() {
    checker.onState(1, state(3, Role.LEADER, 0));
    checker.onState(2, state(3, Role.LEADER, 0));
    assertTrue(onlyViolation().startsWith("ElectionSafety"));
  }

  @Test
  void sameIndexAndTermWithDifferentPrefixesBreakLogMatching() {
    checker.onLogWritten(1, disk(command(1, 1, 1), command(2, 2, 2)), 1, 0);
    checker.onLogWritten(2, disk(command(1, 1, 9), command(2, 2, 2)), 1, 0);
    assertTrue(onlyViolation().startsWith("LogMatching"));
  }

  @Test
  void differentCommittedEntriesBreakStateMachineSafety() {
    SimDisk one = disk(command(1, 1, 1));
    SimDisk two = disk(command(1, 2, 2));
    checker.onCommit(1, one, 1, 1);
    checker.onCommit(2, two, 1, 2);
    assertTrue(onlyViolation().startsWith("StateMachineSafety"));
  }

  @Test
  void overwritingACommittedEntryBreaksStateMachineSafety() {
    SimDisk one = disk(command(1, 1, 1), command(2, 1, 2));
    checker.onCommit(1, one, 2, 1);
    long changed = one.write(List.of(command(2, 3, 5)));
    checker.onLogWritten(1, one, changed, 2);
    assertTrue(onlyViolation().startsWith("StateMachineSafety"));
  }

  @Test
  void aLeaderMissingAnEarlierCommittedEntryBreaksLeaderCompleteness() {
    checker.onCommit(1, disk(command(1, 1, 1), command(2, 1, 2)), 2, 1);
    checker.onLeader(2, 2, disk(command(1, 1, 1)));
    assertTrue(onlyViolation().startsWith("LeaderCompleteness"));
  }

  @Test
  void aStaleLeaderNeedNotHoldEntriesCommittedInLaterTerms() {
    checker.onCommit(1, disk(command(1, 3, 1)), 1, 3);
    checker.onLeader(2, 2, disk());
    assertEquals(List.of(), checker.violations());
  }

  @Test
  void aShrinkingCommitIndexIsCaught() {
    checker.onState(1, state(1, Role.FOLLOWER, 4));
    checker.onState(1, state(1, Role.FOLLOWER, 3));
    assertTrue(onlyViolation().startsWith("CommitIndexMonotonic"));
  }

  @Test
  void anAcknowledgementOfAnotherEntryIsALostCommand() {
    checker.onCommit(1, disk(command(1, 1, 1)), 1, 1);
    checker.onAcknowledged(2, 1);
    assertTrue(onlyViolation().startsWith("AcknowledgedCommandLost"));
  }
}
