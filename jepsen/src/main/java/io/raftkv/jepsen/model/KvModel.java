package io.raftkv.jepsen.model;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A key-value store: per key, {@code get} observes the value, {@code put v} sets it,
 * {@code append v} concatenates (strings, or lists), {@code cas [expected new]} sets it only if it
 * holds {@code expected}. Every key starts at the same initial value: nil ("absent") for raftkv,
 * {@code ""} for Porcupine's kv logs. {@code read}/{@code write} are accepted as get/put.
 *
 * <p>The key is the op's {@code :key}, or else the first element of a Jepsen-independent
 * {@code [key value]} tuple. Keys are independent objects, so the checker partitions by key and
 * checks each key's sub-history against {@link #partitionModel()}, a single key's register; used
 * whole, the state is an unmodifiable sorted map of the keys written so far.
 */
public final class KvModel implements Model {
  private final Object initial;
  private final boolean nilReadWildcard;
  private final KeyModel keyModel;

  public KvModel(Object initial, boolean nilReadWildcard) {
    this.initial = initial;
    this.nilReadWildcard = nilReadWildcard;
    this.keyModel = new KeyModel();
  }

  @Override
  public String name() {
    return "kv";
  }

  @Override
  public Object initialState() {
    return Collections.emptyMap();
  }

  @Override
  public Operation prepare(Operation op) {
    String f = switch (op.f()) {
      case "get", "read" -> "get";
      case "put", "write" -> "put";
      case "append" -> "append";
      case "cas" -> "cas";
      default -> throw new IllegalArgumentException("kv has no operation " + op.f());
    };
    Object key = op.key();
    Object input = op.input();
    Object output = op.output();
    if (key == null) {
      List<?> tuple = Values.pair(op, input, "a :key or a [key value] value");
      key = tuple.get(0);
      input = tuple.get(1);
      if (output != null) {
        output = Values.pair(op, output, "a [key value] value").get(1);
      }
    }
    if (f.equals("cas")) {
      Values.pair(op, input, "[expected new]");
    }
    return new Operation(f, key, input, output, op.outcome());
  }

  @Override
  public Object partitionOf(Operation op) {
    return op.key();
  }

  @Override
  public Model partitionModel() {
    return keyModel;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Object step(Object state, Operation op) {
    Map<Object, Object> map = (Map<Object, Object>) state;
    Object key = op.key();
    Object before = map.containsKey(key) ? map.get(key) : initial;
    Object after = stepKey(before, op);
    if (after == ILLEGAL) {
      return ILLEGAL;
    }
    if (Objects.equals(after, before) && (map.containsKey(key) || Objects.equals(after, initial))) {
      return state;
    }
    TreeMap<Object, Object> next = new TreeMap<>(KvModel::compareKeys);
    next.putAll(map);
    next.put(key, after);
    return Collections.unmodifiableMap(next);
  }

  private static int compareKeys(Object a, Object b) {
    return String.valueOf(a).compareTo(String.valueOf(b));
  }

  /** One key's transition: the value before, to the value after or ILLEGAL. */
  Object stepKey(Object value, Operation op) {
    boolean failed = op.outcome() == Outcome.FAILED;
    switch (op.f()) {
      case "get" -> {
        if (op.outcome() != Outcome.OK) {
          return value;
        }
        Object seen = op.output();
        return (seen == null && nilReadWildcard) || Objects.equals(seen, value) ? value : ILLEGAL;
      }
      case "put" -> {
        return failed ? value : op.input();
      }
      case "append" -> {
        return failed ? value : append(value, op.input());
      }
      case "cas" -> {
        List<?> expectedNew = (List<?>) op.input();
        boolean matches = Objects.equals(expectedNew.get(0), value);
        if (failed) {
          return matches ? ILLEGAL : value;
        }
        return matches ? expectedNew.get(1) : ILLEGAL;
      }
      default -> throw new IllegalArgumentException("kv has no operation " + op.f());
    }
  }

  private static Object append(Object value, Object suffix) {
    if (value instanceof List<?> || suffix instanceof List<?>) {
      List<Object> joined = new java.util.ArrayList<>();
      addAll(joined, value);
      addAll(joined, suffix);
      return Collections.unmodifiableList(joined);
    }
    return (value == null ? "" : String.valueOf(value)) + (suffix == null ? "" : String.valueOf(suffix));
  }

  private static void addAll(List<Object> target, Object value) {
    if (value instanceof List<?> list) {
      target.addAll(list);
    } else if (value != null) {
      target.add(value);
    }
  }

  /** One key of the store: the state is that key's value. */
  private final class KeyModel implements Model {
    @Override
    public String name() {
      return "kv key";
    }

    @Override
    public Object initialState() {
      return initial;
    }

    @Override
    public Object step(Object state, Operation op) {
      return stepKey(state, op);
    }
  }
}
