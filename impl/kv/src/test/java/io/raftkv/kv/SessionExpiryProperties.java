package io.raftkv.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Session expiry is a function of the log. Random logs register and close sessions and send
 * requests from live and long-dead clients, under leader stamps that mostly advance but also jump
 * back (a new leader whose clock is behind) and leap forward (one whose clock is ahead, or a long
 * quiet spell).
 *
 * <p>Against a naive model (log time = the maximum stamp of the prefix; a session is live while
 * log time minus its last use is at most the timeout, checked before each command), the state
 * machine must keep exactly the model's sessions after every entry and refuse exactly the
 * model's unknown clients. And replicas must agree: a replica that applies the whole log, and one
 * that starts from another's snapshot halfway, have equal state hashes at every index. There is
 * no local clock to vary between them, since the package reads none (impl/cli's PurityTest); the stamps in
 * the log are the only time there is.
 */
class SessionExpiryProperties {
    static final long TIMEOUT_MILLIS = 100;
    static final KvConfig CONFIG = new KvConfig(TIMEOUT_MILLIS, 10_000, 64);

    /** One command: kind (register, close, request), which client, and the stamp's change. */
    record Step(int kind, int client, long stampDelta) {}

    @Provide
    Arbitrary<List<Step>> logs() {
        Arbitrary<Long> delta = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.longs().between(0, 40)),
                Tuple.of(2, Arbitraries.longs().between(-300, -1)),
                Tuple.of(1, Arbitraries.longs().between(90, 400)));
        return Combinators.combine(Arbitraries.integers().between(0, 9), Arbitraries.integers().between(0, 99), delta)
                .as(Step::new).list().ofMaxSize(200);
    }

    @Property(tries = 300, seed = "20261202")
    void expiryFollowsLogTimeAndReplicasAgree(@ForAll("logs") List<Step> steps,
            @ForAll @IntRange(min = 0, max = 200) int snapshotAt) {
        List<byte[]> log = new ArrayList<>();
        TreeMap<Long, Long> lastUseByClient = new TreeMap<>(); // the model: live sessions only
        List<Long> everRegistered = new ArrayList<>();
        long stamp = 1_000_000;
        long logTime = 0;
        KvStateMachine replica = new KvStateMachine(CONFIG);
        long sequence = 0;
        for (Step step : steps) {
            stamp = Math.max(0, stamp + step.stampDelta());
            logTime = Math.max(logTime, stamp);
            long now = logTime;
            lastUseByClient.values().removeIf(lastUse -> now - lastUse > TIMEOUT_MILLIS);
            long index = log.size() + 1;
            long client = everRegistered.isEmpty() ? 1 : everRegistered.get(step.client() % everRegistered.size());
            KvCommand command;
            boolean expectLive = lastUseByClient.containsKey(client);
            if (step.kind() < 2 || everRegistered.isEmpty()) {
                command = new KvCommand.Register(stamp);
                everRegistered.add(index);
                lastUseByClient.put(index, now);
                expectLive = true;
            } else if (step.kind() == 2) {
                command = new KvCommand.Unregister(stamp, client);
                lastUseByClient.remove(client);
            } else {
                sequence++;
                command = new KvCommand.Request(stamp, client, sequence, sequence - 1,
                        new KvCommand.Get(Bytes.utf8("k")));
                lastUseByClient.computeIfPresent(client, (id, lastUse) -> now);
            }
            log.add(command.encode());
            KvResult result = KvResult.decode(replica.apply(index, log.get(log.size() - 1))).orElseThrow();
            boolean refused = result instanceof KvResult.Rejected rejected
                    && rejected.reason() == KvResult.Reason.UNKNOWN_SESSION;
            assertEquals(!expectLive, refused, "index " + index + " client " + client + ": " + result);
            assertEquals(logTime, replica.logTimeMillis());
            assertEquals(lastUseByClient.size(), replica.sessionCount(), "index " + index);
            for (long id : everRegistered) {
                assertEquals(lastUseByClient.containsKey(id), replica.hasSession(id), "session " + id + " at " + index);
            }
        }
        assertReplicasAgree(log, Math.min(snapshotAt, log.size()));
    }

    /** A full replay and a replay that restores a snapshot at {@code snapshotAt} agree everywhere. */
    private static void assertReplicasAgree(List<byte[]> log, int snapshotAt) {
        KvStateMachine whole = new KvStateMachine(CONFIG);
        KvStateMachine donor = new KvStateMachine(CONFIG);
        List<Long> hashes = new ArrayList<>();
        for (int k = 0; k < log.size(); k++) {
            whole.apply(k + 1, log.get(k));
            hashes.add(whole.hash());
            if (k < snapshotAt) {
                donor.apply(k + 1, log.get(k));
            }
        }
        KvStateMachine joined = new KvStateMachine(CONFIG);
        try {
            joined.restore(donor.snapshot());
        } catch (InvalidSnapshotException e) {
            throw new AssertionError(e);
        }
        for (int k = snapshotAt; k < log.size(); k++) {
            joined.apply(k + 1, log.get(k));
            assertEquals(hashes.get(k), joined.hash(), "hashes differ at index " + (k + 1));
        }
        assertEquals(whole, joined);
    }
}
