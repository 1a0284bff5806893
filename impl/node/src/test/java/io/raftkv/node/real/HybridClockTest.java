package io.raftkv.node.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HybridClockTest {
    private static final long WALL = 1_780_000_000_000_000L;
    private static final long NANOS = 5_000_000_000L;

    @Test
    void stampsRiseByOneBetweenTicksAndJumpToATicksTime() {
        HybridClock clock = new HybridClock(WALL, NANOS);
        assertEquals(WALL + 1, clock.stamp());
        assertEquals(WALL + 2, clock.stamp());
        clock.tick(NANOS + 10_000_000L); // a tick due 10 ms after the start
        assertEquals(WALL + 10_000, clock.stamp());
        assertEquals(WALL + 10_001, clock.stamp());
    }

    @Test
    void aReceivedStampRaisesTheNextStampAboveIt() {
        HybridClock clock = new HybridClock(WALL, NANOS);
        clock.receive(WALL + 50_000);
        assertEquals(WALL + 50_001, clock.stamp());
        clock.tick(NANOS + 10_000_000L); // a tick's time below what was heard does not lower a stamp
        assertEquals(WALL + 50_002, clock.stamp());
        clock.receive(WALL); // an old stamp changes nothing
        assertEquals(WALL + 50_003, clock.stamp());
    }

    @Test
    void theTicksTimeNeverGoesBack() {
        HybridClock clock = new HybridClock(WALL, NANOS);
        clock.tick(NANOS + 30_000_000L);
        clock.tick(NANOS + 20_000_000L);
        assertEquals(WALL + 30_000, clock.stamp());
    }

    @Test
    void aClockStartedLaterStampsAboveAnEarlierOnesStampsAtItsStart() {
        HybridClock earlier = HybridClock.startedNow();
        long last = 0;
        for (int k = 0; k < 1000; k++) {
            last = earlier.stamp();
        }
        HybridClock later = new HybridClock(last + 1, System.nanoTime());
        assertTrue(later.stamp() > last);
        assertTrue(HybridClock.startedNow().originMicros() >= earlier.originMicros());
    }
}
