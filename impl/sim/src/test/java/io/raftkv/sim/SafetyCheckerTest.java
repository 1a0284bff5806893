package io.raftkv.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Entry;
import io.raftkv.core.HardState;
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

  private static LogMirror disk(Entry... entries) {
    LogMirror disk = new LogMirror();
    disk.write(List.of(entries));
    return disk;
  }

  private static NodeState state(long term, Role role, long commit) {
    return new NodeState(term, 0, role, commit, commit, 0, commit);
  }

  private String onlyViolation() {
    assertEquals(1, checker.violations().size(), () -> "violations: " + checker.violations());
    return checker.violations().get(0);
  }

  @Test
  void legalHistoryPasses() {
    LogMirror one = disk(Entry.noop(1, 1), command(2, 1, 7));
    LogMirror two = disk(Entry.noop(1, 1), command(2, 1, 7), Entry.noop(3, 2));
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
    LogMirror one = disk(command(1, 1, 1));
    LogMirror two = disk(command(1, 2, 2));
    checker.onCommit(1, one, 1, 1);
    checker.onCommit(2, two, 1, 2);
    assertTrue(onlyViolation().startsWith("StateMachineSafety"));
  }

  @Test
  void overwritingACommittedEntryBreaksStateMachineSafety() {
    LogMirror one = disk(command(1, 1, 1), command(2, 1, 2));
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

  @Test
  void aRestartMayLowerTheCommitIndexToWhatTheDiskKept() {
    checker.onState(1, state(2, Role.FOLLOWER, 5));
    checker.onRestart(1, new NodeState(2, 0, Role.FOLLOWER, 3, 4, 2, 4));
    checker.onState(1, state(2, Role.FOLLOWER, 3));
    assertEquals(List.of(), checker.violations());
  }

  @Test
  void aRestartBeyondTheEarlierCommitIndexIsCaught() {
    checker.onState(1, state(2, Role.FOLLOWER, 3));
    checker.onRestart(1, new NodeState(2, 0, Role.FOLLOWER, 4, 4, 2, 4));
    assertTrue(onlyViolation().startsWith("CommitIndexMonotonic"));
  }

  private static LogMirror written(long term, long vote, long commit, Entry... entries) {
    return LogMirror.of(new HardState(term, (int) vote, commit), List.of(entries));
  }

  @Test
  void recoveringADurablePrefixPasses() {
    LogMirror before = written(2, 1, 1, command(1, 1, 1), command(2, 2, 2), command(3, 2, 3));
    LogMirror after = written(2, 1, 1, command(1, 1, 1), command(2, 2, 2));
    checker.onRecovered(1, before, 2, 2, 1, false, after);
    assertEquals(List.of(), checker.violations());
  }

  @Test
  void losingAnEntryReportedDurableIsCaught() {
    LogMirror before = written(2, 1, 1, command(1, 1, 1), command(2, 2, 2), command(3, 2, 3));
    LogMirror after = written(2, 1, 1, command(1, 1, 1));
    checker.onRecovered(1, before, 2, 2, 1, false, after);
    assertTrue(onlyViolation().startsWith("DurableRecordLost"));
  }

  @Test
  void recoveringOtherContentThanReportedDurableIsCaught() {
    LogMirror before = written(2, 1, 1, command(1, 1, 1), command(2, 2, 2));
    LogMirror after = written(2, 1, 1, command(1, 1, 1), command(2, 2, 9));
    checker.onRecovered(1, before, 2, 2, 1, false, after);
    assertTrue(onlyViolation().startsWith("DurableRecordLost"));
  }

  @Test
  void recoveringEntriesNeverWrittenIsCaught() {
    LogMirror before = written(2, 1, 1, command(1, 1, 1));
    LogMirror after = written(2, 1, 1, command(1, 1, 1), command(2, 2, 7));
    checker.onRecovered(1, before, 1, 2, 1, false, after);
    assertTrue(onlyViolation().startsWith("RecoveredLogNotAPrefix"));
  }

  @Test
  void losingASyncedVoteIsCaught() {
    LogMirror before = written(3, 2, 0, command(1, 1, 1));
    LogMirror after = written(3, 0, 0, command(1, 1, 1));
    checker.onRecovered(1, before, 1, 3, 2, false, after);
    assertTrue(onlyViolation().startsWith("HardStateLost"));
  }

  @Test
  void afterAFailedWriteOnlyWhatWasSyncedIsOwed() {
    // The node overwrote entry 2 and moved to term 4 with a sync write that failed (a full disk):
    // the disk still holds the old entry 2 and term 3, which is what it had synced.
    LogMirror before = written(4, 0, 1, command(1, 1, 1), command(2, 4, 5));
    LogMirror after = written(3, 2, 1, command(1, 1, 1), command(2, 2, 2));
    checker.onRecovered(1, before, 1, 3, 2, true, after);
    assertEquals(List.of(), checker.violations());
  }

  /** The simulated state machine after applying {@code entries} in order. */
  private static SimStateMachine applied(Entry... entries) {
    SimStateMachine machine = new SimStateMachine();
    for (Entry entry : entries) {
      machine.apply(entry);
    }
    return machine;
  }

  private static final Entry[] COMMITTED = {
    command(1, 1, 1), command(2, 1, 2), command(3, 2, 3), command(4, 2, 4)
  };

  @Test
  void aSnapshotOfTheCommittedPrefixPassesAndALogStartingFromItIsChecked() {
    checker.onCommit(1, disk(COMMITTED), 4, 2);
    SimStateMachine content = applied(COMMITTED[0], COMMITTED[1], COMMITTED[2]);
    assertTrue(checker.checkSnapshot(2, 3, 2, content, "installed"));
    LogMirror based =
        LogMirror.of(new HardState(2, 0, 3), 3, 2, content.hash, List.of(COMMITTED[3]));
    assertEquals(3, based.base());
    assertEquals(checker.hashAt(disk(COMMITTED), 2), checker.hashAt(based, 2));
    checker.onCommit(2, based, 4, 2);
    checker.onLeader(2, 3, based);
    checker.checkStateMachine(2, content, "restored");
    assertEquals(List.of(), checker.violations());
  }

  @Test
  void aSnapshotOfAnotherPrefixIsCaught() {
    checker.onCommit(1, disk(COMMITTED), 4, 2);
    SimStateMachine other = applied(COMMITTED[0], command(2, 1, 9), COMMITTED[2]);
    assertTrue(!checker.checkSnapshot(2, 3, 2, other, "installed"));
    assertTrue(onlyViolation().startsWith("SnapshotContent"), onlyViolation());
  }

  @Test
  void aSnapshotBeyondTheCommittedLogIsCaught() {
    checker.onCommit(1, disk(COMMITTED), 2, 1);
    assertTrue(!checker.checkSnapshot(2, 3, 2, applied(COMMITTED[0], COMMITTED[1], COMMITTED[2]),
        "saved"));
    assertTrue(onlyViolation().startsWith("SnapshotContent"), onlyViolation());
  }

  @Test
  void aSnapshotWithTheRightHashButAnotherTableIsCaught() {
    checker.onCommit(1, disk(COMMITTED), 4, 2);
    SimStateMachine content = applied(COMMITTED[0], COMMITTED[1], COMMITTED[2]);
    content.table[2] = 99;
    checker.checkSnapshot(2, 3, 2, content, "saved");
    assertTrue(onlyViolation().startsWith("SnapshotContent"), onlyViolation());
  }

  @Test
  void aStateMachineRestoredToAnOlderOrOtherStateIsCaught() {
    checker.onCommit(1, disk(COMMITTED), 4, 2);
    checker.checkStateMachine(2, applied(COMMITTED[0], command(2, 1, 9)), "restored");
    assertTrue(onlyViolation().startsWith("StateMachineSafety"), onlyViolation());
  }

  @Test
  void entriesAfterASnapshotThatDifferFromTheCommittedOnesAreCaught() {
    checker.onCommit(1, disk(COMMITTED), 4, 2);
    SimStateMachine content = applied(COMMITTED[0], COMMITTED[1]);
    LogMirror based =
        LogMirror.of(new HardState(2, 0, 2), 2, 1, content.hash, List.of(command(3, 2, 7)));
    checker.onCommit(2, based, 3, 2);
    assertTrue(onlyViolation().startsWith("StateMachineSafety"), onlyViolation());
  }

  @Test
  void aSnapshotRoundTripsThroughItsBytes() {
    SimStateMachine content = applied(COMMITTED);
    SimStateMachine decoded = SimStateMachine.decode(content.snapshot());
    assertEquals(content.toString(), decoded.toString());
    assertEquals(null, SimStateMachine.decode(new byte[3]));
  }
}
