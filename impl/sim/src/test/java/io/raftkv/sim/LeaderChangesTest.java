package io.raftkv.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Proves each liveness bound has teeth without a buggy core: small hand-made histories of one
 * leader change (who campaigned in which term, who was elected when) are fed to {@link
 * LeaderChanges}, and the test asserts which bound, if any, breaks. The bounds' values and the
 * reasons for them are in {@link LeaderChanges}; the whole-cluster runs are in SimulationTest.
 */
class LeaderChangesTest {

  private static final int TIMEOUT_TICKS = 20;
  private static final long TIMEOUT_UNITS = TIMEOUT_TICKS * Simulation.TICK_UNITS;

  private final LeaderChanges changes = new LeaderChanges(TIMEOUT_TICKS);
  /** Who leads in which term, as the simulation would answer. */
  private final Map<Integer, Long> leading = new HashMap<>();

  private String check(long now) {
    return changes.check(now, (node, term) -> leading.getOrDefault(node, -1L) == term);
  }

  private void elect(int node, long term, long now) {
    leading.clear();
    leading.put(node, term);
    changes.elected(node, term, now);
  }

  /** Runs the clock to {@code until} in steps of a tick; returns the first broken bound, or null. */
  private String runUntil(long from, long until) {
    for (long now = from; now <= until; now += Simulation.TICK_UNITS) {
      String broken = check(now);
      if (broken != null) {
        return broken;
      }
    }
    return null;
  }

  @Test
  void aFailoverWithOneElectionSettlesAndIsRecorded() {
    changes.begin("after failover 1", true, 0, 0, 0);
    changes.campaigned(5);
    elect(2, 5, 15 * Simulation.TICK_UNITS);
    assertNull(runUntil(0, 15 * Simulation.TICK_UNITS + 2 * TIMEOUT_UNITS));
    assertTrue(changes.settled());
    assertEquals(
        List.of(new SimulationResult.LeaderChange(true, 1, 1, 15, TIMEOUT_TICKS)),
        changes.settledChanges());
  }

  @Test
  void aLeaderThatKeepsItsOfficeAtTheHealSettlesAtOnce() {
    leading.put(3, 7L);
    changes.begin("after the heal", false, 0, 3, 7);
    assertNull(runUntil(0, 2 * TIMEOUT_UNITS));
    assertEquals(
        List.of(new SimulationResult.LeaderChange(false, 0, 0, 0, TIMEOUT_TICKS)),
        changes.settledChanges());
  }

  @Test
  void aSecondLeaderAfterAFailoverIsCaught() {
    // The new leader of term 5 is deposed by a voter that campaigns in term 6 soon after.
    changes.begin("after failover 1", true, 0, 0, 0);
    changes.campaigned(5);
    elect(2, 5, 100);
    assertNull(check(110));
    changes.campaigned(6);
    leading.clear();
    assertNull(check(120));
    elect(3, 6, 130);
    String broken = check(130);
    assertNotNull(broken);
    assertTrue(broken.startsWith("2 leaders elected (bound 1)"), broken);
  }

  @Test
  void theHealMayElectTwoLeaders() {
    // A node that rejoins with a higher term may depose a leader just elected.
    changes.begin("after the heal", false, 0, 0, 0);
    changes.campaigned(5);
    elect(2, 5, 100);
    changes.campaigned(9);
    elect(1, 10, 300);
    assertNull(runUntil(300, 300 + 2 * TIMEOUT_UNITS));
    assertTrue(changes.settled());
  }

  @Test
  void tooManyElectionsAreCaught() {
    changes.begin("after failover 2", true, 0, 0, 0);
    for (long term = 5; term < 5 + LeaderChanges.AFTER_FAILOVER.elections(); term++) {
      changes.campaigned(term);
      assertNull(check(term));
    }
    changes.campaigned(5); // candidates of one term are one election
    assertNull(check(20));
    changes.campaigned(100);
    String broken = check(30);
    assertNotNull(broken);
    assertTrue(broken.startsWith("7 elections (bound 6)"), broken);
  }

  @Test
  void noLeaderWithinTheBoundIsCaught() {
    changes.begin("after failover 1", true, 0, 0, 0);
    long bound = LeaderChanges.AFTER_FAILOVER.electionTimeouts() * TIMEOUT_UNITS;
    assertNull(runUntil(0, bound));
    String broken = check(bound + 1);
    assertNotNull(broken);
    assertTrue(broken.startsWith("no leader in office within 5 election timeouts"), broken);
  }

  @Test
  void aLeaderElectedLateIsCaughtToo() {
    changes.begin("after failover 1", true, 0, 0, 0);
    long bound = LeaderChanges.AFTER_FAILOVER.electionTimeouts() * TIMEOUT_UNITS;
    elect(2, 5, bound + 5);
    String broken = check(bound + 5);
    assertNotNull(broken);
    assertTrue(broken.startsWith("no leader in office within"), broken);
  }
}
