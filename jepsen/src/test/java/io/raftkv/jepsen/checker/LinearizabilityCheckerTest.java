package io.raftkv.jepsen.checker;

import static io.raftkv.jepsen.checker.HistoryBuilder.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.HistoryFormatException;
import io.raftkv.jepsen.history.Op;
import io.raftkv.jepsen.history.OpType;
import io.raftkv.jepsen.model.Model;
import io.raftkv.jepsen.model.Models;
import io.raftkv.jepsen.report.AnomalyText;
import io.raftkv.jepsen.report.TimelineHtml;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The semantics of completions, the verdicts at the bounds, and the anomaly report, on small
 * histories written out by hand so that the expected answer can be checked by reading them.
 */
class LinearizabilityCheckerTest {
  private static final CheckOptions OPTIONS = CheckOptions.defaults().withThreads(1);
  private static final Model CAS = Models.create("cas-register", null, false, false);

  private static Verdict verdict(HistoryBuilder b, Model model) throws HistoryFormatException {
    return LinearizabilityChecker.check(b.build(), model, OPTIONS).verdict();
  }

  @Test
  void concurrentOpsMayTakeEffectInEitherOrder() throws Exception {
    HistoryBuilder b = new HistoryBuilder()
        .invoke(0, "write", 1L).invoke(1, "read", null).ok(1, "read", 1L).ok(0, "write", 1L)
        .invoke(2, "read", null).ok(2, "read", 1L);
    assertEquals(Verdict.LINEARIZABLE, verdict(b, CAS));
  }

  @Test
  void aStaleReadAfterACompletedWriteIsNotLinearizable() throws Exception {
    HistoryBuilder b = new HistoryBuilder()
        .invoke(0, "write", 1L).ok(0, "write", 1L).invoke(1, "read", null).ok(1, "read", 0L);
    CheckResult result = LinearizabilityChecker.check(b.build(), CAS, OPTIONS);
    assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
    Anomaly anomaly = result.anomaly();
    assertNotNull(anomaly);
    assertEquals(2, anomaly.blocking().invocation().index(), "the stale read is the op that cannot be placed");
    assertEquals(1, anomaly.prefixes().size());
    assertEquals(List.of("1"), anomaly.prefixes().get(0).statesAfter());
    assertEquals(1, anomaly.lastOk().size());
    String text = AnomalyText.render(b.build(), result);
    assertTrue(text.contains("cannot linearize: process 1 read"), text);
    String html = TimelineHtml.render(b.build(), result, CAS.name());
    assertTrue(html.contains("class=\"bar ok blocking") && html.contains("process 0"), html);
  }

  @Test
  void aFailedOpDidNotHappen() throws Exception {
    HistoryBuilder b = new HistoryBuilder()
        .invoke(0, "write", 1L).fail(0, "write", 1L).invoke(1, "read", null).ok(1, "read", 1L);
    assertEquals(Verdict.NOT_LINEARIZABLE, verdict(b, CAS));
  }

  @Test
  void anIndeterminateOpMayHappenLaterOrNever() throws Exception {
    HistoryBuilder later = new HistoryBuilder()
        .invoke(0, "write", 1L).info(0, "write", 1L)
        .invoke(1, "read", null).ok(1, "read", 0L)
        .invoke(2, "read", null).ok(2, "read", 1L);
    assertEquals(Verdict.LINEARIZABLE, verdict(later, CAS), "took effect after the first read");
    HistoryBuilder never = new HistoryBuilder().invoke(0, "write", 1L).invoke(1, "read", null).ok(1, "read", 0L);
    assertEquals(Verdict.LINEARIZABLE, verdict(never, CAS), "never took effect (no completion)");
    HistoryBuilder flipFlop = new HistoryBuilder()
        .invoke(0, "write", 1L).info(0, "write", 1L)
        .invoke(1, "read", null).ok(1, "read", 1L)
        .invoke(2, "read", null).ok(2, "read", 0L);
    assertEquals(Verdict.NOT_LINEARIZABLE, verdict(flipFlop, CAS), "it takes effect at most once");
  }

  @Test
  void nemesisOpsAreNotModelOps() throws Exception {
    HistoryBuilder b = new HistoryBuilder().nemesis("start").invoke(0, "read", null).nemesis("stop")
        .ok(0, "read", 0L);
    assertEquals(Verdict.LINEARIZABLE, verdict(b, CAS));
  }

  @Test
  void nilReadWildcardIsAnOption() throws Exception {
    HistoryBuilder b = new HistoryBuilder().invoke(0, "write", 3L).ok(0, "write", 3L)
        .invoke(1, "read", null).ok(1, "read", null);
    assertEquals(Verdict.NOT_LINEARIZABLE, verdict(b, CAS), "raftkv: nil means absent");
    assertEquals(Verdict.LINEARIZABLE, verdict(b, Models.create("cas-register", null, false, true)), "Knossos");
  }

  @Test
  void aFailedCasCanBeKeptAsAnObservation() throws Exception {
    // The register holds 0, so a cas expecting 0 that failed contradicts the history only under
    // Porcupine's reading of failures.
    History h = new HistoryBuilder().invoke(0, "cas", list(0L, 1L)).fail(0, "cas", list(0L, 1L)).build();
    assertEquals(Verdict.LINEARIZABLE, LinearizabilityChecker.check(h, CAS, OPTIONS).verdict());
    assertEquals(Verdict.NOT_LINEARIZABLE,
        LinearizabilityChecker.check(h, CAS, OPTIONS.withKeepFailedCas(true)).verdict());
  }

  @Test
  void kvKeysAreIndependent() throws Exception {
    HistoryBuilder b = new HistoryBuilder()
        .add(0, OpType.INVOKE, "put", "a", "x").add(0, OpType.OK, "put", "a", "x")
        .add(1, OpType.INVOKE, "get", "b", null).add(1, OpType.OK, "get", "b", null)
        .add(1, OpType.INVOKE, "append", "a", "y").add(1, OpType.OK, "append", "a", "y")
        .add(2, OpType.INVOKE, "get", "a", null).add(2, OpType.OK, "get", "a", "xy");
    Model kv = Models.create("kv", null, false, false);
    CheckResult result = LinearizabilityChecker.check(b.build(), kv, OPTIONS);
    assertEquals(Verdict.LINEARIZABLE, result.verdict());
    assertEquals(2, result.partitions());
    b.add(2, OpType.INVOKE, "get", "b", null).add(2, OpType.OK, "get", "b", "x");
    CheckResult bad = LinearizabilityChecker.check(b.build(), kv, OPTIONS);
    assertEquals(Verdict.NOT_LINEARIZABLE, bad.verdict());
    assertEquals("b", bad.anomaly().partition());
    String html = TimelineHtml.render(b.build(), bad, kv.name());
    assertTrue(html.contains("get &quot;x&quot;") || html.contains("get \"x\""), html);
    assertTrue(!html.contains(">append "), "the timeline draws only the failing key's ops: " + html);
  }

  @Test
  void parallelPartitionsGiveTheSameVerdicts() throws Exception {
    Model kv = Models.create("kv", null, false, false);
    for (long seed = 0; seed < 20; seed++) {
      History h = Simulation.kv(seed, 8, 2500, 16);
      History corrupted = Simulation.corrupt(h, seed);
      CheckOptions parallel = OPTIONS.withThreads(4);
      assertEquals(Verdict.LINEARIZABLE, LinearizabilityChecker.check(h, kv, parallel).verdict());
      CheckResult bad = LinearizabilityChecker.check(corrupted, kv, parallel);
      assertEquals(Verdict.NOT_LINEARIZABLE, bad.verdict());
      assertNotNull(bad.anomaly());
    }
  }

  /** Many crashed appends to one key and an impossible read: exponential to refute. */
  private static History hard() {
    HistoryBuilder b = new HistoryBuilder();
    for (int p = 0; p < 40; p++) {
      b.add(p, OpType.INVOKE, "append", "k", "v" + p + ";");
    }
    b.add(100, OpType.INVOKE, "get", "k", null).add(100, OpType.OK, "get", "k", "impossible");
    return b.build();
  }

  @Test
  void pastTheTimeBoundTheVerdictIsUnknown() throws Exception {
    CheckResult result = LinearizabilityChecker.check(hard(), Models.create("kv", null, false, false),
        OPTIONS.withTimeout(Duration.ofMillis(200)));
    assertEquals(Verdict.UNKNOWN, result.verdict());
    assertTrue(result.reason().contains("time"), result.reason());
  }

  @Test
  void pastTheMemoryBoundTheVerdictIsUnknown() throws Exception {
    CheckResult result = LinearizabilityChecker.check(hard(), Models.create("kv", null, false, false),
        OPTIONS.withMaxMemoryBytes(1 << 20));
    assertEquals(Verdict.UNKNOWN, result.verdict());
    assertTrue(result.reason().contains("memory"), result.reason());
  }

  @Test
  void historiesThatDoNotPairUpAreRejected() {
    HistoryBuilder doubleInvoke = new HistoryBuilder().invoke(0, "read", null).invoke(0, "read", null);
    HistoryFormatException e = assertThrows(HistoryFormatException.class, () -> verdict(doubleInvoke, CAS));
    assertTrue(e.getMessage().contains("still open"), e.getMessage());
    HistoryBuilder orphan = new HistoryBuilder().ok(0, "read", 1L);
    assertThrows(HistoryFormatException.class, () -> verdict(orphan, CAS));
    HistoryBuilder unknownF = new HistoryBuilder().invoke(0, "incr", 1L);
    HistoryFormatException f = assertThrows(HistoryFormatException.class, () -> verdict(unknownF, CAS));
    assertTrue(f.getMessage().contains("incr"), f.getMessage());
  }

  @Test
  void aModelThatCannotInterpretAValueGivesUnknown() throws Exception {
    // Keys of mixed types are fine for the real model; a model that throws must not crash the check.
    Model multi = Models.create("multi-register", java.util.Map.of("x", 0L), true, false);
    History h = new HistoryBuilder()
        .invoke(0, "txn", list(list("write", 1L, 2L))).ok(0, "txn", list(list("write", 1L, 2L))).build();
    CheckResult result = LinearizabilityChecker.check(h, (Model) new Model() {
      @Override
      public String name() {
        return "throwing";
      }

      @Override
      public Object initialState() {
        return 0L;
      }

      @Override
      public Object step(Object state, io.raftkv.jepsen.model.Operation op) {
        throw new ClassCastException("cannot step");
      }
    }, OPTIONS);
    assertEquals(Verdict.UNKNOWN, result.verdict());
    assertTrue(result.reason().contains("cannot step"), result.reason());
    assertEquals(Verdict.LINEARIZABLE, LinearizabilityChecker.check(h, multi, OPTIONS).verdict());
  }

  @Test
  void emptyHistoriesAreLinearizable() throws Exception {
    assertEquals(Verdict.LINEARIZABLE, verdict(new HistoryBuilder(), CAS));
    List<Op> none = new ArrayList<>();
    assertEquals(Verdict.LINEARIZABLE, LinearizabilityChecker.check(new History("empty", none),
        Models.create("kv", null, false, false), OPTIONS).verdict());
  }
}
