package io.raftkv.sim;

import java.util.Arrays;

/**
 * The simulator's agenda: events ordered by logical time, ties broken by scheduling order.
 *
 * <p>The tie-break makes the order total, so the same seed always pops the same sequence. A plain
 * binary heap over parallel arrays keeps the hot loop free of comparator and boxing overhead.
 */
final class EventQueue {

  /** One scheduled event; {@code payload} is whatever its kind needs (a message, a fault). */
  record Event(long time, long sequence, EventKind kind, int node, Object payload) {}

  enum EventKind {
    TICK,
    DELIVER,
    CLIENT,
    NEMESIS,
    /** A write's fsync or its completion notice ({@link SimLogStore.DiskEvent}). */
    DISK,
    /** A restart the simulation itself arranges (not a fault): after a failover, a freed disk. */
    RESTART,
    /**
     * A killed process's connection to {@code node} closed (its kernel sent a FIN): the payload is
     * the killed node's id.
     */
    DISCONNECT,
  }

  private Event[] heap = new Event[256];
  private int size;
  private long nextSequence;

  void schedule(long time, EventKind kind, int node, Object payload) {
    if (time < 0) {
      throw Checks.broken("negative time %s", time);
    }
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    Event event = new Event(time, nextSequence++, kind, node, payload);
    int index = size++;
    while (index > 0) {
      int parent = (index - 1) >>> 1;
      if (!before(event, heap[parent])) {
        break;
      }
      heap[index] = heap[parent];
      index = parent;
    }
    heap[index] = event;
  }

  boolean isEmpty() {
    return size == 0;
  }

  Event peek() {
    return size == 0 ? null : heap[0];
  }

  Event pop() {
    Checks.check(size > 0, "pop from an empty queue");
    Event top = heap[0];
    Event last = heap[--size];
    heap[size] = null;
    if (size > 0) {
      int index = 0;
      while (true) {
        int child = 2 * index + 1;
        if (child >= size) {
          break;
        }
        if (child + 1 < size && before(heap[child + 1], heap[child])) {
          child++;
        }
        if (!before(heap[child], last)) {
          break;
        }
        heap[index] = heap[child];
        index = child;
      }
      heap[index] = last;
    }
    return top;
  }

  int size() {
    return size;
  }

  private static boolean before(Event a, Event b) {
    return a.time < b.time || (a.time == b.time && a.sequence < b.sequence);
  }
}
