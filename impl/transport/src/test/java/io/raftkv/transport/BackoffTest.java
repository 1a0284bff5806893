package io.raftkv.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reconnect delays: bounded, doubling, jittered, and reproducible from the seed. */
class BackoffTest {

    @Test
    void delaysDoubleUpToTheMaximumWithJitterInTheUpperHalf() {
        Backoff backoff = new Backoff(50, 2000, 7);
        long ceiling = 50;
        for (int failure = 0; failure < 20; failure++) {
            long delay = backoff.nextDelayMillis();
            assertTrue(delay >= ceiling / 2 && delay <= ceiling, "delay " + delay + " for ceiling " + ceiling);
            ceiling = Math.min(2000, ceiling * 2);
        }
    }

    @Test
    void theSameSeedGivesTheSameDelaysAndLinksDiffer() {
        assertEquals(delays(new Backoff(50, 2000, 7)), delays(new Backoff(50, 2000, 7)));
        assertNotEquals(delays(new Backoff(50, 2000, Backoff.linkSeed(7, 1, 2))),
                delays(new Backoff(50, 2000, Backoff.linkSeed(7, 1, 3))));
        assertNotEquals(Backoff.linkSeed(7, 1, 2), Backoff.linkSeed(7, 2, 1));
    }

    @Test
    void aSuccessStartsOverAndARefusalWaitsTheLongest() {
        Backoff backoff = new Backoff(50, 2000, 7);
        for (int k = 0; k < 10; k++) {
            backoff.nextDelayMillis();
        }
        backoff.reset();
        assertTrue(backoff.nextDelayMillis() <= 50);
        backoff.saturate();
        assertTrue(backoff.nextDelayMillis() >= 1000);
    }

    @Test
    void nothingOverflowsAfterVeryManyFailures() {
        Backoff backoff = new Backoff(1, Integer.MAX_VALUE, 7);
        for (int k = 0; k < 1000; k++) {
            long delay = backoff.nextDelayMillis();
            assertTrue(delay >= 0 && delay <= Integer.MAX_VALUE, "delay " + delay);
        }
    }

    private static List<Long> delays(Backoff backoff) {
        List<Long> delays = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            delays.add(backoff.nextDelayMillis());
        }
        return delays;
    }
}
