package io.raftkv.sim;

import io.raftkv.core.Entry;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.LongFunction;

/**
 * The simulated state machine of one node incarnation: how far it has applied, the chained hash of
 * every entry applied (the same chain as {@link LogMirror#prefixHash}, so after applying 1..i it
 * equals the prefix hash of the committed log at i), and a small table of the command ids of the
 * last {@value #SLOTS} entries (by index modulo {@value #SLOTS}), which gives its snapshots a size
 * that a small {@code maxMessageBytes} splits into several chunks.
 *
 * <p>Snapshot format, big-endian: {@code index u64 | hash u64 | table[SLOTS] u64}.
 */
final class SimStateMachine {

  static final int SLOTS = 16;
  static final int SNAPSHOT_BYTES = 8 * (2 + SLOTS);

  long applied;
  long hash;
  final long[] table = new long[SLOTS];

  /** Applies the entry after {@link #applied} (the caller has checked that it follows). */
  void apply(Entry entry) {
    applied = entry.index();
    hash = LogMirror.chain(hash, entry);
    table[slot(entry.index())] = Workload.commandOf(entry);
  }

  byte[] snapshot() {
    ByteBuffer bytes = ByteBuffer.allocate(SNAPSHOT_BYTES).putLong(applied).putLong(hash);
    for (long command : table) {
      bytes.putLong(command);
    }
    return bytes.array();
  }

  /** A state machine as restored from {@code data}; null if it is not a snapshot of this format. */
  static SimStateMachine decode(byte[] data) {
    if (data.length != SNAPSHOT_BYTES) {
      return null;
    }
    ByteBuffer bytes = ByteBuffer.wrap(data);
    SimStateMachine machine = new SimStateMachine();
    machine.applied = bytes.getLong();
    machine.hash = bytes.getLong();
    for (int k = 0; k < SLOTS; k++) {
      machine.table[k] = bytes.getLong();
    }
    return machine;
  }

  /** Takes over {@code other}'s state (a restore). */
  void restore(SimStateMachine other) {
    applied = other.applied;
    hash = other.hash;
    System.arraycopy(other.table, 0, table, 0, SLOTS);
  }

  /**
   * Whether this is the state after applying exactly the entries 1..{@link #applied} of a log
   * whose prefix hash there is {@code prefixHash} and whose entries are {@code entryAt}.
   */
  boolean matches(long prefixHash, LongFunction<Entry> entryAt) {
    if (hash != prefixHash) {
      return false;
    }
    long[] expected = new long[SLOTS];
    for (long index = Math.max(1, applied - SLOTS + 1); index <= applied; index++) {
      expected[slot(index)] = Workload.commandOf(entryAt.apply(index));
    }
    return Arrays.equals(expected, table);
  }

  private static int slot(long index) {
    return (int) (index % SLOTS);
  }

  @Override
  public String toString() {
    return "applied " + applied + ", hash " + Long.toHexString(hash) + ", table "
        + Arrays.toString(table);
  }
}
