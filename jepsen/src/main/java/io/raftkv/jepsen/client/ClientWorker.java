package io.raftkv.jepsen.client;

import io.raftkv.jepsen.generator.OpGenerator;
import io.raftkv.jepsen.generator.PlannedOp;
import io.raftkv.jepsen.history.Op;
import io.raftkv.jepsen.history.OpType;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * One of the run's {@code concurrency} threads. It takes the generator's ops in turn (the next
 * sequence number is shared), waits until each is due, records the invocation, runs it on its
 * client and records the completion.
 *
 * <p>Jepsen's rule for indeterminate ops: a process whose op ended {@code :info} may still have
 * that op in flight, so it never invokes again; the thread closes its client and continues as a
 * new process, numbered {@code process + concurrency} (so {@code process mod concurrency} is
 * always the thread, and the thread's node stays the same), with a new client and session.
 */
public final class ClientWorker implements Runnable {
  private final int thread;
  private final int concurrency;
  private final IntFunction<KvClient> clients;
  private final OpGenerator generator;
  private final AtomicLong nextSequence;
  private final HistoryRecorder recorder;
  private final long startNanos;
  private final long endNanos;
  private volatile boolean stopped;
  private long process;
  private long opsRun;

  /**
   * @param clients opens a client for this thread (given the thread number)
   * @param startNanos when the generator's schedule starts (recorder time): op n is due then plus its
   *     own due time
   * @param endNanos no op due after this (recorder time) is started
   */
  public ClientWorker(int thread, int concurrency, IntFunction<KvClient> clients, OpGenerator generator,
      AtomicLong nextSequence, HistoryRecorder recorder, long startNanos, long endNanos) {
    this.thread = thread;
    this.concurrency = concurrency;
    this.clients = clients;
    this.generator = generator;
    this.nextSequence = nextSequence;
    this.recorder = recorder;
    this.startNanos = startNanos;
    this.endNanos = endNanos;
    this.process = thread;
  }

  @Override
  public void run() {
    KvClient client = clients.apply(thread);
    try {
      while (!stopped && !Thread.currentThread().isInterrupted()) {
        PlannedOp op = generator.op(nextSequence.getAndIncrement());
        long due = startNanos + op.dueNanos();
        if (due > endNanos || !awaitDue(due)) {
          return;
        }
        Op invocation = recorder.invoke(process, op.f(), op.key(), op.f().equals("read") ? null : op.value());
        Completion completion = client.invoke(op);
        recorder.complete(invocation, completion.type(), completion.value());
        opsRun++;
        if (completion.type() == OpType.INFO) {
          client.close();
          process += concurrency;
          client = clients.apply(thread);
        }
      }
    } finally {
      client.close();
    }
  }

  /** Parks until the op is due; false if the worker was stopped meanwhile. */
  private boolean awaitDue(long dueNanos) {
    long wait;
    while (!stopped && (wait = dueNanos - recorder.now()) > 0) {
      LockSupport.parkNanos(Math.min(wait, 50_000_000L));
    }
    return !stopped;
  }

  /** Asks the thread to stop after its current op. */
  public void stop() {
    stopped = true;
  }

  /** The process number the thread runs as now. */
  public long process() {
    return process;
  }

  public long opsRun() {
    return opsRun;
  }
}
