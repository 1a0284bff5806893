package io.raftkv.sim;

import io.raftkv.cli.HistoryCheck.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The client's operations as a Jepsen history over a key-value object, for the project's
 * linearizability checker: each command the cluster accepted is a write of the command's id to key
 * {@code id % KEYS}, acknowledged (ok) when the proposer applied it. A write the proposer did not
 * see applied (it crashed, or lost leadership) is resolved at the end of the run from the cluster's
 * committed log: committed, it completes (ok) when its index was first committed, which is when a
 * Raft write takes effect; never committed, it did not happen (fail). Each read a leader took reads one key ({@code ctx % KEYS}) and returns the last command
 * written to it in the prefix the leader applied, or fails when the read is aborted or its node
 * crashes. Every operation is its own process (the client has many in flight).
 */
final class ClientHistory {
  static final int KEYS = 8;

  private final List<Event> events = new ArrayList<>();
  private final Map<Long, Long> writeProcess = new HashMap<>();
  private final Map<Long, Long> writeIndex = new HashMap<>();
  private final Map<Long, Long> readProcess = new HashMap<>();
  private long nextProcess = 1;

  /** What became of a write by the end of the run. */
  interface Outcome {
    /** When the command proposed at {@code index} was first committed, or -1 if it never was. */
    long committedAt(long command, long index);
  }

  void writeInvoked(long command, long index, long now) {
    long process = nextProcess++;
    writeProcess.put(command, process);
    writeIndex.put(command, index);
    events.add(new Event(process, "invoke", "write", command % KEYS, command, now));
  }

  void writeAcknowledged(long command, long now) {
    Long process = writeProcess.remove(command);
    if (process != null) {
      events.add(new Event(process, "ok", "write", command % KEYS, command, now));
    }
  }

  void readInvoked(long ctx, long now) {
    long process = nextProcess++;
    readProcess.put(ctx, process);
    events.add(new Event(process, "invoke", "read", ctx % KEYS, null, now));
  }

  /** The read {@code ctx} returned {@code command} (0: the key is absent). */
  void readReturned(long ctx, long command, long now) {
    Long process = readProcess.remove(ctx);
    if (process != null) {
      events.add(new Event(process, "ok", "read", ctx % KEYS, command == 0 ? null : command, now));
    }
  }

  /** The read {@code ctx} was refused or aborted: it returned nothing. */
  void readFailed(long ctx, long now) {
    Long process = readProcess.remove(ctx);
    if (process != null) {
      events.add(new Event(process, "fail", "read", ctx % KEYS, null, now));
    }
  }

  /** The key a read returns a value of. */
  static long keyOf(long ctx) {
    return ctx % KEYS;
  }

  /**
   * The history in time order: writes never acknowledged resolved by {@code outcome}, reads never
   * answered failed at {@code end}.
   */
  List<Event> finish(long end, Outcome outcome) {
    List<Event> all = new ArrayList<>(events);
    writeProcess.forEach((command, process) -> {
      long at = outcome.committedAt(command, writeIndex.get(command));
      all.add(new Event(process, at < 0 ? "fail" : "ok", "write", command % KEYS, command, at < 0 ? end : at));
    });
    readProcess.forEach((ctx, process) -> all.add(new Event(process, "fail", "read", ctx % KEYS, null, end)));
    all.sort(java.util.Comparator.comparingLong(Event::time));
    return all;
  }
}
