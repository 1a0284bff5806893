package io.raftkv.jepsen.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The generator is a pure function of the seed and the op's number: the same seed gives the same
 * ops, another seed other ops; every key receives exactly the bounded number of ops, and the keys
 * it reports for a prefix are exactly the keys that prefix touched.
 */
class OpGeneratorTest {
  private static List<PlannedOp> first(OpGenerator generator, int count) {
    List<PlannedOp> ops = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      ops.add(generator.op(n));
    }
    return ops;
  }

  private static OpGenerator generator(long seed) {
    return new OpGenerator(seed, 50, 3, 5, 100, OpGenerator.Mix.standard());
  }

  @Test
  void sameSeedSameOpsOtherSeedOtherOps() {
    assertEquals(first(generator(42), 2000), first(generator(42), 2000));
    assertNotEquals(first(generator(42), 2000), first(generator(43), 2000));
    // Asked out of order, an op is still the same op.
    assertEquals(first(generator(42), 2000).get(1234), generator(42).op(1234));
  }

  @Test
  void everyKeyGetsExactlyItsBoundOfOps() {
    OpGenerator generator = generator(9);
    Map<String, Integer> perKey = new TreeMap<>();
    int count = 50 * 3 * 4; // four full groups of keys
    first(generator, count).forEach(op -> perKey.merge(op.key(), 1, Integer::sum));
    assertEquals(12, perKey.size());
    perKey.forEach((key, ops) -> assertEquals(50, ops, key));
  }

  @Test
  void keysOfAPrefixAreTheKeysItTouched() {
    OpGenerator generator = generator(5);
    for (int count : new int[] {0, 1, 2, 3, 4, 149, 150, 151, 152, 153, 301, 1000}) {
      LinkedHashSet<String> touched = new LinkedHashSet<>();
      first(generator, count).forEach(op -> touched.add(op.key()));
      assertEquals(new ArrayList<>(touched).stream().sorted().toList(),
          generator.keysOfFirst(count).stream().sorted().toList(), "prefix of " + count);
    }
  }

  @Test
  void mixValuesAndScheduleAreAsConfigured() {
    List<PlannedOp> ops = first(generator(3), 10_000);
    long reads = ops.stream().filter(op -> op.f().equals("read")).count();
    long writes = ops.stream().filter(op -> op.f().equals("write")).count();
    assertTrue(reads > 4500 && reads < 5500, "reads " + reads);
    assertTrue(writes > 2000 && writes < 3000, "writes " + writes);
    for (PlannedOp op : ops) {
      switch (op.f()) {
        case "read" -> assertEquals(null, op.value());
        case "write" -> assertTrue((Long) op.value() >= 1 && (Long) op.value() <= 5);
        default -> assertEquals(2, ((List<?>) op.value()).size());
      }
      assertEquals(op.sequence() * 10_000_000L, op.dueNanos()); // 100 ops/s
    }
    assertThrows(IllegalArgumentException.class, () -> new OpGenerator(1, 1, 1, 1, 0, OpGenerator.Mix.standard()));
  }
}
