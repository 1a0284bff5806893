package io.raftkv.jepsen.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Several registers changed together by transactions: {@code txn [[:read k v] [:write k v] ...]}
 * applies its micro-ops in order, atomically. The state is an unmodifiable map from key name to
 * value (keys compared by name, so {@code :x} and {@code "x"} are one key).
 *
 * <p>An ok transaction's reads must each see the value at that point (nil matches anything when
 * {@code nilReadWildcard} is on); a transaction with unknown outcome contributes only its writes.
 */
public final class MultiRegisterModel implements Model {
  private final Map<Object, Object> initial;
  private final boolean nilReadWildcard;

  public MultiRegisterModel(Map<?, ?> initial, boolean nilReadWildcard) {
    TreeMap<Object, Object> byName = new TreeMap<>(MultiRegisterModel::compareKeys);
    initial.forEach((k, v) -> byName.put(keyName(k), v));
    this.initial = Collections.unmodifiableMap(byName);
    this.nilReadWildcard = nilReadWildcard;
  }

  private static Object keyName(Object key) {
    String name = Values.name(key);
    return name != null ? name : key;
  }

  private static int compareKeys(Object a, Object b) {
    return String.valueOf(a).compareTo(String.valueOf(b));
  }

  @Override
  public String name() {
    return "multi-register";
  }

  @Override
  public Object initialState() {
    return initial;
  }

  @Override
  public Operation prepare(Operation op) {
    if (!op.f().equals("txn")) {
      throw new IllegalArgumentException("multi-register has no operation " + op.f() + " (only txn)");
    }
    return op.withKeyAndValues(op.key(), microOps(op, op.input()), op.output() == null ? null : microOps(op, op.output()));
  }

  /** Validates a txn value and normalises it to a list of [f keyName v]. */
  private static List<List<Object>> microOps(Operation op, Object value) {
    if (!(value instanceof List<?> list)) {
      throw new IllegalArgumentException("txn value must be a list of [f k v], got " + value);
    }
    List<List<Object>> normalised = new ArrayList<>(list.size());
    for (Object element : list) {
      if (!(element instanceof List<?> micro) || micro.size() != 3) {
        throw new IllegalArgumentException("txn micro-op must be [f k v], got " + element);
      }
      String f = Values.name(micro.get(0));
      if (!"read".equals(f) && !"write".equals(f)) {
        throw new IllegalArgumentException("txn micro-op must be :read or :write, got " + element);
      }
      List<Object> m = new ArrayList<>(3);
      m.add(f);
      m.add(keyName(micro.get(1)));
      m.add(micro.get(2));
      normalised.add(Collections.unmodifiableList(m));
    }
    return Collections.unmodifiableList(normalised);
  }

  @Override
  @SuppressWarnings("unchecked")
  public Object step(Object state, Operation op) {
    Map<Object, Object> current = (Map<Object, Object>) state;
    boolean ok = op.outcome() == Outcome.OK;
    List<List<Object>> micros = (List<List<Object>>) (ok && op.output() != null ? op.output() : op.input());
    TreeMap<Object, Object> next = null;
    for (List<Object> micro : micros) {
      Object key = micro.get(1);
      Object value = micro.get(2);
      if (micro.get(0).equals("read")) {
        if (!ok || (value == null && nilReadWildcard)) {
          continue;
        }
        Object actual = next != null ? next.get(key) : current.get(key);
        if (!Objects.equals(actual, value)) {
          return ILLEGAL;
        }
      } else {
        if (op.outcome() == Outcome.FAILED) {
          continue;
        }
        if (next == null) {
          next = new TreeMap<>(MultiRegisterModel::compareKeys);
          next.putAll(current);
        }
        next.put(key, value);
      }
    }
    return next == null ? current : Collections.unmodifiableMap(next);
  }
}
