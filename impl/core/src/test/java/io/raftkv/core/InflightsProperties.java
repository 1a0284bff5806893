package io.raftkv.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Differential test of the inflight ring buffer against an unbounded queue: for random sequences
 * of add / free-up-to / free-all / reset, the count and fullness agree after every operation,
 * across many wrap-arounds of the ring.
 */
class InflightsProperties {

    @Property(tries = 1000)
    void ringBufferBehavesLikeAQueue(
            @ForAll @IntRange(min = 1, max = 6) int capacity,
            @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 9) Integer> operations) {
        Inflights inflights = new Inflights(capacity);
        ArrayDeque<Long> naive = new ArrayDeque<>();
        long next = 1;
        for (int operation : operations) {
            if (operation <= 4) { // add (the most common operation)
                if (naive.size() < capacity) {
                    next += operation;
                    inflights.add(next);
                    naive.addLast(next);
                    next++;
                }
            } else if (operation <= 7) { // acknowledgement up to some index
                long upTo = next - (operation - 4) * 2L;
                inflights.freeUpTo(upTo);
                while (!naive.isEmpty() && naive.peekFirst() <= upTo) {
                    naive.removeFirst();
                }
            } else if (operation == 8) { // everything acknowledged
                inflights.freeUpTo(next);
                naive.clear();
            } else {
                inflights.reset();
                naive.clear();
            }
            assertEquals(naive.size(), inflights.count());
            assertEquals(naive.size() == capacity, inflights.full());
        }
    }
}
