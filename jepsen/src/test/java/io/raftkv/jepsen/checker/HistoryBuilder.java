package io.raftkv.jepsen.checker;

import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.Keyword;
import io.raftkv.jepsen.history.Op;
import io.raftkv.jepsen.history.OpType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** Builds histories in tests, one event at a time, in real-time order. */
public final class HistoryBuilder {
  private final List<Op> ops = new ArrayList<>();

  public HistoryBuilder add(Object process, OpType type, String f, Object key, Object value) {
    Object p = process instanceof Integer i ? (Object) i.longValue() : process;
    ops.add(new Op(ops.size(), ops.size() * 1000L, p, type, f, value, key));
    return this;
  }

  public HistoryBuilder invoke(int process, String f, Object value) {
    return add(process, OpType.INVOKE, f, null, value);
  }

  public HistoryBuilder ok(int process, String f, Object value) {
    return add(process, OpType.OK, f, null, value);
  }

  public HistoryBuilder fail(int process, String f, Object value) {
    return add(process, OpType.FAIL, f, null, value);
  }

  public HistoryBuilder info(int process, String f, Object value) {
    return add(process, OpType.INFO, f, null, value);
  }

  public HistoryBuilder nemesis(String f) {
    return add(Keyword.of("nemesis"), OpType.INFO, f, null, null);
  }

  public History build() {
    return new History("test", ops);
  }

  public int size() {
    return ops.size();
  }

  /** An unmodifiable list that may hold nulls (List.of may not). */
  public static List<Object> list(Object... values) {
    return Collections.unmodifiableList(new ArrayList<>(Arrays.asList(values)));
  }

  public static long l(int value) {
    return value;
  }
}
