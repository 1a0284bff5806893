package io.raftkv.jepsen.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.cli.HistoryCheck;
import io.raftkv.cli.HistoryCheck.Event;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * The checker the simulator finds through {@link ServiceLoader}: a key-value history where a read
 * that began after a write was acknowledged returns the value before it is invalid, naming the key;
 * the same history with the read returning the new value, or overlapping the write, is valid.
 */
class KeyValueHistoryCheckTest {
  private final HistoryCheck check = ServiceLoader.load(HistoryCheck.class).findFirst().orElseThrow();

  /** Writes 11 then 12 to key 3, a read of key 3 returning {@code readValue}, a read of key 5. */
  private static List<Event> history(Long readValue, long readInvokedAt) {
    List<Event> events = new java.util.ArrayList<>(List.of(
        new Event(1, "invoke", "write", 3, 11L, 0),
        new Event(1, "ok", "write", 3, 11L, 10),
        new Event(2, "invoke", "write", 3, 12L, 20),
        new Event(2, "ok", "write", 3, 12L, 30),
        new Event(3, "invoke", "read", 3, null, readInvokedAt),
        new Event(3, "ok", "read", 3, readValue, 40),
        new Event(4, "invoke", "read", 5, null, 41),
        new Event(4, "ok", "read", 5, null, 42)));
    events.sort(java.util.Comparator.comparingLong(Event::time)); // a history is in time order
    return events;
  }

  @Test
  void aStaleReadIsInvalidAndNamesItsKey() {
    HistoryCheck.Result result = check.checkKeyValue(history(11L, 35), Duration.ofSeconds(10));
    assertEquals("invalid", result.verdict(), result.detail());
    assertTrue(result.detail().contains("key 3"), result.detail());
  }

  @Test
  void aFreshReadOrOneOverlappingTheWriteIsValid() {
    assertEquals("valid", check.checkKeyValue(history(12L, 35), Duration.ofSeconds(10)).verdict());
    assertEquals("valid", check.checkKeyValue(history(11L, 25), Duration.ofSeconds(10)).verdict());
  }

  @Test
  void aWriteThatFailedIsNeverSeen() {
    List<Event> failedThenSeen = List.of(
        new Event(1, "invoke", "write", 0, 7L, 0),
        new Event(1, "fail", "write", 0, 7L, 5),
        new Event(2, "invoke", "read", 0, null, 6),
        new Event(2, "ok", "read", 0, 7L, 8));
    assertEquals("invalid", check.checkKeyValue(failedThenSeen, Duration.ofSeconds(10)).verdict());
  }
}
