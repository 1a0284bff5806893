package io.raftkv.jepsen.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.jepsen.nemesis.MembershipPlan.Last;
import io.raftkv.jepsen.nemesis.MembershipPlan.Step;
import io.raftkv.jepsen.nemesis.MembershipPlan.View;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The membership nemesis's choices, with no server: given the configuration a leader reports, the
 * next change must be one the leader can take (no second change while one is unsettled; an add
 * only of a non-member, a remove only of a voter, never below the run's voters), leave nodes held
 * by other faults alone, and over a long walk it must both add and remove, remove the leader
 * sometimes and other voters other times, and bring removed servers back. The walk applies each
 * chosen change to the configuration as the cluster would once it commits.
 */
class MembershipPlanTest {
  private static final List<Integer> SERVERS = List.of(1, 2, 3, 4, 5);

  private static View settled(Set<Integer> voters, Set<Integer> learners, int leader) {
    return new View(voters, Set.of(), learners, true, leader);
  }

  @Test
  void anUnsettledConfigurationIsLeftToSettle() {
    View joint = new View(Set.of(1, 2, 3, 4), Set.of(1, 2, 3), Set.of(), true, 1);
    assertInstanceOf(Step.Wait.class, MembershipPlan.next(joint, SERVERS, 3, Set.of(), Last.NONE,
        new SplittableRandom(1)));
    View uncommitted = new View(Set.of(1, 2, 3), Set.of(), Set.of(4), false, 1);
    assertInstanceOf(Step.Wait.class, MembershipPlan.next(uncommitted, SERVERS, 3, Set.of(), Last.NONE,
        new SplittableRandom(1)));
  }

  @Test
  void atTheMinimumOnlyAddsAndALearnerLeftBehindIsPromotedFirst() {
    for (long seed = 0; seed < 50; seed++) {
      Step step = MembershipPlan.next(settled(Set.of(1, 2, 3), Set.of(), 2), SERVERS, 3, Set.of(), Last.ADD,
          new SplittableRandom(seed));
      Step.Add add = assertInstanceOf(Step.Add.class, step, "3 voters of at least 3: only an add");
      assertTrue(add.node() == 4 || add.node() == 5, step.toString());
    }
    Step step = MembershipPlan.next(settled(Set.of(1, 2, 3, 4), Set.of(5), 2), SERVERS, 3, Set.of(), Last.ADD,
        new SplittableRandom(3));
    assertEquals(new Step.Promote(5), step);
  }

  @Test
  void withNoSpareOnlyRemovesAndNothingWhenNeitherIsPossible() {
    Step step = MembershipPlan.next(settled(Set.of(1, 2, 3, 4, 5), Set.of(), 2), SERVERS, 3, Set.of(), Last.REMOVE,
        new SplittableRandom(7));
    assertInstanceOf(Step.Remove.class, step);
    Step none = MembershipPlan.next(settled(Set.of(1, 2, 3), Set.of(), 1), List.of(1, 2, 3), 3, Set.of(),
        Last.NONE, new SplittableRandom(7));
    assertInstanceOf(Step.Wait.class, none);
  }

  @Test
  void heldNodesAreNeitherAddedNorRemoved() {
    for (long seed = 0; seed < 50; seed++) {
      Step step = MembershipPlan.next(settled(Set.of(1, 2, 3, 4), Set.of(), 1), SERVERS, 3, Set.of(1, 3, 5),
          Last.ADD, new SplittableRandom(seed));
      Step.Remove remove = assertInstanceOf(Step.Remove.class, step);
      assertTrue(remove.node() == 2 || remove.node() == 4, step.toString());
      assertFalse(remove.leader(), "the leader, node 1, is held");
    }
    Step nothing = MembershipPlan.next(settled(Set.of(1, 2, 3), Set.of(), 1), SERVERS, 3, Set.of(4, 5), Last.REMOVE,
        new SplittableRandom(1));
    assertInstanceOf(Step.Wait.class, nothing, "both spares held, no voter above the minimum");
  }

  @Test
  void aLongWalkKeepsTheMinimumAndChurnsEveryKindOfServer() {
    for (long seed = 0; seed < 20; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      SplittableRandom faults = new SplittableRandom(seed + 1000);
      Set<Integer> voters = new TreeSet<>(Set.of(1, 2, 3));
      int leader = 1;
      Last last = Last.NONE;
      Set<Integer> removed = new HashSet<>();
      int leaderRemovals = 0;
      int otherRemovals = 0;
      int readds = 0;
      for (int change = 0; change < 60; change++) {
        Set<Integer> held = faults.nextInt(4) == 0 ? Set.of(1 + faults.nextInt(5)) : Set.of();
        Step step = MembershipPlan.next(settled(voters, Set.of(), leader), SERVERS, 3, held, last, random);
        switch (step) {
          case Step.Add add -> {
            assertFalse(voters.contains(add.node()), "adds only a non-member: " + step + " to " + voters);
            assertFalse(held.contains(add.node()));
            readds += removed.contains(add.node()) ? 1 : 0;
            voters.add(add.node());
            last = Last.ADD;
          }
          case Step.Remove remove -> {
            assertTrue(voters.contains(remove.node()), "removes only a voter: " + step + " from " + voters);
            assertFalse(held.contains(remove.node()));
            assertEquals(remove.node() == leader, remove.leader());
            voters.remove(remove.node());
            removed.add(remove.node());
            if (remove.leader()) {
              leaderRemovals++;
              leader = new TreeSet<>(voters).first(); // the remaining voters elect one of theirs
            } else {
              otherRemovals++;
            }
            last = Last.REMOVE;
          }
          case Step.Promote promote -> throw new AssertionError("no learner was left: " + promote);
          case Step.Wait wait -> { }
        }
        assertTrue(voters.size() >= 3, "never below the run's 3 voters: " + voters);
        assertTrue(voters.size() <= 5);
      }
      assertTrue(leaderRemovals > 0 && otherRemovals > 0, "seed " + seed + ": leader removed " + leaderRemovals
          + ", others " + otherRemovals);
      assertTrue(readds > 0, "seed " + seed + ": a removed server is added back");
    }
  }
}
