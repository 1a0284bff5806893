package io.raftkv.jepsen.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raftkv.jepsen.history.Keyword;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each model's step function, rule by rule: legal steps give the next state, impossible
 * observations give ILLEGAL, unknown outcomes constrain only through their input, and the
 * options (initial value, nil-read wildcard, failed cas kept as an observation) do what they say.
 */
class ModelsTest {
  private static Operation ok(String f, Object input, Object output) {
    return new Operation(f, null, input, output, Outcome.OK);
  }

  private static Operation unknown(String f, Object input) {
    return new Operation(f, null, input, null, Outcome.UNKNOWN);
  }

  private static List<Object> list(Object... values) {
    return Collections.unmodifiableList(new ArrayList<>(Arrays.asList(values)));
  }

  @Test
  void casRegister() {
    Model m = Models.create("cas-register", null, false, false);
    assertEquals(0L, m.initialState());
    assertEquals(3L, m.step(0L, ok("write", 3L, 3L)));
    assertEquals(3L, m.step(3L, ok("read", null, 3L)));
    assertSame(Model.ILLEGAL, m.step(3L, ok("read", null, 4L)));
    assertSame(Model.ILLEGAL, m.step(3L, ok("read", null, null)), "nil means absent unless the wildcard is on");
    assertEquals(5L, m.step(3L, ok("cas", list(3L, 5L), list(3L, 5L))));
    assertSame(Model.ILLEGAL, m.step(2L, ok("cas", list(3L, 5L), list(3L, 5L))));
    assertSame(Model.ILLEGAL, m.step(2L, unknown("cas", list(3L, 5L))), "a crashed cas needs its expected value too");
    assertEquals(2L, m.step(2L, unknown("read", null)));
    Operation failedCas = new Operation("cas", null, list(3L, 5L), null, Outcome.FAILED);
    assertEquals(2L, m.step(2L, failedCas));
    assertSame(Model.ILLEGAL, m.step(3L, failedCas));
  }

  @Test
  void registerOptions() {
    Model wildcard = Models.create("register", null, false, true);
    assertEquals(7L, wildcard.step(7L, ok("read", null, null)));
    Model absent = Models.create("register", null, true, false);
    assertEquals(null, absent.initialState());
    assertEquals(null, absent.step(null, ok("read", null, null)));
    assertThrows(IllegalArgumentException.class, () -> absent.prepare(ok("cas", list(1L, 2L), null)));
    assertThrows(IllegalArgumentException.class,
        () -> Models.create("cas-register", null, false, false).prepare(ok("cas", 1L, null)));
  }

  @Test
  void mutex() {
    Model m = Models.create("mutex", null, false, false);
    assertEquals(false, m.initialState());
    assertEquals(true, m.step(false, ok("acquire", null, null)));
    assertSame(Model.ILLEGAL, m.step(true, ok("acquire", null, null)));
    assertEquals(false, m.step(true, ok("release", null, null)));
    assertSame(Model.ILLEGAL, m.step(false, ok("release", null, null)));
    assertEquals("held", m.describe(true));
  }

  @Test
  void multiRegister() {
    Model m = Models.create("multi-register", Map.of(Keyword.of("x"), 0L, Keyword.of("y"), 0L), true, false);
    Operation write = m.prepare(ok("txn", list(list(Keyword.of("write"), Keyword.of("x"), 2L)),
        list(list(Keyword.of("write"), Keyword.of("x"), 2L))));
    Object state = m.step(m.initialState(), write);
    assertEquals(Map.of("x", 2L, "y", 0L), state);
    Operation read = m.prepare(ok("txn", list(list(Keyword.of("read"), Keyword.of("x"), null),
        list(Keyword.of("read"), Keyword.of("y"), null)), list(list(Keyword.of("read"), Keyword.of("x"), 2L),
        list(Keyword.of("read"), Keyword.of("y"), 0L))));
    assertEquals(state, m.step(state, read));
    assertSame(Model.ILLEGAL, m.step(m.initialState(), read));
    List<Object> micros = list(list("write", "y", 5L), list("read", "y", 5L));
    Operation writeThenRead = m.prepare(ok("txn", micros, micros));
    assertEquals(Map.of("x", 0L, "y", 5L), m.step(m.initialState(), writeThenRead), "reads see the txn's own writes");
    assertThrows(IllegalArgumentException.class, () -> m.prepare(ok("read", null, 1L)));
  }

  @Test
  void kvPerKeyAndWhole() {
    KvModel kv = (KvModel) Models.create("kv", null, false, false);
    Operation put = kv.prepare(new Operation("put", "a", "x", "x", Outcome.OK));
    Operation append = kv.prepare(new Operation("append", "a", "y", "y", Outcome.OK));
    Operation get = kv.prepare(new Operation("get", "a", null, "xy", Outcome.OK));
    Operation getAbsent = kv.prepare(new Operation("get", "b", null, null, Outcome.OK));
    Model key = kv.partitionModel();
    assertEquals(null, key.initialState(), "absent");
    assertEquals("xy", key.step(key.step(null, put), append));
    assertEquals("xy", key.step("xy", get));
    assertSame(Model.ILLEGAL, key.step("x", get));
    assertEquals("y", key.step(null, append), "append to absent starts from empty");
    Object whole = kv.step(kv.step(kv.initialState(), put), append);
    assertEquals(Map.of("a", "xy"), whole);
    assertEquals(whole, kv.step(whole, getAbsent));
    assertEquals("a", kv.partitionOf(put));
    Operation tuple = kv.prepare(new Operation("cas", null, list(3L, list("", "z")), list(3L, list("", "z")), Outcome.OK));
    assertEquals(3L, tuple.key(), "Jepsen independent [key value] tuples");
    Model porcupine = Models.create("kv", "", true, false).partitionModel();
    assertEquals("z", porcupine.step(porcupine.initialState(), tuple));
    assertThrows(IllegalArgumentException.class, () -> kv.prepare(new Operation("incr", "a", 1L, null, Outcome.OK)));
  }
}
