package io.raftkv.jepsen.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.client.Api;
import io.raftkv.client.Outcome;
import io.raftkv.jepsen.generator.OpGenerator;
import io.raftkv.jepsen.generator.PlannedOp;
import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.Op;
import io.raftkv.jepsen.history.OpType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Recording follows Jepsen's rules: every invocation is followed by exactly one completion of the
 * same process before that process invokes again; a process whose op ended info never invokes
 * again, and its thread goes on as process + concurrency with a new client. And the client maps
 * the library's outcomes exactly: Failed is fail, Unknown (a timeout) is info, never fail.
 */
class ClientWorkerTest {
  /** Ends every fourth op it runs info, every seventh fail, the rest ok. */
  private static final class ScriptedClient implements KvClient {
    final AtomicInteger calls;

    ScriptedClient(AtomicInteger calls) {
      this.calls = calls;
    }

    @Override
    public Completion invoke(PlannedOp op) {
      int n = calls.incrementAndGet();
      OpType type = n % 4 == 0 ? OpType.INFO : n % 7 == 0 ? OpType.FAIL : OpType.OK;
      return new Completion(type, op.f().equals("read") ? Long.valueOf(1) : op.value(), null);
    }

    @Override
    public void close() {}
  }

  @Test
  void infoRetiresTheProcessAndEveryInvocationCompletesOnce() throws InterruptedException {
    int concurrency = 3;
    HistoryRecorder recorder = new HistoryRecorder();
    OpGenerator generator = new OpGenerator(1, 10, 2, 5, 100_000, OpGenerator.Mix.standard());
    AtomicLong next = new AtomicLong();
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger clientsOpened = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < concurrency; t++) {
      ClientWorker worker = new ClientWorker(t, concurrency, thread -> {
        clientsOpened.incrementAndGet();
        return new ScriptedClient(calls);
      }, generator, next, recorder, 0, 2_000_000L); // 200 ops due within the first 2 ms
      threads.add(Thread.ofPlatform().start(worker));
    }
    for (Thread thread : threads) {
      thread.join(30_000);
      assertFalse(thread.isAlive());
    }
    History history = recorder.history("test");
    assertTrue(history.invocationCount() >= 150, "ops run: " + history.invocationCount());
    Map<Object, Op> open = new HashMap<>();
    Set<Object> retired = new HashSet<>();
    java.util.TreeSet<Long> processes = new java.util.TreeSet<>();
    int infos = 0;
    for (Op op : history.ops()) {
      if (op.type() == OpType.INVOKE) {
        assertFalse(retired.contains(op.process()), "retired process invoked again: " + op);
        assertEquals(null, open.put(op.process(), op), "invoked while its op was open: " + op);
        processes.add((Long) op.process());
        continue;
      }
      Op invocation = open.remove(op.process());
      assertNotNull(invocation, "completion without invocation: " + op);
      assertEquals(invocation.f(), op.f());
      assertEquals(invocation.key(), op.key());
      if (op.type() == OpType.INFO) {
        infos++;
        retired.add(op.process());
      }
    }
    assertTrue(open.isEmpty(), "ops left open: " + open);
    assertTrue(infos > 10, "infos " + infos);
    assertEquals(concurrency + infos, clientsOpened.get(), "one new client per info");
    // Thread t runs as t, t + c, t + 2c, ...: no number skipped, none shared.
    for (long process : processes) {
      assertTrue(process < concurrency || processes.contains(process - concurrency), "gap before " + process);
    }

  }

  @Test
  void outcomesMapExactly() {
    assertEquals(OpType.FAIL, RaftKvNodeClient.completion(new Outcome.Failed<>(Api.COMPARE_FAILED, "no"), 3L)
        .type());
    assertEquals(OpType.FAIL, RaftKvNodeClient.completion(new Outcome.Failed<>(Api.NO_LEADER, "none"), 3L).type());
    assertEquals(OpType.INFO, RaftKvNodeClient.completion(new Outcome.Unknown<>("timeout: no answer"), 3L).type());
    assertEquals(OpType.OK, RaftKvNodeClient.completion(new Outcome.Ok<>(7L), 3L).type());
    assertEquals(3L, RaftKvNodeClient.completion(new Outcome.Ok<>(7L), 3L).value());
    assertEquals(12L, RaftKvNodeClient.decode("12".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertEquals("x1", RaftKvNodeClient.decode("x1".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
