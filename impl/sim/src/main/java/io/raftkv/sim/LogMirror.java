package io.raftkv.sim;

import io.raftkv.core.Entry;
import io.raftkv.core.HardState;
import java.util.ArrayList;
import java.util.List;

/**
 * The simulator's own copy of one node's log and hard state as the node loop handed them to
 * storage (every write batch, sync or async, in order): the node's in-memory log, which is what the
 * spec's {@code log[i]} is. It does not survive a crash; a restart rebuilds it from what the
 * write-ahead log recovered, after comparing the two.
 *
 * <p>Alongside the log it keeps a chained hash per index ({@code prefixHash(i)} commits to the
 * terms and payloads of entries 1..i), so the checkers compare whole log prefixes in O(1).
 */
final class LogMirror {

  long currentTerm;
  long votedFor;
  long commitIndex;
  private final ArrayList<Entry> log = new ArrayList<>();
  private long[] prefixHashes = new long[64];

  /** A mirror of a recovered state. */
  static LogMirror of(HardState hardState, List<Entry> entries) {
    LogMirror mirror = new LogMirror();
    mirror.write(entries);
    mirror.setHardState(hardState);
    return mirror;
  }

  void setHardState(HardState hardState) {
    currentTerm = hardState.currentTerm();
    votedFor = hardState.votedFor();
    commitIndex = hardState.commitIndex();
  }

  long lastIndex() {
    return log.size();
  }

  Entry entry(long index) {
    return log.get((int) (index - 1));
  }

  long termAt(long index) {
    return index == 0 ? 0 : log.get((int) (index - 1)).term();
  }

  /** Hash of entries 1..index; 0 for the empty prefix. */
  long prefixHash(long index) {
    if (index < 0 || index > log.size()) {
      throw Checks.broken("prefixHash(%s) beyond %s", index, log.size());
    }
    return index == 0 ? 0 : prefixHashes[(int) index];
  }

  List<Entry> entries() {
    return List.copyOf(log);
  }

  /**
   * Replaces the stored entries from the first given entry's index on. Returns the first index
   * whose content changed (lastIndex()+1 when nothing did), so callers check only what is new.
   */
  long write(List<Entry> entries) {
    if (entries.isEmpty()) {
      return log.size() + 1L;
    }
    long first = entries.get(0).index();
    Checks.check(
        first >= 1 && first <= log.size() + 1L,
        "entries start at %s but the log holds 1..%s (a gap)",
        first,
        log.size());
    long previousLast = log.size();
    long firstChanged = Long.MAX_VALUE;
    for (int k = 0; k < entries.size(); k++) {
      Entry entry = entries.get(k);
      long index = first + k;
      if (entry.index() != index) {
        throw Checks.broken("entries not contiguous at %s: %s", index, entry);
      }
      if (index <= log.size()) {
        if (firstChanged == Long.MAX_VALUE && !entry.equals(log.get((int) (index - 1)))) {
          firstChanged = index;
        }
      } else if (firstChanged == Long.MAX_VALUE) {
        firstChanged = index;
      }
    }
    long newLast = first + entries.size() - 1;
    if (newLast < previousLast && firstChanged == Long.MAX_VALUE) {
      firstChanged = newLast + 1;
    }
    // Truncate then append: the batch replaces everything from `first` on.
    while (log.size() >= first) {
      log.remove(log.size() - 1);
    }
    log.addAll(entries);
    if (prefixHashes.length <= log.size()) {
      long[] bigger = new long[Math.max(prefixHashes.length * 2, log.size() + 1)];
      System.arraycopy(prefixHashes, 0, bigger, 0, prefixHashes.length);
      prefixHashes = bigger;
    }
    long from = Math.min(first, firstChanged);
    for (long index = from; index <= log.size(); index++) {
      prefixHashes[(int) index] = chain(prefixHashes[(int) index - 1], log.get((int) (index - 1)));
    }
    return Math.min(firstChanged, log.size() + 1L);
  }

  /** The hash of a prefix extended by one entry; the same function builds the committed log's. */
  static long chain(long previous, Entry entry) {
    long h = previous * 0x9E3779B97F4A7C15L + entry.term();
    h = mix(h) ^ entry.type().ordinal();
    for (byte b : entry.data()) {
      h = h * 31 + b;
    }
    return mix(h + entry.data().length);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
