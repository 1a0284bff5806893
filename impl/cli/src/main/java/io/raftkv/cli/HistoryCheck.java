package io.raftkv.cli;

import java.time.Duration;
import java.util.List;

/**
 * A linearizability checker for a key-value client history, as commands in impl (the simulator)
 * need one: the checker lives in the jepsen module, which depends on impl, so impl finds it with
 * {@link java.util.ServiceLoader} (jepsen lists its class in
 * {@code META-INF/services/io.raftkv.cli.HistoryCheck}). Callers must say clearly when none is on
 * the class path.
 */
public interface HistoryCheck {

  /**
   * One event of a history, as Jepsen records it: an invocation, then its completion by the same
   * process ({@code ok}: it happened, with the value read; {@code fail}: it certainly did not;
   * {@code info}: it may have). Time orders the events; a completion's time is at or after its
   * invocation's.
   *
   * @param process the client process (one operation in flight at a time per process)
   * @param type    {@code invoke}, {@code ok}, {@code fail} or {@code info}
   * @param f       {@code write} or {@code read}
   * @param key     the key (keys are independent registers, each starting absent)
   * @param value   the value written, or the value read on {@code ok} (null: absent), else null
   * @param time    when, in the caller's time unit
   */
  record Event(long process, String type, String f, long key, Long value, long time) {}

  /**
   * The verdict on a history.
   *
   * @param verdict {@code valid}, {@code invalid} or {@code unknown} (the search ran out of time)
   * @param detail  for {@code invalid}, the anomaly (key, the operation that cannot be placed);
   *                else a short summary
   */
  record Result(String verdict, String detail) {}

  /** Checks {@code history} (in time order) with a register per key, within {@code timeout}. */
  Result checkKeyValue(List<Event> history, Duration timeout);
}
