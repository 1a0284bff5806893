package io.raftkv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The open loop's schedule: operation i is due at start + floor(i * 1e9 / rate) ns exactly, with no
 * drift over long runs, and {@code countBefore} is its inverse (the number of operations due
 * before an instant), which is how a run knows how many it should have sent.
 */
class OpenLoopScheduleTest {

    @Test
    void intendedInstantsAreEvenlySpacedFromTheStart() {
        OpenLoopSchedule schedule = new OpenLoopSchedule(1_000, 3);
        assertEquals(1_000, schedule.intendedNanos(0));
        assertEquals(1_000 + 333_333_333, schedule.intendedNanos(1));
        assertEquals(1_000 + 666_666_666, schedule.intendedNanos(2));
        assertEquals(1_000 + 1_000_000_000, schedule.intendedNanos(3));
        assertEquals(1_000 + 1_333_333_333, schedule.intendedNanos(4));
    }

    @Test
    void noDriftAndNoOverflowOverLongRuns() {
        OpenLoopSchedule schedule = new OpenLoopSchedule(-5, 7_000_000);
        // A day at 7 million per second: exactly 86,400 s after the start, even though 1e9 / 7e6 is not whole.
        assertEquals(-5 + 86_400L * 1_000_000_000L, schedule.intendedNanos(86_400L * 7_000_000));
        OpenLoopSchedule slow = new OpenLoopSchedule(0, 1);
        assertEquals(3_600_000_000_000L, slow.intendedNanos(3_600));
    }

    @Test
    void countBeforeIsTheInverseOfIntendedNanos() {
        for (long rate : new long[] {1, 3, 7, 1_000, 999_983, 10_000_000}) {
            OpenLoopSchedule schedule = new OpenLoopSchedule(123_456, rate);
            for (long index : new long[] {0, 1, 2, rate - 1, rate, rate + 1, 5 * rate + 3, 1_000_003}) {
                long due = schedule.intendedNanos(index);
                assertEquals(index, schedule.countBefore(due), "rate " + rate + ", operation " + index);
                boolean spaced = schedule.intendedNanos(index + 1) > due + 1;
                if (spaced) {
                    assertEquals(index + 1, schedule.countBefore(due + 1), "rate " + rate + ", just after " + index);
                }
            }
            assertEquals(0, schedule.countBefore(0), "nothing is due before the start");
        }
    }

    @Test
    void badRatesAndIndexesAreRefused() {
        assertEquals("the rate must be in 1..10000000 operations per second, got 0",
                assertThrows(IllegalArgumentException.class, () -> new OpenLoopSchedule(0, 0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new OpenLoopSchedule(0, 10_000_001));
        assertThrows(IllegalArgumentException.class, () -> new OpenLoopSchedule(0, 5).intendedNanos(-1));
    }
}
