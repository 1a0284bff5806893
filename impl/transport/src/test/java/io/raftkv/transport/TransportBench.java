package io.raftkv.transport;

import io.raftkv.core.Entry;
import io.raftkv.core.Message;
import io.raftkv.core.Message.AppendEntriesRequest;
import io.raftkv.core.Message.AppendEntriesResponse;
import io.raftkv.core.Message.RequestVoteRequest;
import io.raftkv.core.Message.RequestVoteResponse;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * Throughput and round-trip time of two transports on loopback (127.0.0.1 -> 127.0.0.2), run by
 * hand, not in CI (the name matches no surefire include):
 * {@code mvn -pl impl/transport test -Dtest=TransportBench -Dsurefire.failIfNoSpecifiedTests=false}.
 * One sender thread keeps a window of messages outstanding (sent, not yet received) that fits the
 * queues, so nothing is dropped; each workload warms up for a second, then measures three.
 */
class TransportBench {
    @Test
    void measure() throws Exception {
        report("responses (small frames)", 3, 512, n -> new AppendEntriesResponse(1, 2, 7, true, n, 0, 0));
        report("appends of 64 x 128 B entries", 3, 128, n -> append(n, 64, 128));
        report("appends of 1 x 1 MiB entry", 3, 16, n -> append(n, 1, 1 << 20));
        roundTrips(20_000);
    }

    private static void report(String name, int seconds, int window, LongFunction<Message> messages)
            throws InterruptedException {
        Map<Integer, InetSocketAddress> members = TestNodes.members(2);
        AtomicLong received = new AtomicLong();
        Semaphore outstanding = new Semaphore(window);
        TransportConfig config = TestNodes.config("bench");
        try (PeerTransport one = PeerTransport.start(config, 1, members, (m, l) -> { });
                PeerTransport two = PeerTransport.start(config, 2, members, (m, l) -> {
                    received.incrementAndGet();
                    outstanding.release();
                })) {
            run(one, outstanding, window, messages, 1);
            long messagesBefore = received.get();
            long bytesBefore = two.stats().bytesReceived();
            long start = System.nanoTime();
            run(one, outstanding, window, messages, seconds);
            double elapsed = (System.nanoTime() - start) / 1e9;
            long count = received.get() - messagesBefore;
            long bytes = two.stats().bytesReceived() - bytesBefore;
            System.out.printf("%-32s %,12.0f msg/s %10.1f MiB/s  (dropped %d)%n", name, count / elapsed,
                    bytes / elapsed / (1 << 20), one.stats().framesDropped());
        }
    }

    /** Sends for {@code seconds}, blocking while the window is used up; then waits for all to arrive. */
    private static void run(PeerTransport one, Semaphore outstanding, int window, LongFunction<Message> messages,
            int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long sent = 0;
        while (System.nanoTime() < deadline) {
            outstanding.acquire();
            one.send(messages.apply(sent), sent);
            sent++;
        }
        while (!outstanding.tryAcquire(window, 1, TimeUnit.SECONDS)) {
            if (one.stats().framesDropped() > 0) {
                throw new AssertionError("dropped: " + one.stats());
            }
        }
        outstanding.release(window);
    }

    /** A vote request from 1 to 2 and its answer back: the latency floor of a Raft round. */
    private static void roundTrips(int count) throws Exception {
        Map<Integer, InetSocketAddress> members = TestNodes.members(2);
        LinkedBlockingQueue<Message> answers = new LinkedBlockingQueue<>();
        TransportConfig config = TestNodes.config("bench");
        PeerTransport[] twoRef = new PeerTransport[1];
        try (PeerTransport one = PeerTransport.start(config, 1, members, (m, l) -> answers.offer(m));
                PeerTransport two = PeerTransport.start(config, 2, members,
                        (m, l) -> twoRef[0].send(new RequestVoteResponse(2, 1, m.term(), false, true), l))) {
            twoRef[0] = two;
            List<Long> micros = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                long start = System.nanoTime();
                one.send(new RequestVoteRequest(1, 2, k, false, 0, 0), k);
                answers.take();
                micros.add((System.nanoTime() - start) / 1000);
            }
            long[] sorted = micros.subList(count / 4, count).stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("%-32s p50 %d us, p99 %d us, max %d us%n", "round trip (vote + answer)",
                    sorted[sorted.length / 2], sorted[sorted.length * 99 / 100], sorted[sorted.length - 1]);
        }
    }

    private static AppendEntriesRequest append(long n, int entries, int bytes) {
        List<Entry> list = new ArrayList<>(entries);
        byte[] data = new byte[bytes];
        Arrays.fill(data, (byte) 'x');
        for (int k = 0; k < entries; k++) {
            list.add(Entry.command(n * entries + k + 1, 7, data));
        }
        return new AppendEntriesRequest(1, 2, 7, n * entries, 7, list, n * entries);
    }
}
