package io.raftkv.jepsen.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.model.Model;
import io.raftkv.jepsen.model.Models;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Pruning configurations dominated by one that used fewer unknown-outcome ops changes no verdict,
 * on histories too big for the brute-force checker.
 *
 * <p>Method: random histories of 10 to 24 ops (a fifth of them crashed; random outputs make most
 * of them not linearizable) and simulated cas-register histories of up to 40 ops (linearizable,
 * or with one impossible observation) are searched twice by {@link WglSearch}: with the dominance
 * pruning and with plain equality of configurations (Lowe's original cache). The verdicts must
 * agree.
 */
class DominanceProperties {
  @Property(tries = 400)
  void casRegister(@ForAll long seed, @ForAll @IntRange(min = 10, max = 24) int invocations) throws Exception {
    agree(Models.create("cas-register", null, false, false), seed, invocations, "cas-register");
  }

  @Property(tries = 300)
  void kv(@ForAll long seed, @ForAll @IntRange(min = 10, max = 20) int invocations) throws Exception {
    agree(Models.create("kv", "", true, false), seed, invocations, "kv");
  }

  @Property(tries = 200)
  void mutex(@ForAll long seed, @ForAll @IntRange(min = 10, max = 24) int invocations) throws Exception {
    agree(Models.create("mutex", null, false, false), seed, invocations, "mutex");
  }

  @Property(tries = 300)
  void simulatedCasRegister(@ForAll long seed, @ForAll @IntRange(min = 10, max = 40) int invocations,
      @ForAll boolean corrupt) throws Exception {
    History history = Simulation.casRegister(seed, 3, invocations);
    History corrupted = corrupt ? Simulation.corrupt(history, seed) : null;
    agree(Models.create("cas-register", null, false, false), corrupted != null ? corrupted : history);
  }

  private static void agree(Model model, long seed, int invocations, String kind) throws Exception {
    agree(model, BruteForceDifferentialProperties.randomHistory(seed, invocations, kind));
  }

  private static void agree(Model model, History history) throws Exception {
    List<PairedOp> ops = Pairing.pair(history, model, false);
    Budget budget = new Budget(System.nanoTime() + 20_000_000_000L, 1L << 28);
    for (List<PairedOp> part : LinearizabilityChecker.partition(ops, model, true).values()) {
      Verdict pruned = new WglSearch(model.partitionModel(), part, budget, true).run(false).verdict();
      Verdict plain = new WglSearch(model.partitionModel(), part, budget, false).run(false).verdict();
      assertEquals(plain, pruned, history::toString);
      Statistics.collect(plain);
    }
  }
}
