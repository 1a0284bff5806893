package io.raftkv.jepsen.checker;

import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.Op;
import io.raftkv.jepsen.history.OpType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates histories that are linearizable by construction: clients of a simulated object
 * (a cas-register, or a kv store with get/put/append/cas) whose ops take effect at a real
 * linearization point strictly between their invocation and completion events.
 *
 * <p>Each step picks a client at random and advances it one phase: invoke; then either fail
 * without effect, crash before the effect ({@code info}, never applied), or take effect now (the
 * linearization point); then complete ok (a cas that found another value completes fail, having
 * changed nothing), or crash after the effect ({@code info}). A crashed client is replaced by a
 * new process, as Jepsen does. Some ops are left without completion at the end.
 */
public final class Simulation {
  /** Values and strings the simulation never produces, for corrupting an observation. */
  public static final long UNSEEN_NUMBER = 99;
  public static final String UNSEEN_STRING = "never-written";

  private enum Phase { IDLE, INVOKED, APPLIED }

  private static final class Client {
    long process;
    Phase phase = Phase.IDLE;
    String f;
    Object key;
    Object input;
    Object output;
    boolean casFailed;
  }

  private final Random random;
  /** One in this many steps of a busy client is a crash (before, or after, the effect). */
  private final int crashOdds;
  private final boolean kv;
  private final int keys;
  private final List<Op> ops = new ArrayList<>();
  private final Map<Object, Object> store = new HashMap<>();
  private long nextProcess;

  private Simulation(long seed, boolean kv, int keys) {
    this.random = new Random(seed);
    // Crashed ops may take effect at any later point, so refuting a history costs time
    // exponential in how many are pending at once: keep them to a few percent, as in real tests.
    this.crashOdds = kv ? 30 : 12;
    this.kv = kv;
    this.keys = keys;
  }

  /** A cas-register history (initial value 0, values 0..3). */
  public static History casRegister(long seed, int clients, int invocations) {
    return new Simulation(seed, false, 1).run(clients, invocations);
  }

  /** A kv history (every key initially absent = nil; string values). */
  public static History kv(long seed, int clients, int invocations, int keys) {
    return new Simulation(seed, true, keys).run(clients, invocations);
  }

  private History run(int clientCount, int invocations) {
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < clientCount; i++) {
      Client c = new Client();
      c.process = nextProcess++;
      clients.add(c);
    }
    int invoked = 0;
    int guard = 0;
    while (guard++ < 100_000) {
      boolean busy = clients.stream().anyMatch(c -> c.phase != Phase.IDLE);
      if (invoked >= invocations && !busy) {
        break;
      }
      if (invoked >= invocations && random.nextInt(8) == 0) {
        break; // leave the remaining ops without completion
      }
      Client c = clients.get(random.nextInt(clients.size()));
      switch (c.phase) {
        case IDLE -> {
          if (invoked < invocations) {
            invoke(c);
            invoked++;
          }
        }
        case INVOKED -> {
          int roll = random.nextInt(crashOdds);
          if (roll == 0) {
            emit(c, OpType.FAIL, c.input);
            c.phase = Phase.IDLE;
          } else if (roll == 1) {
            crash(c);
          } else {
            apply(c);
            c.phase = Phase.APPLIED;
          }
        }
        case APPLIED -> {
          if (random.nextInt(crashOdds) == 0) {
            crash(c);
          } else if (c.casFailed) {
            emit(c, OpType.FAIL, c.input);
            c.phase = Phase.IDLE;
          } else {
            emit(c, OpType.OK, c.output);
            c.phase = Phase.IDLE;
          }
        }
      }
    }
    return new History("simulation", ops);
  }

  private void invoke(Client c) {
    c.casFailed = false;
    c.key = kv ? "k" + random.nextInt(keys) : null;
    int kind = random.nextInt(kv ? 4 : 3);
    if (!kv) {
      switch (kind) {
        case 0 -> { c.f = "read"; c.input = null; }
        case 1 -> { c.f = "write"; c.input = (long) random.nextInt(4); }
        default -> c.f = "cas";
      }
      if (c.f.equals("cas")) {
        c.input = HistoryBuilder.list((long) random.nextInt(4), (long) random.nextInt(4));
      }
    } else {
      switch (kind) {
        case 0 -> { c.f = "get"; c.input = null; }
        case 1 -> { c.f = "put"; c.input = token(); }
        case 2 -> { c.f = "append"; c.input = token(); }
        default -> {
          c.f = "cas";
          Object current = store.get(c.key);
          Object expected = random.nextBoolean() && current != null ? current : token();
          c.input = HistoryBuilder.list(expected, token());
        }
      }
    }
    emit(c, OpType.INVOKE, c.input);
    c.phase = Phase.INVOKED;
  }

  private String token() {
    return "v" + random.nextInt(5) + ";";
  }

  /** The linearization point. */
  private void apply(Client c) {
    Object current = kv ? store.get(c.key) : store.getOrDefault("register", 0L);
    Object next = current;
    c.output = c.input;
    switch (c.f) {
      case "read", "get" -> c.output = current;
      case "write", "put" -> next = c.input;
      case "append" -> next = (current == null ? "" : (String) current) + c.input;
      case "cas" -> {
        List<?> expectedNew = (List<?>) c.input;
        if (expectedNew.get(0).equals(current)) {
          next = expectedNew.get(1);
        } else {
          c.casFailed = true;
        }
      }
      default -> throw new IllegalStateException(c.f);
    }
    store.put(kv ? c.key : "register", next);
  }

  private void crash(Client c) {
    emit(c, OpType.INFO, c.input);
    c.process = nextProcess++;
    c.phase = Phase.IDLE;
  }

  private void emit(Client c, OpType type, Object value) {
    ops.add(new Op(ops.size(), ops.size(), c.process, type, c.f, value, c.key));
  }

  /**
   * The history with one observation made impossible: an ok read/get now returns a value no op
   * ever wrote, or else an ok cas expects one. Returns null if it has neither.
   */
  public static History corrupt(History history, long seed) {
    List<Integer> candidates = new ArrayList<>();
    Map<Object, Integer> openInvoke = new HashMap<>();
    Map<Integer, Integer> invokeOf = new HashMap<>();
    for (Op op : history.ops()) {
      if (op.type() == OpType.INVOKE) {
        openInvoke.put(op.process(), op.index());
      } else {
        Integer invoke = openInvoke.remove(op.process());
        if (op.type() == OpType.OK && invoke != null
            && (op.f().equals("read") || op.f().equals("get") || op.f().equals("cas"))) {
          candidates.add(op.index());
          invokeOf.put(op.index(), invoke);
        }
      }
    }
    if (candidates.isEmpty()) {
      return null;
    }
    int target = candidates.get(new Random(seed).nextInt(candidates.size()));
    List<Op> ops = new ArrayList<>(history.ops());
    Op completion = ops.get(target);
    boolean strings = completion.key() != null;
    Object unseen = strings ? UNSEEN_STRING : (Object) UNSEEN_NUMBER;
    if (completion.f().equals("cas")) {
      List<?> expectedNew = (List<?>) completion.value();
      Object corrupted = HistoryBuilder.list(unseen, expectedNew.get(1));
      ops.set(target, with(completion, corrupted));
      int invoke = invokeOf.get(target);
      ops.set(invoke, with(ops.get(invoke), corrupted));
    } else {
      ops.set(target, with(completion, unseen));
    }
    return new History("corrupted", ops);
  }

  private static Op with(Op op, Object value) {
    return new Op(op.index(), op.time(), op.process(), op.type(), op.f(), value, op.key());
  }
}
