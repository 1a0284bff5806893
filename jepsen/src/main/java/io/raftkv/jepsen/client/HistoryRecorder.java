package io.raftkv.jepsen.client;

import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.Keyword;
import io.raftkv.jepsen.history.Op;
import io.raftkv.jepsen.history.OpType;
import java.util.ArrayList;
import java.util.List;

/**
 * The run's history as it happens. Events are appended under one lock, so file order is a
 * real-time order: an invocation is recorded before the request leaves, its completion after the
 * answer came back. {@code :time} is nanoseconds since the recorder was made (Jepsen's relative
 * time). The nemesis records its actions as {@code :info} ops of process {@code :nemesis}.
 */
public final class HistoryRecorder {
  public static final Keyword NEMESIS = Keyword.of("nemesis");

  private final long originNanos;
  private final List<Op> ops = new ArrayList<>();

  public HistoryRecorder() {
    this(System.nanoTime());
  }

  public HistoryRecorder(long originNanos) {
    this.originNanos = originNanos;
  }

  /** Records an invocation; returns it, to be passed to {@link #complete}. */
  public synchronized Op invoke(long process, String f, String key, Object value) {
    Op op = new Op(ops.size(), now(), process, OpType.INVOKE, f, value, key);
    ops.add(op);
    return op;
  }

  /** Records the completion of {@code invocation}: ok, fail or info, with the value observed. */
  public synchronized Op complete(Op invocation, OpType type, Object value) {
    if (type == OpType.INVOKE) {
      throw new IllegalArgumentException("a completion cannot be an invocation");
    }
    Op op = new Op(ops.size(), now(), invocation.process(), type, invocation.f(), value, invocation.key());
    ops.add(op);
    return op;
  }

  /** Records the start of a nemesis action whose outcome is recorded later ({@link #complete}, as info). */
  public synchronized Op nemesisInvoke(String f, Object value) {
    Op op = new Op(ops.size(), now(), NEMESIS, OpType.INVOKE, f, value, null);
    ops.add(op);
    return op;
  }

  /** Records what the nemesis did (or starts doing). */
  public synchronized Op nemesis(String f, Object value) {
    Op op = new Op(ops.size(), now(), NEMESIS, OpType.INFO, f, value, null);
    ops.add(op);
    return op;
  }

  /** Nanoseconds since the start of the run. */
  public long now() {
    return System.nanoTime() - originNanos;
  }

  public long originNanos() {
    return originNanos;
  }

  public synchronized History history(String source) {
    return new History(source, ops);
  }
}
