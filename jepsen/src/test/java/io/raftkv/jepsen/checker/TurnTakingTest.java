package io.raftkv.jepsen.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.HistoryReader;
import io.raftkv.jepsen.history.Op;
import io.raftkv.jepsen.history.OpType;
import io.raftkv.jepsen.model.Model;
import io.raftkv.jepsen.model.Models;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Keys whose searches are exponential must not hold back a key that fails fast.
 *
 * <p>Method: first, a search stopped after every few steps and resumed must end as if run
 * straight (same verdict, steps and configurations), on simulated histories good and corrupted.
 * Then {@code histories/hard-keys-one-bad.edn}: six keys that each take billions of steps to
 * refute, followed by one key refuted in a few. That a hard key is hard is shown by letting one
 * search a million steps without a verdict; that the bad key is not held back, by the check's
 * step count (deterministic on one thread, unlike its time) staying under the bound {@link
 * TurnTaking} promises: with P partitions and a failing one that needs S steps alone, fewer than
 * P (2S + first turn) in all. The same file split into one history per key exercises {@link
 * LinearizabilityChecker#checkEach}; hard keys alone, under a small memory bound, show that the
 * bound holds for the searches together and that each gives its share back.
 */
class TurnTakingTest {
  private static final Model KV = Models.create("kv", null, false, false);
  private static final CheckOptions ONE_THREAD = CheckOptions.defaults().withThreads(1)
      .withTimeout(Duration.ofSeconds(30));

  private static History hardKeysOneBad() throws Exception {
    Path path = Path.of(TurnTakingTest.class.getResource("/histories/hard-keys-one-bad.edn").toURI());
    return HistoryReader.read(path);
  }

  private static Map<Object, List<PairedOp>> byKey(History history) throws Exception {
    return LinearizabilityChecker.partition(Pairing.pair(history, KV, false), KV, true);
  }

  private static Budget budget(long bytes) {
    return new Budget(System.nanoTime() + Duration.ofSeconds(30).toNanos(), bytes);
  }

  @Test
  void aKeyThatFailsFastIsNotHeldBackByHardKeys() throws Exception {
    History history = hardKeysOneBad();
    Map<Object, List<PairedOp>> keys = byKey(history);
    assertEquals(7, keys.size());
    WglSearch hard = new WglSearch(KV.partitionModel(), keys.get("hard-0"), budget(1L << 30));
    assertNull(hard.resume(1_000_000), "a hard key is still undecided after a million steps");
    WglSearch bad = new WglSearch(KV.partitionModel(), keys.get("bad"), budget(1L << 30));
    SearchResult badResult = bad.run(false);
    assertEquals(Verdict.NOT_LINEARIZABLE, badResult.verdict());
    long badSteps = bad.steps();
    assertTrue(badSteps > 0 && badSteps < TurnTaking.FIRST_TURN_STEPS, "the bad key is easy: " + badSteps);

    CheckResult result = LinearizabilityChecker.check(history, KV, ONE_THREAD);
    assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
    assertNotNull(result.anomaly());
    assertEquals("bad", result.anomaly().partition());
    long bound = keys.size() * (2 * badSteps + TurnTaking.FIRST_TURN_STEPS);
    assertTrue(result.steps() < bound, result.steps() + " steps in all, bound " + bound);
    assertEquals(6 * TurnTaking.FIRST_TURN_STEPS + badSteps, result.steps(),
        "each hard key had one turn before the bad key was decided in its first");
    assertEquals(result.steps(), LinearizabilityChecker.check(history, KV, ONE_THREAD).steps(),
        "on one thread the count does not vary");
    WglSearch oneTurn = new WglSearch(KV.partitionModel(), keys.get("hard-0"), budget(1L << 30));
    assertNull(oneTurn.resume(TurnTaking.FIRST_TURN_STEPS));
    assertEquals(6 * oneTurn.configurations() + badResult.configurations(), result.configurations(),
        "the configurations of the searches stopped after one turn count too (the six hard keys are alike)");
  }

  @Test
  void aSearchStoppedAfterEveryFewStepsEndsAsOneRunStraight() throws Exception {
    Model register = Models.create("cas-register", null, false, false);
    for (long seed = 0; seed < 20; seed++) {
      History history = seed % 2 == 0 ? Simulation.casRegister(seed, 4, 80)
          : Simulation.corrupt(Simulation.casRegister(seed, 4, 80), seed);
      List<PairedOp> ops = Pairing.pair(history, register, false);
      WglSearch straight = new WglSearch(register, ops, budget(1L << 30));
      SearchResult expected = straight.run(false);
      WglSearch inTurns = new WglSearch(register, ops, budget(1L << 30));
      SearchResult result = null;
      int turns = 0;
      while (result == null) {
        result = inTurns.resume(1 + seed % 5);
        turns++;
      }
      assertEquals(expected.verdict(), result.verdict(), "seed " + seed);
      assertEquals(straight.steps(), inTurns.steps(), "seed " + seed);
      assertEquals(expected.configurations(), result.configurations(), "seed " + seed);
      assertTrue(turns >= straight.steps() / (1 + seed % 5), "seed " + seed + ": it stopped " + turns + " times");
    }
  }

  @Test
  void severalThreadsTakeTurnsToo() throws Exception {
    Map<Object, List<PairedOp>> keys = byKey(hardKeysOneBad());
    List<List<PairedOp>> parts = new ArrayList<>(keys.values());
    List<Integer> order = List.of(0, 1, 2, 3, 4, 5, 6);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      SearchResult[] results = new TurnTaking(KV.partitionModel(), parts, order, budget(1L << 30)).run(2, pool);
      assertEquals(Verdict.NOT_LINEARIZABLE, results[6].verdict());
      for (int i = 0; i < 6; i++) {
        assertEquals(Verdict.UNKNOWN, results[i].verdict());
        assertTrue(results[i].reason().startsWith("cancelled"), results[i].reason());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void historiesOfOneKeyEachAreCheckedTogether() throws Exception {
    Map<Object, List<Op>> opsByKey = new LinkedHashMap<>();
    for (Op op : hardKeysOneBad().ops()) {
      List<Op> ops = opsByKey.computeIfAbsent(op.key(), k -> new ArrayList<>());
      ops.add(op.withIndex(ops.size()));
    }
    List<History> histories = new ArrayList<>();
    histories.add(new HistoryBuilder().add(0, OpType.INVOKE, "put", "good", "z").add(0, OpType.OK, "put", "good", "z")
        .build());
    opsByKey.forEach((key, ops) -> histories.add(new History("key " + key, ops)));

    List<CheckResult> results = LinearizabilityChecker.checkEach(histories, KV, ONE_THREAD);
    assertEquals(8, results.size());
    assertEquals(Verdict.LINEARIZABLE, results.get(0).verdict(), "decided in its first turn");
    for (int i = 1; i <= 6; i++) {
      assertEquals(Verdict.UNKNOWN, results.get(i).verdict());
      assertEquals("cancelled: another history is not linearizable", results.get(i).reason());
    }
    assertEquals(Verdict.NOT_LINEARIZABLE, results.get(7).verdict());
    assertEquals("bad", results.get(7).anomaly().partition());
  }

  @Test
  void theMemoryBoundHoldsForTheSearchesTogether() throws Exception {
    Map<Object, List<PairedOp>> keys = byKey(hardKeysOneBad());
    keys.remove("bad");
    List<List<PairedOp>> parts = new ArrayList<>(keys.values());
    Budget budget = budget(4L << 20);
    SearchResult[] results = new TurnTaking(KV.partitionModel(), parts, List.of(0, 1, 2, 3, 4, 5), budget)
        .run(1, null);
    long together = 0;
    for (SearchResult result : results) {
      assertEquals(Verdict.UNKNOWN, result.verdict());
      assertTrue(result.reason().contains("memory bound of 4 MiB"), result.reason());
      together += result.configurations();
    }
    assertEquals(0, budget.reservedBytes(), "each search gives its memory back with its verdict");
    SearchResult alone = new WglSearch(KV.partitionModel(), parts.get(0), budget(4L << 20)).run(false);
    assertTrue(together < 4 * alone.configurations(), together + " configurations cached by the six, "
        + alone.configurations() + " by one alone: a bound per search would have let the six cache six times as much");
  }
}
