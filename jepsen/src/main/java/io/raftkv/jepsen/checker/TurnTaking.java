package io.raftkv.jepsen.checker;

import io.raftkv.jepsen.model.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Searches independent partitions so that none waits on another: each search runs in turns of a
 * number of steps, goes to the back of the queue when its turn ends without a verdict, and gets
 * a turn twice as long the next time. The first partition found not linearizable cancels the
 * rest. One thread or several take the turns; the verdicts do not depend on how many.
 *
 * <p>Why: searched one after the other, a partition whose search is exponential holds back every
 * partition behind it until the time bound, even one that would fail in a few steps. Taking turns
 * on one thread, a partition whose search needs {@code S} steps is decided before any other has
 * taken {@code 2S + }{@link #FIRST_TURN_STEPS} (its last turn ends less than one doubling past
 * {@code S}, and no other has had more turns), so with {@code P} partitions the steps taken in all
 * stay under {@code P (2S + FIRST_TURN_STEPS)}. On several threads the same holds roughly.
 * Doubling keeps the number of turns per search logarithmic in its length, so a check whose
 * partitions are all hard pays little for the switching. Porcupine gets the same effect by giving
 * each partition a goroutine, which Go's scheduler preempts.
 */
final class TurnTaking {
  /** Enough for a typical partition (a few hundred ops) to be decided in its first turn. */
  static final long FIRST_TURN_STEPS = 4096;
  private static final long LONGEST_TURN_STEPS = 1L << 40;
  private static final SearchResult CANCELLED = new SearchResult(Verdict.UNKNOWN,
      "cancelled: another partition is not linearizable", 0, List.of());

  private final Model model;
  private final List<List<PairedOp>> parts;
  private final Budget budget;
  private final SearchResult[] results;
  /** Steps each partition's search took; each is written only by the thread holding its turn. */
  private final long[] steps;
  private final Queue<Turn> queue = new ConcurrentLinkedQueue<>();

  /** A partition waiting for its next turn; the search is made on its first turn. */
  private static final class Turn {
    final int part;
    WglSearch search;
    long stepLimit = FIRST_TURN_STEPS;

    Turn(int part) {
      this.part = part;
    }
  }

  /**
   * @param order the order of the first turns (indices into {@code parts})
   */
  TurnTaking(Model model, List<List<PairedOp>> parts, List<Integer> order, Budget budget) {
    this.model = model;
    this.parts = parts;
    this.budget = budget;
    results = new SearchResult[parts.size()];
    steps = new long[parts.size()];
    for (int part : order) {
      queue.add(new Turn(part));
    }
  }

  /** Searches every partition, on the calling thread or on {@code threads} threads of {@code pool}. */
  SearchResult[] run(int threads, ExecutorService pool) {
    if (threads <= 1) {
      takeTurns();
      return results;
    }
    List<Future<?>> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      workers.add(pool.submit(this::takeTurns));
    }
    for (Future<?> worker : workers) {
      try {
        worker.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        budget.cancelled.set(true);
      } catch (ExecutionException e) {
        throw new IllegalStateException("search failed", e.getCause());
      }
    }
    for (int part = 0; part < results.length; part++) {
      if (results[part] == null) { // only when the waiting thread was interrupted
        results[part] = CANCELLED;
      }
    }
    return results;
  }

  /** Steps partition {@code part}'s search took (after {@link #run}). */
  long steps(int part) {
    return steps[part];
  }

  /**
   * Takes turns until the queue is empty. A turn that ends without a verdict is queued again
   * before this thread looks for the next, so no partition is dropped while threads finish.
   */
  private void takeTurns() {
    Turn turn;
    while ((turn = queue.poll()) != null) {
      if (budget.cancelled.get()) {
        results[turn.part] = turn.search == null ? CANCELLED : new SearchResult(Verdict.UNKNOWN,
            CANCELLED.reason(), turn.search.configurations(), List.of());
        continue;
      }
      if (turn.search == null) {
        turn.search = new WglSearch(model, parts.get(turn.part), budget);
      }
      SearchResult result = turn.search.resume(turn.stepLimit);
      steps[turn.part] = turn.search.steps();
      if (result == null) {
        turn.stepLimit = Math.min(2 * turn.stepLimit, LONGEST_TURN_STEPS);
        queue.add(turn);
        continue;
      }
      results[turn.part] = result;
      if (result.verdict() == Verdict.NOT_LINEARIZABLE) {
        budget.cancelled.set(true);
      }
    }
  }
}
