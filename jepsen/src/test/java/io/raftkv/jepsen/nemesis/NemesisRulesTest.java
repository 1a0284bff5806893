package io.raftkv.jepsen.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The nft rules each partition shape generates for a given node set (nothing is run): exact text
 * for a small case, and the shapes' defining properties (who hears whom) for the rest; also which
 * faults a run takes when the machine cannot make partitions.
 */
class NemesisRulesTest {
  private static final List<Integer> THREE = List.of(1, 2, 3);
  private static final List<Integer> FIVE = List.of(1, 2, 3, 4, 5);

  @Test
  void isolatingNodeTwoOfThreeDropsItsPeerTrafficBothWays() {
    String script = new Nftables(7001).script(Grudge.isolate(THREE, 2));
    String expected = """
        table inet raftkv_jepsen
        delete table inet raftkv_jepsen
        table inet raftkv_jepsen {
          chain input {
            type filter hook input priority 0; policy accept;
            ip saddr 127.0.0.2 ip daddr 127.0.0.1 tcp dport 7001 drop
            ip saddr 127.0.0.2 ip daddr 127.0.0.1 tcp sport 7001 drop
            ip saddr 127.0.0.1 ip daddr 127.0.0.2 tcp dport 7001 drop
            ip saddr 127.0.0.1 ip daddr 127.0.0.2 tcp sport 7001 drop
            ip saddr 127.0.0.3 ip daddr 127.0.0.2 tcp dport 7001 drop
            ip saddr 127.0.0.3 ip daddr 127.0.0.2 tcp sport 7001 drop
            ip saddr 127.0.0.2 ip daddr 127.0.0.3 tcp dport 7001 drop
            ip saddr 127.0.0.2 ip daddr 127.0.0.3 tcp sport 7001 drop
          }
        }
        """;
    assertEquals(expected, script);
    assertEquals("table inet raftkv_jepsen\ndelete table inet raftkv_jepsen\n", Nftables.healScript());
  }

  @Test
  void halvesCutEveryLinkBetweenTheHalvesAndNoneInside() {
    for (long seed = 0; seed < 20; seed++) {
      Grudge grudge = Grudge.halves(FIVE, new SplittableRandom(seed));
      Set<Integer> minority = grudge.drops().keySet().stream().filter(n -> grudge.drops().get(n).size() == 3)
          .collect(java.util.stream.Collectors.toSet());
      assertEquals(2, minority.size(), grudge.describe());
      for (int node : FIVE) {
        Set<Integer> expected = new TreeSet<>(minority.contains(node) ? difference(FIVE, minority) : minority);
        assertEquals(expected, grudge.drops().get(node), grudge.describe());
      }
      assertEquals(grudge, Grudge.halves(FIVE, new SplittableRandom(seed)), "same seed, same cut");
    }
  }

  @Test
  void majoritiesRingGivesEveryNodeADifferentMajority() {
    Grudge grudge = Grudge.majoritiesRing(FIVE, new SplittableRandom(3));
    Set<Set<Integer>> seen = new HashSet<>();
    for (int node : FIVE) {
      Set<Integer> hears = difference(FIVE, grudge.drops().get(node));
      assertEquals(3, hears.size(), "node " + node + " hears a bare majority, itself included");
      assertTrue(seen.add(hears), "two nodes see the same majority: " + grudge.describe());
      for (int other : grudge.drops().get(node)) {
        assertTrue(grudge.drops().get(other).contains(node), "links are cut both ways");
      }
    }
    assertThrows(IllegalArgumentException.class, () -> Grudge.majoritiesRing(THREE, new SplittableRandom(1)));
  }

  @Test
  void bridgeNodeHearsBothHalvesWhichCannotHearEachOther() {
    Grudge grudge = Grudge.bridge(FIVE, new SplittableRandom(8));
    List<Integer> bridges = FIVE.stream().filter(n -> !grudge.drops().containsKey(n)).toList();
    assertEquals(1, bridges.size(), grudge.describe());
    for (int node : FIVE) {
      if (node != bridges.get(0)) {
        assertEquals(2, grudge.drops().get(node).size(), grudge.describe());
        assertTrue(!grudge.drops().get(node).contains(bridges.get(0)));
      }
    }
    String script = new Nftables(9000).script(grudge);
    assertEquals(4 * 2 * 2, script.lines().filter(line -> line.endsWith(" drop")).count());
    assertTrue(!script.contains("ip daddr 127.0.0." + bridges.get(0) + " "), "nothing to the bridge is dropped");
  }

  @Test
  void withoutPartitionsTheDefaultLeavesThemOutAndAnExplicitAskIsRefused() {
    Optional<String> noNft = Optional.of("nft is not installed");
    FaultPlan plan = FaultPlan.resolve(null, 3, noNft, true);
    assertEquals(List.of(FaultKind.KILL, FaultKind.PAUSE, FaultKind.TRANSFER, FaultKind.TRUNCATE, FaultKind.BITFLIP),
        plan.kinds());
    assertEquals(6, plan.leftOut().size());
    assertTrue(plan.leftOut().get(0).startsWith("membership: not in the default set"), plan.leftOut().toString());
    assertTrue(plan.leftOut().get(1).contains("nft is not installed"), plan.leftOut().toString());
    assertEquals(List.of(FaultKind.MEMBERSHIP, FaultKind.KILL), FaultPlan.resolve("membership,kill", 3, noNft, true)
        .kinds());
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> FaultPlan.resolve("kill,partition", 3, noNft, true));
    assertTrue(refused.getMessage().contains("nft is not installed"), refused.getMessage());
    FaultPlan threeNodes = FaultPlan.resolve("partition", 3, Optional.empty(), true);
    assertTrue(!threeNodes.kinds().contains(FaultKind.PARTITION_RING));
    assertTrue(threeNodes.leftOut().get(0).startsWith("partition-ring"), threeNodes.leftOut().toString());
    assertEquals(1, threeNodes.leftOut().size(), "named faults leave out only what the machine rules out");
    assertThrows(IllegalArgumentException.class, () -> FaultPlan.resolve("partition-ring", 3, Optional.empty(),
        true));
    assertThrows(IllegalArgumentException.class, () -> FaultKind.parse("kil"));
  }

  private static Set<Integer> difference(List<Integer> all, Set<Integer> minus) {
    Set<Integer> rest = new TreeSet<>(all);
    rest.removeAll(minus);
    return rest;
  }
}
