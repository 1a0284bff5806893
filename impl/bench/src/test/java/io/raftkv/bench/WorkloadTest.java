package io.raftkv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.bench.Workload.Operation;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The workload option: what parses, what is refused and with which message, and that the choice
 * of operation is fixed by the seed and follows the weights.
 */
class WorkloadTest {

    @Test
    void singleOperationsAndMixesParseAndPrintBack() {
        assertEquals(Map.of(Operation.PUT, 1), Workload.parse("put").weights());
        assertEquals(Map.of(Operation.GET, 1), Workload.parse(" GET ").weights());
        Workload mix = Workload.parse("mix:put=50,get=30,cas=20");
        assertEquals(Map.of(Operation.PUT, 50, Operation.GET, 30, Operation.CAS, 20), mix.weights());
        assertEquals("mix:put=50,get=30,cas=20", mix.label());
        assertEquals(mix, Workload.parse(mix.label()));
        assertFalse(Workload.parse("put").needsPrefill());
        assertTrue(Workload.parse("mix:put=1,cas=1").needsPrefill());
    }

    @Test
    void badWorkloadsAreRefusedWithOneLineSayingWhy() {
        assertMessage("unknown operation 'delete' in workload 'delete'; expected put, get, cas or"
                + " mix:put=W,get=W,cas=W", "delete");
        assertMessage("expected OP=WEIGHT in the mix, got 'put' in 'mix:put' (e.g. mix:put=50,get=50)", "mix:put");
        assertMessage("a weight must be a positive integer, got '0' in 'mix:put=0,get=1'", "mix:put=0,get=1");
        assertMessage("a weight must be a positive integer, got 'x' in 'mix:put=x'", "mix:put=x");
        assertMessage("put appears twice in the mix 'mix:put=1,put=2'", "mix:put=1,put=2");
        assertMessage("unknown operation '' in workload 'mix:=1'; expected put, get, cas or mix:put=W,get=W,cas=W",
                "mix:=1");
    }

    private static void assertMessage(String expected, String workload) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Workload.parse(workload));
        assertEquals(expected, refused.getMessage());
    }

    @Test
    void theSameSeedChoosesTheSameOperationsAndTheWeightsHold() {
        Workload mix = Workload.parse("mix:put=50,get=30,cas=20");
        List<Operation> first = draw(mix, 42, 10_000);
        assertEquals(first, draw(mix, 42, 10_000));
        assertFalse(first.equals(draw(mix, 43, 10_000)), "another seed gives another sequence");
        EnumMap<Operation, Integer> counts = new EnumMap<>(Operation.class);
        first.forEach(operation -> counts.merge(operation, 1, Integer::sum));
        // 10,000 draws: each share within 3 points of its weight (about 6 standard deviations).
        assertTrue(Math.abs(counts.get(Operation.PUT) - 5_000) < 300, counts.toString());
        assertTrue(Math.abs(counts.get(Operation.GET) - 3_000) < 300, counts.toString());
        assertTrue(Math.abs(counts.get(Operation.CAS) - 2_000) < 300, counts.toString());
    }

    @Test
    void aSingleOperationNeedsNoDraw() {
        SplittableRandom random = new SplittableRandom(7);
        long before = new SplittableRandom(7).nextLong();
        assertEquals(Operation.CAS, Workload.parse("cas").choose(random));
        assertEquals(before, random.nextLong(), "the key draw that follows is not shifted by a workload of one kind");
    }

    private static List<Operation> draw(Workload workload, long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Operation> operations = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            operations.add(workload.choose(random));
        }
        return operations;
    }
}
