package io.raftkv.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;

/**
 * Differential test of the state machine against {@link NaiveKv}, a model that keeps every result
 * forever and has no clever data structure (as etcd tests its quorum math against a naive
 * version). Random logs from {@link LogGenerator} mix registrations, closes, new requests,
 * retries of old sequences with fresh acknowledgements, requests from unknown clients, bad bytes,
 * and gets, puts, deletes and both compare-and-sets on colliding keys. Every result, decoded
 * from the bytes {@link KvStateMachine#apply(long, byte[])} returns, must be the model's (a
 * rejection by reason), and at the end the key space and revision must be the model's too. The
 * per-session limit of unacknowledged results is drawn small so that refusals happen.
 */
class KvModelProperties {

    @Provide
    Arbitrary<List<LogGenerator.Step>> logs() {
        return LogGenerator.steps().list().ofMaxSize(300);
    }

    @Property(tries = 400, seed = "20261202")
    void stateMachineAgreesWithTheNaiveModel(@ForAll("logs") List<LogGenerator.Step> steps,
            @ForAll @IntRange(min = 1, max = 6) int maxPending) {
        LogGenerator generator = new LogGenerator(maxPending);
        List<LogGenerator.Logged> log = generator.run(steps);
        KvStateMachine machine = new KvStateMachine(new KvConfig(KvConfig.defaults().sessionTimeoutMillis(), 10_000,
                maxPending));
        for (int k = 0; k < log.size(); k++) {
            long index = k + 1;
            KvResult actual = KvResult.decode(machine.apply(index, log.get(k).command())).orElseThrow();
            KvResult expected = log.get(k).expected();
            assertTrue(NaiveKv.sameOutcome(expected, actual), "index " + index + ": expected " + expected
                    + ", got " + actual);
            assertEquals(index, machine.appliedIndex());
            Statistics.collect(actual instanceof KvResult.Rejected rejected ? rejected.reason().name()
                    : actual.getClass().getSimpleName());
        }
        machine.checkInvariants();
        NaiveKv model = generator.model();
        assertEquals(model.revision, machine.revision());
        assertEquals(model.data.size(), machine.keyCount());
        for (Map.Entry<Bytes, Versioned> entry : model.data.entrySet()) {
            assertEquals(entry.getValue(), machine.get(entry.getKey()).orElseThrow(), "key " + entry.getKey());
        }
    }
}
