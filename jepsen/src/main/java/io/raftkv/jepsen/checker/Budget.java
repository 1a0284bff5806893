package io.raftkv.jepsen.checker;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounds of one check: a deadline, the memory every search of the check may hold in all
 * (searches taking turns are alive at once, so the bound is on their sum), and a flag that
 * cancels every search of the check once one partition is found not linearizable.
 */
final class Budget {
  final long deadlineNanos;
  final long maxBytes;
  final AtomicBoolean cancelled = new AtomicBoolean();
  /** Bytes the live searches hold; at most {@link #maxBytes}. */
  private final AtomicLong reservedBytes = new AtomicLong();

  Budget(long deadlineNanos, long maxBytes) {
    this.deadlineNanos = deadlineNanos;
    this.maxBytes = maxBytes;
  }

  /** Takes {@code bytes} from the allowance; false (and nothing taken) if that would exceed it. */
  boolean reserve(long bytes) {
    if (reservedBytes.addAndGet(bytes) <= maxBytes) {
      return true;
    }
    reservedBytes.addAndGet(-bytes);
    return false;
  }

  /** Gives back what a search took, once it has its verdict. */
  void release(long bytes) {
    reservedBytes.addAndGet(-bytes);
  }

  long reservedBytes() {
    return reservedBytes.get();
  }
}
