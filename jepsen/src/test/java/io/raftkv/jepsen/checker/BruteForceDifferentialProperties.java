package io.raftkv.jepsen.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.Op;
import io.raftkv.jepsen.history.OpType;
import io.raftkv.jepsen.model.Model;
import io.raftkv.jepsen.model.Models;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;

/**
 * The fast checker agrees with the definition on every small history.
 *
 * <p>Method: random small histories (up to 8 invocations by up to 4 clients over a tiny value
 * domain, with ok, fail and info completions, crashed clients replaced, ops left open) are
 * checked by {@link LinearizabilityChecker} (partitioned by key, cached, linked-list search) and by
 * {@link BruteForceChecker} (every real-time-respecting order of every subset of unknown ops, on
 * the whole model). The verdicts must be equal. Random outputs make roughly half the histories
 * non-linearizable (the statistics jqwik prints show the split), so both answers are exercised.
 */
class BruteForceDifferentialProperties {
  private static final CheckOptions OPTIONS = CheckOptions.defaults().withThreads(1).withDiagnose(true);

  @Property(tries = 1500)
  void casRegister(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int invocations,
      @ForAll boolean nilReadWildcard, @ForAll boolean keepFailedCas) throws Exception {
    agree(Models.create("cas-register", null, false, nilReadWildcard), randomHistory(seed, invocations, "cas-register"),
        keepFailedCas);
  }

  @Property(tries = 500)
  void register(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int invocations) throws Exception {
    agree(Models.create("register", null, false, false), randomHistory(seed, invocations, "register"), false);
  }

  @Property(tries = 800)
  void mutex(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int invocations) throws Exception {
    agree(Models.create("mutex", null, false, false), randomHistory(seed, invocations, "mutex"), false);
  }

  @Property(tries = 1500)
  void kvAcrossKeys(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int invocations,
      @ForAll boolean keepFailedCas) throws Exception {
    agree(Models.create("kv", "", true, false), randomHistory(seed, invocations, "kv"), keepFailedCas);
  }

  @Property(tries = 500)
  void multiRegister(@ForAll long seed, @ForAll @IntRange(min = 1, max = 7) int invocations) throws Exception {
    agree(Models.create("multi-register", null, false, false), randomHistory(seed, invocations, "multi-register"),
        false);
  }

  private static void agree(Model model, History history, boolean keepFailedCas) throws Exception {
    CheckOptions options = OPTIONS.withKeepFailedCas(keepFailedCas);
    List<PairedOp> ops = Pairing.pair(history, model, keepFailedCas);
    boolean expected = BruteForceChecker.linearizable(model, ops);
    CheckResult result = LinearizabilityChecker.check(history, model, options);
    Statistics.collect(expected ? "linearizable" : "not linearizable");
    assertEquals(expected ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE, result.verdict(), history::toString);
    if (!expected) {
      assertEquals(true, result.anomaly() != null, "a non-linearizable history gets an anomaly");
    }
  }

  /** Up to 4 clients issuing random ops with random completions and random observed values. */
  static History randomHistory(long seed, int invocations, String model) {
    Random random = new Random(seed);
    List<Op> ops = new ArrayList<>();
    int clients = 1 + random.nextInt(4);
    long[] process = new long[clients];
    Op[] open = new Op[clients];
    long nextProcess = 0;
    for (int c = 0; c < clients; c++) {
      process[c] = nextProcess++;
    }
    int invoked = 0;
    while (true) {
      boolean anyOpen = false;
      for (Op op : open) {
        anyOpen |= op != null;
      }
      if (invoked == invocations && (!anyOpen || random.nextInt(4) == 0)) {
        break;
      }
      int c = random.nextInt(clients);
      if (open[c] == null) {
        if (invoked == invocations) {
          continue;
        }
        Op invoke = randomInvoke(random, model, ops.size(), process[c]);
        ops.add(invoke);
        open[c] = invoke;
        invoked++;
      } else {
        Op invoke = open[c];
        int roll = random.nextInt(10);
        OpType type = roll < 7 ? OpType.OK : roll < 8 ? OpType.FAIL : OpType.INFO;
        Object value = type == OpType.OK ? randomOutput(random, model, invoke) : invoke.value();
        ops.add(new Op(ops.size(), ops.size(), invoke.process(), type, invoke.f(), value, invoke.key()));
        open[c] = null;
        if (type == OpType.INFO) {
          process[c] = nextProcess++;
        }
      }
    }
    return new History("random", ops);
  }

  private static Op randomInvoke(Random random, String model, int index, long process) {
    String f;
    Object value;
    Object key = null;
    switch (model) {
      case "mutex" -> {
        f = random.nextBoolean() ? "acquire" : "release";
        value = null;
      }
      case "kv" -> {
        key = random.nextBoolean() ? "a" : "b";
        f = List.of("get", "put", "append", "cas").get(random.nextInt(4));
        value = switch (f) {
          case "get" -> null;
          case "cas" -> HistoryBuilder.list(smallString(random), smallString(random));
          default -> random.nextBoolean() ? "x" : "y";
        };
      }
      case "multi-register" -> {
        f = "txn";
        List<Object> micros = new ArrayList<>();
        int count = 1 + random.nextInt(2);
        for (int i = 0; i < count; i++) {
          boolean read = random.nextBoolean();
          micros.add(HistoryBuilder.list(read ? "read" : "write", random.nextBoolean() ? "x" : "y",
              read ? null : (Object) (long) random.nextInt(2)));
        }
        value = HistoryBuilder.list(micros.toArray());
      }
      default -> {
        int kind = random.nextInt(model.equals("register") ? 2 : 3);
        f = kind == 0 ? "read" : kind == 1 ? "write" : "cas";
        value = kind == 0 ? null : kind == 1 ? (Object) (long) random.nextInt(3)
            : HistoryBuilder.list((long) random.nextInt(3), (long) random.nextInt(3));
      }
    }
    return new Op(index, index, process, OpType.INVOKE, f, value, key);
  }

  private static String smallString(Random random) {
    return List.of("", "x", "y", "xy").get(random.nextInt(4));
  }

  private static Object randomOutput(Random random, String model, Op invoke) {
    return switch (invoke.f()) {
      case "read" -> random.nextInt(8) == 0 ? null : (Object) (long) random.nextInt(3);
      case "get" -> List.of("", "x", "y", "xy", "yx").get(random.nextInt(5));
      case "txn" -> {
        List<Object> micros = new ArrayList<>();
        for (Object micro : (List<?>) invoke.value()) {
          List<?> m = (List<?>) micro;
          micros.add(m.get(0).equals("read") ? HistoryBuilder.list("read", m.get(1), (long) random.nextInt(2)) : m);
        }
        yield HistoryBuilder.list(micros.toArray());
      }
      default -> invoke.value();
    };
  }
}
