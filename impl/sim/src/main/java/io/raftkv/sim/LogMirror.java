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
 *
 * <p>Like the spec's {@code log[i]}, a running node's mirror keeps its whole log when the node
 * compacts it: the entries a snapshot covers stay here. Only a log that starts from a snapshot (a
 * restart from one, or a leader's snapshot that replaced the log) has a <em>base</em>: the entries
 * up to {@link #base()} are the snapshot's content, known by the hash of their prefix alone (the
 * simulated state machine's snapshot carries it), and entry and term lookups start after it.
 */
final class LogMirror {

  long currentTerm;
  long votedFor;
  long commitIndex;
  /** Entries up to here are a snapshot's content: only their prefix hash and last term are known. */
  private long base;
  private long baseTerm;
  /** Entries base+1.. in order. */
  private final ArrayList<Entry> log = new ArrayList<>();
  /** prefixHashes[k] is the hash of entries 1..base+k; prefixHashes[0] the snapshot's. */
  private long[] prefixHashes = new long[64];

  /** A mirror of a recovered state. */
  static LogMirror of(HardState hardState, List<Entry> entries) {
    return of(hardState, 0, 0, 0, entries);
  }

  /**
   * A mirror of a state recovered over a snapshot of entries 1..{@code base} whose last term is
   * {@code baseTerm} and whose prefix hash is {@code baseHash}; {@code entries} follow it.
   */
  static LogMirror of(HardState hardState, long base, long baseTerm, long baseHash, List<Entry> entries) {
    LogMirror mirror = new LogMirror();
    mirror.resetTo(base, baseTerm, baseHash);
    mirror.write(entries);
    mirror.setHardState(hardState);
    return mirror;
  }

  /**
   * The log is now the snapshot of entries 1..{@code index} alone (a leader's snapshot replaced
   * it): every entry goes.
   */
  void resetTo(long index, long term, long hash) {
    log.clear();
    base = index;
    baseTerm = term;
    prefixHashes[0] = hash;
  }

  /** The last index whose entry is known only as part of a snapshot (0: every entry is here). */
  long base() {
    return base;
  }

  /** Whether the entry at {@code index} is held (not only a snapshot's content). */
  boolean holds(long index) {
    return index > base && index <= lastIndex();
  }

  void setHardState(HardState hardState) {
    currentTerm = hardState.currentTerm();
    votedFor = hardState.votedFor();
    commitIndex = hardState.commitIndex();
  }

  long lastIndex() {
    return base + log.size();
  }

  Entry entry(long index) {
    if (index <= base) {
      throw Checks.broken("entry %s is inside the snapshot up to %s", index, base);
    }
    return log.get((int) (index - base - 1));
  }

  long termAt(long index) {
    if (index == base) {
      return baseTerm;
    }
    return entry(index).term();
  }

  /**
   * Hash of entries 1..index; 0 for the empty prefix. Below the base it is not known (see {@code
   * SafetyChecker}, which stands in the committed log's, against which the base was checked).
   */
  long prefixHash(long index) {
    if (index < base || index > lastIndex()) {
      throw Checks.broken("prefixHash(%s) outside %s..%s", index, base, lastIndex());
    }
    return prefixHashes[(int) (index - base)];
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
      return lastIndex() + 1;
    }
    long first = entries.get(0).index();
    Checks.check(
        first > base && first <= lastIndex() + 1,
        "entries start at %s but the log holds %s..%s (a gap, or inside its snapshot)",
        first,
        base + 1,
        lastIndex());
    long firstChanged = firstChange(first, entries);
    long newLast = first + entries.size() - 1;
    if (newLast < lastIndex() && firstChanged == Long.MAX_VALUE) {
      firstChanged = newLast + 1;
    }
    // Truncate then append: the batch replaces everything from `first` on.
    while (lastIndex() >= first) {
      log.remove(log.size() - 1);
    }
    log.addAll(entries);
    if (prefixHashes.length <= log.size()) {
      long[] bigger = new long[Math.max(prefixHashes.length * 2, log.size() + 1)];
      System.arraycopy(prefixHashes, 0, bigger, 0, prefixHashes.length);
      prefixHashes = bigger;
    }
    int from = (int) (Math.min(first, firstChanged) - base);
    for (int k = from; k <= log.size(); k++) {
      prefixHashes[k] = chain(prefixHashes[k - 1], log.get(k - 1));
    }
    return Math.min(firstChanged, lastIndex() + 1);
  }

  /** The first index from {@code first} on where {@code entries} differ from the log's. */
  private long firstChange(long first, List<Entry> entries) {
    for (int k = 0; k < entries.size(); k++) {
      Entry entry = entries.get(k);
      long index = first + k;
      if (entry.index() != index) {
        throw Checks.broken("entries not contiguous at %s: %s", index, entry);
      }
      if (index > lastIndex() || !entry.equals(entry(index))) {
        for (int rest = k + 1; rest < entries.size(); rest++) {
          if (entries.get(rest).index() != first + rest) {
            throw Checks.broken("entries not contiguous at %s: %s", first + rest, entries.get(rest));
          }
        }
        return index;
      }
    }
    return Long.MAX_VALUE;
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
