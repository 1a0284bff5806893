package io.raftkv.jepsen.runner;

import io.raftkv.jepsen.client.ReadConsistency;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a run is made of.
 *
 * @param workload the workload's name (only {@code register}: per-key registers with cas)
 * @param nemesis the --nemesis list as given, or null for every fault the machine allows
 * @param timeLimit the fault phase
 * @param quiet the phase after the heal (ops go on, no faults) before the final reads
 * @param faultInterval the pause between two faults
 * @param faultDuration how long each fault is held
 * @param opsPerKey ops per key before the key is retired (keeps each key's history checkable)
 * @param operationTimeout one op's deadline, retries included; past it the op is info (or fail
 *     when no attempt can have been appended)
 * @param jvmArgs extra options for the server JVMs
 * @param serverArgs extra options for every {@code raftkv server}
 * @param checkTraces whether the nodes' traces are merged and validated after the run (TLC takes
 *     minutes for a long run's traces: --no-trace-check leaves that to a later trace-check --cluster)
 */
public record RunOptions(String workload, String nemesis, Duration timeLimit, Duration quiet, Duration faultInterval,
    Duration faultDuration, int concurrency, double rate, int nodes, long seed, ReadConsistency readConsistency,
    Path store, int opsPerKey, Duration operationTimeout, List<String> jvmArgs, List<String> serverArgs,
    boolean checkTraces) {
  public RunOptions {
    if (!workload.equals("register")) {
      throw new IllegalArgumentException("--workload must be register, got " + workload);
    }
    if (concurrency < 1 || nodes < 1 || nodes > 254 || opsPerKey < 1) {
      throw new IllegalArgumentException("--concurrency and --ops-per-key must be >= 1, --nodes in 1..254");
    }
    if (timeLimit.isNegative() || timeLimit.isZero()) {
      throw new IllegalArgumentException("--time-limit must be positive");
    }
    if (faultInterval.isNegative() || faultDuration.isNegative() || faultDuration.isZero() || quiet.isNegative()) {
      throw new IllegalArgumentException("--interval and --quiet must be >= 0, --fault-duration positive");
    }
    jvmArgs = List.copyOf(jvmArgs);
    serverArgs = List.copyOf(serverArgs);
  }

  /** The test's name in the store: workload, read consistency, nemesis. */
  public String testName() {
    String faults = nemesis == null ? "all" : nemesis.replace(',', '+').replaceAll("[^A-Za-z0-9+-]", "");
    return "raftkv-" + workload + "-" + readConsistency.name().toLowerCase(java.util.Locale.ROOT) + "-"
        + (faults.isEmpty() ? "none" : faults);
  }

  /** Keys in use at a time: about five processes per key, so that ops on a key overlap. */
  public int activeKeys() {
    return Math.max(1, concurrency / 5);
  }
}
