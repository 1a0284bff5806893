package io.raftkv.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives a {@link KvDriver} with a {@link LoadSettings} and measures it. Each client is one thread
 * with its own connection and its own random source (seeded from the run's seed and its number),
 * so both stores see the same sequence of operations and keys.
 *
 * <p>Closed loop: a client sends its next request when the previous one is answered; an operation
 * counts when it completes inside the measured window, and its latency runs from send to answer.
 * Open loop: operation i is due at {@link OpenLoopSchedule#intendedNanos}; the clients take the next
 * due operation, wait for its instant, send it, and its latency runs from that instant (so a stall
 * counts against every operation that should have gone out during it). Operations due before the
 * end are sent even if late, until a grace period as long as the run; those still unsent then
 * count as errors.
 *
 * <p>Written values all hold the same bytes (random, from the seed), so a compare-and-set expects
 * exactly them and its comparison holds; keys read or compared are written once before the
 * warm-up.
 */
public final class LoadGenerator {
    /** Keys are "bench-" and the key's number in at least 8 digits, zero-padded. */
    private static final String KEY_PREFIX = "bench-";
    private static final int KEY_DIGITS = 8;

    private final KvDriver driver;
    private final LoadSettings settings;
    private final byte[] value;
    private final Recorder recorder = new Recorder(3);
    private final LongAdder errors = new LongAdder();
    private final AtomicReference<String> firstError = new AtomicReference<>("");
    private final AtomicLong nextIndex = new AtomicLong();
    /** Open loop: operations due before the end that were sent. */
    private final LongAdder sent = new LongAdder();
    private final AtomicLong lastDoneNanos = new AtomicLong();
    /** Opened once the times below are set; the latch orders their writes before the clients' reads. */
    private final CountDownLatch go = new CountDownLatch(1);
    private long measureStartNanos;
    private long endNanos;
    private OpenLoopSchedule schedule;

    public LoadGenerator(KvDriver driver, LoadSettings settings) {
        this.driver = driver;
        this.settings = settings;
        this.value = valueBytes(settings.seed(), settings.valueSize());
    }

    /** The bytes every write carries: {@code size} random bytes from {@code seed}. */
    static byte[] valueBytes(long seed, int size) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    static String key(int index) {
        // "bench-%08d" without a Formatter: this runs once per operation, in the client's share of the CPU.
        String digits = Integer.toString(index);
        return digits.length() >= KEY_DIGITS ? KEY_PREFIX + digits
                : KEY_PREFIX + "0".repeat(KEY_DIGITS - digits.length()) + digits;
    }

    /**
     * Runs the warm-up and the measured window; {@code interval} receives a histogram of the
     * latencies recorded in each second of the window (for a histogram log), may be a no-op.
     */
    public Summary run(Consumer<Histogram> interval) throws InterruptedException {
        if (settings.workload().needsPrefill()) {
            prefill();
        }
        CountDownLatch ready = new CountDownLatch(settings.clients());
        List<Thread> threads = new ArrayList<>();
        for (int client = 0; client < settings.clients(); client++) {
            int number = client;
            threads.add(Thread.ofPlatform().name("bench-client-" + client).start(() -> runClient(number, ready)));
        }
        // The clock starts once every client has its connection and waits for the go.
        ready.await();
        long start = System.nanoTime();
        measureStartNanos = start + settings.warmup().toNanos();
        endNanos = measureStartNanos + settings.duration().toNanos();
        schedule = settings.rate() == 0 ? null : new OpenLoopSchedule(start, settings.rate());
        go.countDown();
        Histogram total = Summary.newHistogram();
        for (Thread thread : threads) {
            while (!thread.join(java.time.Duration.ofSeconds(1))) {
                take(total, interval);
            }
        }
        take(total, interval);
        long unsent = schedule == null ? 0 : schedule.countBefore(endNanos) - sent.sum();
        if (unsent > 0) {
            firstError.compareAndSet("", unsent + " operations due before the end were never sent: the store did"
                    + " not keep up with --rate " + settings.rate());
        }
        long elapsed = (schedule == null ? endNanos : Math.max(endNanos, lastDoneNanos.get())) - measureStartNanos;
        return new Summary(driver.name(), settings.workload().label(), settings.clients(), settings.rate(),
                errors.sum() + unsent, firstError.get(), elapsed, total);
    }

    private void take(Histogram total, Consumer<Histogram> interval) {
        Histogram latest = recorder.getIntervalHistogram();
        if (latest.getTotalCount() > 0) {
            total.add(latest);
            interval.accept(latest);
        }
    }

    private void runClient(int number, CountDownLatch ready) {
        SplittableRandom random = new SplittableRandom(settings.seed() * 1_000_003L + number);
        KvDriver.Connection connection;
        try {
            connection = driver.connect(settings.operationTimeout());
        } catch (RuntimeException unexpected) {
            error("client " + number + " could not connect: " + unexpected);
            return;
        } finally {
            ready.countDown();
        }
        try (connection) {
            go.await();
            if (schedule == null) {
                closedLoop(connection, random);
            } else {
                openLoop(connection, random);
            }
        } catch (RuntimeException unexpected) {
            error("client " + number + " stopped: " + unexpected);
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        }
    }

    private void closedLoop(KvDriver.Connection connection, SplittableRandom random) {
        while (true) {
            long begin = System.nanoTime();
            if (begin >= endNanos) {
                return;
            }
            String error = execute(connection, random);
            long done = System.nanoTime();
            if (done >= measureStartNanos && done < endNanos) {
                record(done - begin, error);
            }
        }
    }

    private void openLoop(KvDriver.Connection connection, SplittableRandom random) {
        long graceEnd = endNanos + settings.duration().toNanos();
        while (true) {
            long index = nextIndex.getAndIncrement();
            long intended = schedule.intendedNanos(index);
            if (intended >= endNanos || System.nanoTime() >= graceEnd) {
                return;
            }
            for (long wait = intended - System.nanoTime(); wait > 0; wait = intended - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            sent.increment();
            String error = execute(connection, random);
            long done = System.nanoTime();
            lastDoneNanos.accumulateAndGet(done, Math::max);
            if (intended >= measureStartNanos) {
                record(done - intended, error);
            }
        }
    }

    private String execute(KvDriver.Connection connection, SplittableRandom random) {
        Workload.Operation operation = settings.workload().choose(random);
        String key = key(random.nextInt(settings.keys()));
        return switch (operation) {
            case PUT -> connection.put(key, value);
            case GET -> connection.get(key);
            case CAS -> connection.compareAndSet(key, value, value);
        };
    }

    private void record(long nanos, String error) {
        if (error == null) {
            recorder.recordValue(Math.max(1, nanos));
        } else {
            error(error);
        }
    }

    private void error(String message) {
        errors.increment();
        firstError.compareAndSet("", message);
    }

    /** Writes every key once (so reads find them and comparisons hold), spread over up to 16 clients. */
    private void prefill() throws InterruptedException {
        int writers = Math.min(16, Math.min(settings.clients(), settings.keys()));
        AtomicReference<String> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int writer = 0; writer < writers; writer++) {
            int first = writer;
            threads.add(Thread.ofPlatform().name("bench-prefill-" + writer).start(() -> {
                try (KvDriver.Connection connection = driver.connect(settings.operationTimeout())) {
                    for (int key = first; key < settings.keys() && failure.get() == null; key += writers) {
                        String error = connection.put(key(key), value);
                        if (error != null) {
                            failure.compareAndSet(null, "writing " + key(key) + " before the run: " + error);
                        }
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(failure.get());
        }
    }

}
