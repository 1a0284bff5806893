package io.raftkv.jepsen.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** Lists that may hold nulls, for expected values in tests. */
final class HistoryBuilderAccess {
  private HistoryBuilderAccess() {}

  static List<Object> list(Object... values) {
    return Collections.unmodifiableList(new ArrayList<>(Arrays.asList(values)));
  }
}
