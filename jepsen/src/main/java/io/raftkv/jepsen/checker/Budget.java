package io.raftkv.jepsen.checker;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The bounds of one check: a deadline, a memory allowance per search, and a flag that cancels
 * every search of the check once one partition is found not linearizable.
 */
final class Budget {
  final long deadlineNanos;
  final long maxBytes;
  final AtomicBoolean cancelled = new AtomicBoolean();

  Budget(long deadlineNanos, long maxBytes) {
    this.deadlineNanos = deadlineNanos;
    this.maxBytes = maxBytes;
  }
}
