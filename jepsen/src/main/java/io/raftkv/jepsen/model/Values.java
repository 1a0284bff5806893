package io.raftkv.jepsen.model;

import io.raftkv.jepsen.history.Keyword;
import java.util.List;

/** Small helpers shared by the models. */
final class Values {
  private Values() {}

  /** A keyword or string as its bare name; null otherwise. */
  static String name(Object value) {
    if (value instanceof Keyword k) {
      return k.name();
    }
    return value instanceof String s ? s : null;
  }

  /** The value as a two-element list, or a clear error naming the op. */
  static List<?> pair(Operation op, Object value, String what) {
    if (value instanceof List<?> list && list.size() == 2) {
      return list;
    }
    throw new IllegalArgumentException(op.f() + " needs " + what + ", got " + value);
  }
}
