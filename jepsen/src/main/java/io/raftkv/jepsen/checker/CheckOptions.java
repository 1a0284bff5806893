package io.raftkv.jepsen.checker;

import java.time.Duration;

/**
 * How to check.
 *
 * @param timeout wall-clock bound for the whole check; past it the verdict is UNKNOWN
 * @param maxMemoryBytes bound on what the searches cache, all of a check's searches together
 * @param threads how many threads take turns at the partitions' searches (1 = the calling thread;
 *     more only for histories of at least 2000 ops)
 * @param partition split by the model's partitions (by key for kv); off checks the whole history
 *     against the whole model, which is exponentially slower and only for comparison
 * @param keepFailedCas keep a failed cas as the observation "the value was not the expected one"
 *     instead of dropping it
 * @param diagnose on NOT_LINEARIZABLE, re-run the failing partition to collect the anomaly
 */
public record CheckOptions(Duration timeout, long maxMemoryBytes, int threads, boolean partition,
    boolean keepFailedCas, boolean diagnose) {
  public CheckOptions {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    if (maxMemoryBytes < (1 << 20)) {
      throw new IllegalArgumentException("memory bound must be at least 1 MiB");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
  }

  public static CheckOptions defaults() {
    return new CheckOptions(Duration.ofSeconds(60), 1L << 30, Runtime.getRuntime().availableProcessors(),
        true, false, true);
  }

  public CheckOptions withTimeout(Duration newTimeout) {
    return new CheckOptions(newTimeout, maxMemoryBytes, threads, partition, keepFailedCas, diagnose);
  }

  public CheckOptions withDiagnose(boolean newDiagnose) {
    return new CheckOptions(timeout, maxMemoryBytes, threads, partition, keepFailedCas, newDiagnose);
  }

  public CheckOptions withThreads(int newThreads) {
    return new CheckOptions(timeout, maxMemoryBytes, newThreads, partition, keepFailedCas, diagnose);
  }

  public CheckOptions withPartition(boolean newPartition) {
    return new CheckOptions(timeout, maxMemoryBytes, threads, newPartition, keepFailedCas, diagnose);
  }

  public CheckOptions withKeepFailedCas(boolean newKeepFailedCas) {
    return new CheckOptions(timeout, maxMemoryBytes, threads, partition, newKeepFailedCas, diagnose);
  }

  public CheckOptions withMaxMemoryBytes(long newMaxMemoryBytes) {
    return new CheckOptions(timeout, newMaxMemoryBytes, threads, partition, keepFailedCas, diagnose);
  }
}
