/**
 * The deterministic whole-cluster simulator: the real {@code io.raftkv.core} nodes, a simulated
 * network and disks, a fault injector and a client, all on one thread in logical time, with the
 * spec's safety properties checked after every event.
 *
 * <h2>Running it</h2>
 *
 * <pre>
 *   ./raftkv sim --seeds 1..2000            # what ./run-tests runs
 *   ./raftkv sim --seeds 1..10000
 *   ./raftkv sim --seed 42                   # replay one seed (the failure report prints this)
 *   ./raftkv sim --seed 42 --trace t.ndjson  # its NDJSON trace, for trace-check
 *   ./raftkv sim --seeds 1..500 --faults drop,reorder --nodes 3 --verbose
 * </pre>
 *
 * The last line is always {@code sim: <N> seeds, <V> violations, <E> events, <S> s}; the exit code
 * is 0 only when V is 0. From Java: {@link io.raftkv.sim.Simulation#run}.
 *
 * <h2>What one seed does</h2>
 *
 * The seed picks the cluster size (3 or 5), the core's configuration (election timeout spread,
 * heartbeat interval, PreVote, CheckQuorum, inflight and message-size limits), the network's loss,
 * duplication and delay spread, the nemesis's fault rates and the client's pace. A safety phase
 * with faults is followed by a liveness phase without them; see {@link io.raftkv.sim.Simulation}
 * for the model (notably the crash model) and {@link io.raftkv.sim.SafetyChecker} for the checks.
 *
 * <h2>Known limitations</h2>
 *
 * <ul>
 *   <li>No torn persistence: each Ready batch is made durable atomically within the event that
 *       produced it, so a crash never loses state the core already reported. Modelling a crash
 *       between a step and its disk write needs the spec to model durability separately.
 *   <li>No disk faults (corruption, lost fsync), no clock drift between nodes (all tick at the
 *       same rate, at random phases), no membership changes or snapshots.
 *   <li>The client never retries a command; duplicate suppression is not exercised here.
 * </ul>
 */
package io.raftkv.sim;
