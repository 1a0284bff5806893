/**
 * The deterministic whole-cluster simulator: the production node loop ({@code io.raftkv.node}) and
 * write-ahead log ({@code io.raftkv.storage}) of every node over a simulated disk, network and
 * clock, with a fault injector and a client, all on one thread in logical time, and the spec's
 * safety properties checked after every event.
 *
 * <h2>Running it</h2>
 *
 * <pre>
 *   ./raftkv sim --seeds 1..2000            # what ./run-tests runs
 *   ./raftkv sim --seeds 1..10000
 *   ./raftkv sim --seed 42                   # replay one seed (the failure report prints this)
 *   ./raftkv sim --seed 42 --trace t.ndjson  # its NDJSON trace, for trace-check
 *   ./raftkv sim --seeds 1..500 --faults drop,reorder,disk-full --nodes 3 --verbose
 *   ./raftkv sim --seeds 1..500 --snapshot-every 0  # no snapshots (or a fixed threshold N)
 * </pre>
 *
 * The last line is always {@code sim: <N> seeds, <V> violations, <E> events, <S> s, <I> snapshots
 * installed, <C> configuration changes, <T> transfers, <R> reads} (I: snapshots followers installed
 * from a leader; C: configuration entries committed); the exit code is 0 only when V is 0. Each
 * seed's client history, as writes and reads over 8 keys, also
 * goes to the project's linearizability checker (found on the class path, from the jepsen module);
 * a history it finds not linearizable fails the seed. The lines before it count how often each fault and each of its effects
 * happened, and how the liveness phase's leader changes went against their bounds. From Java:
 * {@link io.raftkv.sim.Simulation#run}.
 *
 * <h2>What one seed does</h2>
 *
 * The seed picks the cluster size (3 or 5 initial voters, and with the membership fault one or two
 * spare servers the client's configuration changes add, promote and remove), the core's configuration (election timeout spread,
 * heartbeat interval, PreVote, CheckQuorum, inflight and message-size limits), the network's loss,
 * duplication and delay spread, the disks' fsync delays (slow ones too), the order of completion
 * notices, the nemesis's fault rates (partitions, crashes, stalled and full disks), the client's
 * pace and the snapshot threshold (5 to 40 applied entries: each node loop snapshots its state
 * machine and compacts its log that often, so a node kept down or cut off while the others commit
 * usually finds the leader's log compacted past it and gets a snapshot, in chunks when {@code
 * maxMessageBytes} is small). A safety phase with faults is followed by a liveness phase without them; see {@link
 * io.raftkv.sim.Simulation} for the model (notably the crash and disk model) and the liveness
 * bounds, and {@link io.raftkv.sim.SafetyChecker} for the checks.
 *
 * <h2>Known limitations</h2>
 *
 * <ul>
 *   <li>A stalled disk holds back async writes only: a sync write (a term or vote change, an
 *       overwrite) completes within its event, as if the stall spared it. A real node would block
 *       in it; to the rest of the cluster that is a slow node, which message delays already model.
 *   <li>No corruption of synced data and no lost or misdirected writes (only unsynced writes are
 *       lost or torn), no clock drift between nodes (all tick at the same rate, at random phases),
 *       no membership changes.
 *   <li>A snapshot is saved within one event (a crash cannot tear it; {@code SnapshotStore} writes
 *       it under a temporary name first); the log's compaction after it is a later disk event, so
 *       a crash between the two is simulated.
 *   <li>The client never retries a command; duplicate suppression is not exercised here.
 * </ul>
 */
package io.raftkv.sim;
