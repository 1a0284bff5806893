package io.raftkv.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The generator against an in-memory store (no processes): keys are written before reads, errors
 * are counted and the first one kept, an open loop sends exactly the operations its schedule says,
 * and a store slower than the rate shows in the latency measured from the intended send time (the
 * coordinated-omission correction), with the operations it never got to counted as errors.
 */
class LoadGeneratorTest {

    /** A map behind the driver interface; each operation takes {@code serviceNanos} and may fail. */
    static final class MemoryDriver implements KvDriver {
        final Map<String, byte[]> store = new ConcurrentHashMap<>();
        final AtomicLong operations = new AtomicLong();
        final long serviceNanos;
        final boolean failPuts;

        MemoryDriver(long serviceNanos, boolean failPuts) {
            this.serviceNanos = serviceNanos;
            this.failPuts = failPuts;
        }

        @Override
        public String name() {
            return "memory";
        }

        @Override
        public Connection connect(Duration operationTimeout) {
            return new Connection() {
                @Override
                public String put(String key, byte[] value) {
                    serve();
                    if (failPuts) {
                        return "refused: " + key;
                    }
                    store.put(key, value);
                    return null;
                }

                @Override
                public String get(String key) {
                    serve();
                    return store.containsKey(key) ? null : "absent: " + key;
                }

                @Override
                public String compareAndSet(String key, byte[] expected, byte[] replacement) {
                    serve();
                    return store.replace(key, expected, replacement) ? null : "compare failed: " + key;
                }

                @Override
                public void close() {
                }
            };
        }

        private void serve() {
            operations.incrementAndGet();
            if (serviceNanos > 0) {
                LockSupport.parkNanos(serviceNanos); // the store's service time, part of what is measured
            }
        }

        @Override
        public void close() {
        }
    }

    private static LoadSettings settings(String workload, int clients, long rate, Duration warmup, Duration duration) {
        return new LoadSettings(Workload.parse(workload), clients, rate, 64, 50, warmup, duration, 9,
                Duration.ofSeconds(5));
    }

    @Test
    void aClosedLoopPrefillsReadsAndComparesWithoutErrors() throws InterruptedException {
        MemoryDriver driver = new MemoryDriver(0, false);
        Summary summary = new LoadGenerator(driver, settings("mix:get=1,cas=1", 4, 0, Duration.ofMillis(50),
                Duration.ofMillis(200))).run(histogram -> { });
        assertEquals(50, driver.store.size(), "every key written before the run");
        driver.store.values().forEach(value -> assertArrayEquals(LoadGenerator.valueBytes(9, 64), value));
        assertTrue(summary.operations() > 0, summary.line());
        assertEquals(0, summary.errors(), summary.line());
        assertEquals(200_000_000L, summary.elapsedNanos());
    }

    @Test
    void failuresAreCountedAndTheFirstOneKept() throws InterruptedException {
        MemoryDriver driver = new MemoryDriver(0, true);
        Summary summary = new LoadGenerator(driver, settings("put", 2, 0, Duration.ZERO, Duration.ofMillis(500)))
                .run(histogram -> { });
        assertEquals(0, summary.operations());
        assertTrue(summary.errors() > 0);
        assertTrue(summary.firstError().startsWith("refused: bench-"), summary.firstError());
    }

    @Test
    void anOpenLoopSendsWhatItsScheduleSays() throws InterruptedException {
        MemoryDriver driver = new MemoryDriver(0, false);
        Summary summary = new LoadGenerator(driver, settings("put", 4, 200, Duration.ofMillis(100),
                Duration.ofMillis(500))).run(histogram -> { });
        // Due in [100 ms, 600 ms) at 200/s: operations 20..119.
        assertEquals(100, summary.operations() + summary.errors(), summary.line());
        assertEquals(0, summary.errors(), summary.line());
        assertEquals(120, driver.operations.get(), "warm-up and measured operations, nothing more");
    }

    @Test
    void aStoreSlowerThanTheRateShowsInTheLatencyFromTheIntendedTime() throws InterruptedException {
        // One client, an operation due every 10 ms, each taking 50 ms: the k-th waits about 40 k ms.
        MemoryDriver driver = new MemoryDriver(50_000_000L, false);
        Summary summary = new LoadGenerator(driver, settings("put", 1, 100, Duration.ZERO, Duration.ofMillis(300)))
                .run(histogram -> { });
        assertTrue(summary.maxMillis() > 200, "service time 50 ms, yet the late ones waited: " + summary.line());
        assertTrue(summary.errors() > 0, "what was not sent within the grace period is an error: " + summary.line());
        assertTrue(summary.firstError().contains("never sent"), summary.firstError());
        assertEquals(30, summary.operations() + summary.errors(), summary.line());
    }

    @Test
    void keysAreZeroPaddedToEightDigits() {
        for (int index : new int[] {0, 7, 999, 12_345_678, 123_456_789, Integer.MAX_VALUE}) {
            assertEquals(String.format(java.util.Locale.ROOT, "bench-%08d", index), LoadGenerator.key(index));
        }
    }
}
