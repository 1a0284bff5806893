package io.raftkv.jepsen.generator;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The workload: reads, writes and compare-and-sets over independent keys, as a pure function of
 * the seed and the op's sequence number (Jepsen's generators are pure too: the same seed gives the
 * same ops; only which process runs which op depends on timing).
 *
 * <p>Keys: {@code activeKeys} keys are in use at a time and op {@code n} goes to slot
 * {@code n mod activeKeys}; after {@code opsPerKey * activeKeys} ops the next group of keys takes
 * over. So every key receives exactly {@code opsPerKey} ops (plus the final read), which keeps
 * each key's history small enough to check, while several processes contend for each key.
 *
 * <p>Values are drawn from 1..{@code valueRange}: few distinct values make compare-and-sets
 * succeed often and stale reads visible. Rate: op {@code n} is due {@code n / rate} seconds after
 * the start (an open schedule; processes that fall behind run their ops at once).
 */
public final class OpGenerator {
  /** Percentages of reads and writes; compare-and-sets take the rest. */
  public record Mix(int readPercent, int writePercent) {
    public Mix {
      if (readPercent < 0 || writePercent < 0 || readPercent + writePercent > 100) {
        throw new IllegalArgumentException("read and write percentages must be >= 0 and sum to at most 100");
      }
    }

    public static Mix standard() {
      return new Mix(50, 25);
    }
  }

  private final long seed;
  private final int opsPerKey;
  private final int activeKeys;
  private final int valueRange;
  private final double rate;
  private final Mix mix;

  public OpGenerator(long seed, int opsPerKey, int activeKeys, int valueRange, double rate, Mix mix) {
    if (opsPerKey < 1 || activeKeys < 1 || valueRange < 1) {
      throw new IllegalArgumentException("ops per key, active keys and value range must be >= 1");
    }
    if (!(rate > 0)) {
      throw new IllegalArgumentException("--rate must be positive, got " + rate);
    }
    this.seed = seed;
    this.opsPerKey = opsPerKey;
    this.activeKeys = activeKeys;
    this.valueRange = valueRange;
    this.rate = rate;
    this.mix = mix;
  }

  /** Op number {@code sequence}: always the same for the same seed and settings. */
  public PlannedOp op(long sequence) {
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must be >= 0");
    }
    SplittableRandom random = new SplittableRandom(mix64(seed ^ mix64(sequence + 1)));
    String key = keyOf(sequence);
    long due = (long) (sequence * 1e9 / rate);
    int roll = random.nextInt(100);
    if (roll < mix.readPercent()) {
      return new PlannedOp(sequence, "read", key, null, due);
    }
    long value = 1 + random.nextInt(valueRange);
    if (roll < mix.readPercent() + mix.writePercent()) {
      return new PlannedOp(sequence, "write", key, value, due);
    }
    return new PlannedOp(sequence, "cas", key, List.of(1L + random.nextInt(valueRange), value), due);
  }

  /** The key op {@code sequence} touches. */
  public String keyOf(long sequence) {
    long group = sequence / ((long) opsPerKey * activeKeys);
    return "k" + (group * activeKeys + sequence % activeKeys);
  }

  /** Every key the first {@code count} ops touched, in order of first use. */
  public List<String> keysOfFirst(long count) {
    long block = (long) opsPerKey * activeKeys;
    long keys = count <= 0 ? 0 : count / block * activeKeys + Math.min(count % block, activeKeys);
    return java.util.stream.LongStream.range(0, keys).mapToObj(k -> "k" + k).toList();
  }

  public int opsPerKey() {
    return opsPerKey;
  }

  /** SplitMix64's finalizer: a well-mixed 64-bit value from any input. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
