package io.raftkv.sim;

import io.raftkv.cli.HistoryCheck;
import io.raftkv.core.Assert;
import io.raftkv.core.Config;
import io.raftkv.core.Entry;
import io.raftkv.core.EntryType;
import io.raftkv.core.LogStorage;
import io.raftkv.core.Membership;
import io.raftkv.core.MembershipChange;
import io.raftkv.core.Message;
import io.raftkv.core.NodeState;
import io.raftkv.core.ProposeResult;
import io.raftkv.core.RaftEvent;
import io.raftkv.core.RaftNode;
import io.raftkv.core.RaftObserver;
import io.raftkv.core.ReadResult;
import io.raftkv.core.Role;
import io.raftkv.core.Snapshot;
import io.raftkv.core.TransferResult;
import io.raftkv.node.NodeLoop;
import io.raftkv.node.StateMachine;
import io.raftkv.node.StorageException;
import io.raftkv.node.WriteBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A deterministic whole-cluster simulation of one seed: a single-threaded discrete-event loop over
 * logical time, in the manner of TigerBeetle's VOPR and FoundationDB's simulator, running the
 * production node loop ({@link NodeLoop}) and write-ahead log over a simulated disk, network and
 * clock.
 *
 * <p><b>Determinism.</b> One {@link SplittableRandom} is built from the seed; the network, the
 * nemesis, the client, every node (each incarnation of its core) and every node's disk get their
 * own streams split from it, so the same seed and options replay the same event sequence (ties in
 * time are broken by scheduling order; nothing iterates a hash-ordered collection; there are no
 * threads, clocks or sleeps).
 *
 * <p><b>Time.</b> A core tick is {@value #TICK_UNITS} time units; each node ticks at its own random
 * phase. Every message gets its own delay (so messages overtake each other); see {@link Network}.
 *
 * <p><b>Driving a node.</b> Each node is a {@link NodeLoop} over a {@link SimLogStore}: the real
 * {@code WriteAheadLog} on the node's {@code MemoryFileSystem}. Ticks, deliveries and proposals are
 * the loop's inputs; an async write's bytes land at once and its fsync and completion notice are
 * later simulator events (see {@link SimLogStore} and {@link DiskModel}); a sync write completes
 * within the event. After every input the simulator compares the node's log with what it handed to
 * storage, checks commits and new leaders, and (unless turned off) the core's own invariants.
 *
 * <p><b>Snapshots.</b> Every loop snapshots its state machine ({@link SimStateMachine}) and
 * compacts its log each time it has applied the seed's threshold of entries since its last
 * snapshot ({@link SimulationOptions#snapshotEvery}); a leader whose follower needs a compacted
 * entry sends its snapshot, and the follower installs it. Every snapshot saved, installed or
 * recovered, and every state the state machine is restored to, must be the committed prefix's
 * state up to its index ({@link SafetyChecker#checkSnapshot}).
 *
 * <p><b>Crash model.</b> A crash discards the node loop and, for a power loss, calls {@code
 * crash(random)} on the file system: what was not fsynced may be lost, the last write torn; a
 * crash that only kills the process also closes its connections, which every node it can reach
 * then learns after a network delay ({@code NodeLoop.peerDisconnected}: a follower of the killed
 * leader campaigns within a few ticks), where a power loss leaves the election timeout to notice. A
 * restart recovers the WAL and builds {@code RaftNode.restart} from it, after checking that the
 * disk gave back every entry the node had reported durable (its {@code durableLength}, same
 * content), a prefix of what it had written, and the term and vote it had synced ({@link
 * SafetyChecker#onRecovered}). A full disk makes the node stop itself (fail-stop, not a
 * violation); freeing the disk restarts it.
 *
 * <p><b>Phases.</b> The safety phase injects this seed's faults for {@code safetyTicks}. The
 * liveness phase heals the network (no loss, short delays) and the disks, restarts every node and
 * stops injecting. It then demands progress: a leader elected within the bounds of {@link
 * LeaderChanges#AFTER_HEAL}, a new command acknowledged and every acknowledged command applied on
 * every node; then (given a budget of at least {@value #FAILOVER_LIVENESS_TICKS_MIN} ticks)
 * {@value #FAILOVERS} times over, the leader crashes, a new one must be elected within the bounds
 * of {@link LeaderChanges#AFTER_FAILOVER}, and once it has settled the old one restarts and the
 * cluster must make the same progress again. {@link SafetyChecker} runs after every event; the run
 * stops at the first violation.
 *
 * <p><b>Trace.</b> Every event of every node and of the network goes to the one observer passed
 * in, in simulator order: a total order suitable for trace validation. Network losses and
 * duplications and deliveries to crashed or cut-off nodes are emitted as {@code DropMessage} /
 * {@code DuplicateMessage}; for a node that is down they carry the last state it emitted (the
 * spec's view of it until its {@code Restart}).
 */
public final class Simulation implements Nemesis.Cluster, SimLogStore.Host {

  /** Time units per core tick. */
  public static final int TICK_UNITS = 10;

  /** Mixed into the seed for the stream of lease draws (whether on, clock rates, which reads). */
  private static final long LEASE_STREAM = 0x1EA5E_C10C_0FF5EL;

  /** The drift bound of runs with lease reads (Config.leaseDriftTicks). */
  static final int LEASE_DRIFT_TICKS = 2;

  /** The occurrence that counts the reads a leader took through its lease (LeaseRead events). */
  public static final String LEASE_READS = "lease:read taken through the lease";

  /** The occurrence that counts the reads a follower served through its leader's ReadIndex. */
  public static final String FOLLOWER_READS = "follower read:served";

  /**
   * The end of the occurrences that count a follower giving its leader up because the leader's
   * connection closed (after "disconnect:" in the safety phase, "liveness:" in the liveness phase).
   */
  public static final String LEADER_GIVEN_UP = "leader's connection closed, given up";

  /** Leader failovers (the leader crashes, a new one must be elected) in the liveness phase. */
  static final int FAILOVERS = 2;

  /**
   * The liveness budget, in ticks, from which the phase runs its failovers: enough for the heal and
   * each failover to take as long as their bounds allow and then settle. A shorter budget (a quick
   * run for its trace) checks the heal alone, and ends as soon as the cluster has made progress.
   */
  static final long FAILOVER_LIVENESS_TICKS_MIN = 800;

  private static final int QUEUE_LIMIT = 200_000;

  /**
   * The range a seed draws its snapshot threshold from (entries applied since the last snapshot):
   * small enough that a node kept down or cut off while the others commit finds the leader's log
   * compacted past it, so that most seeds install snapshots.
   */
  static final long SNAPSHOT_EVERY_MIN = 5;

  static final long SNAPSHOT_EVERY_MAX = 40;

  /** Of the client's steps, the share (in percent) that begins with a linearizable read. */
  static final int READ_PERCENT = 50;

  /**
   * Of the client's steps in the safety phase, the share (per mille) that asks the node the client
   * believes leads to hand leadership to another node.
   */
  static final int TRANSFER_PER_MILLE = 15;

  /**
   * Of the client's steps in the safety phase, the share (per mille) that asks the node the client
   * believes leads to change the configuration (with {@link Fault#MEMBERSHIP}).
   */
  static final int MEMBERSHIP_PER_MILLE = 25;

  /**
   * The hash of a class's simple name, for the fingerprint: stable from run to run (an identity
   * hash is not), and computed once per class.
   */
  private static final ClassValue<Long> NAME_HASH =
      new ClassValue<>() {
        @Override
        protected Long computeValue(Class<?> type) {
          return (long) type.getSimpleName().hashCode();
        }
      };

  private final long seed;
  private final SimulationOptions options;
  private final RaftObserver trace;
  private final SplittableRandom random;
  /** Every server of the run: the initial voters 1..{@link #initialVoters}, then the spares. */
  private final int size;
  private final int initialVoters;
  private final Config config;
  /** Lease reads' draws: see the constructor. */
  private final SplittableRandom leaseRandom;
  /** Each node's tick length in time units (index 0 unused). */
  private final int[] tickUnits;
  /** Configuration entries committed (counted once, by index: committed entries never change). */
  private long configChanges;
  private long lastConfigCounted;
  /**
   * Servers removed from the configuration whose process was stopped, as an operator does after a
   * removal: only in runs without PreVote, where a removed server that missed its removal would
   * disrupt the cluster with elections it cannot win (thesis 4.2.3); with PreVote they run on.
   */
  private final boolean[] retired;
  /**
   * Servers to stop, or to start again, once the current input is done (a node cannot stop inside
   * its own input).
   */
  private final List<Integer> toRetire = new ArrayList<>();
  private final List<Integer> toStartAgain = new ArrayList<>();
  private final SimNode[] nodes;
  private final EventQueue queue = new EventQueue();
  private final Network network;
  private final Nemesis nemesis;
  private final Workload workload;
  private final ClientReads reads = new ClientReads();
  /** The client's operations as a key-value history, for the linearizability checker. */
  private final ClientHistory history = new ClientHistory();
  /** The linearizability checker each seed's history goes to; null to skip that check. */
  private final HistoryCheck historyCheck;
  /** When each index was first committed anywhere (index 0 unused). */
  private final List<Long> commitTimes = new ArrayList<>(List.of(0L));
  /** Nodes that campaigned on a TimeoutNow, with the term of that campaign. */
  private final Map<Integer, Long> transferCandidacies = new HashMap<>();
  /** Leadership transfers that ended with the target leading in the term it campaigned for. */
  private long transfers;
  /** Snapshots followers installed from a leader (their snapshot index rose on the last chunk). */
  private long snapshotsInstalled;
  /** Applied entries since the last snapshot at which a node snapshots; 0 for never. */
  private final long snapshotEvery;
  private final SafetyChecker checker;
  private final RaftObserver observer = this::observe;
  private final List<Integer> newLeaders = new ArrayList<>();
  /** Fault occurrences by name; a hash map while counting (many per run), sorted at the end. */
  private final HashMap<String, long[]> occurrences = new HashMap<>();
  /** The latest delivery time scheduled on each link, to see messages overtake each other. */
  private final long[][] lastArrival;
  private final String parameters;
  private DiskModel diskModel;

  private long now;
  private long events;
  private long raftEvents;
  private long fingerprint = 0x5EED;
  private boolean liveness;
  private EventQueue.Event current;

  /** The liveness phase's leader changes, held to their bounds. */
  private final LeaderChanges leaderChanges;
  private int failovers;
  /** Failovers this run will do: {@link #FAILOVERS}, or none on a short liveness budget. */
  private int failoversPlanned;
  private int failoverVictim;
  private boolean livenessDone;

  /**
   * The cluster a seed draws, as a trace header names it: every server (1..{@code servers}, the
   * spares last), the initial voters and whether the nodes run PreVote and lease reads.
   */
  public record ClusterShape(int servers, List<Integer> initialVoters, boolean preVote, boolean leaseReads) {
    public ClusterShape {
      initialVoters = List.copyOf(initialVoters);
    }
  }

  /** What {@code seed} draws with {@code options}, without running it (the draws come first). */
  public static ClusterShape shape(long seed, SimulationOptions options) {
    Simulation drawn = new Simulation(seed, options, RaftObserver.NONE, null);
    return new ClusterShape(drawn.size, drawn.config.members(), drawn.config.preVote(), drawn.config.leaseReads());
  }

  /** A run whose disks lie about fsync, for the test that shows the durability check has teeth. */
  static SimulationResult runWithLyingDisks(long seed, SimulationOptions options) {
    Simulation simulation = new Simulation(seed, options, RaftObserver.NONE, null);
    simulation.diskModel = simulation.diskModel.lying();
    return simulation.run();
  }

  private Simulation(long seed, SimulationOptions options, RaftObserver trace, HistoryCheck historyCheck) {
    this.seed = seed;
    this.historyCheck = historyCheck;
    this.options = options;
    this.trace = trace;
    this.random = new SplittableRandom(seed);
    this.initialVoters = options.nodes() != 0 ? options.nodes() : (random.nextBoolean() ? 3 : 5);
    this.size = initialVoters + (options.has(Fault.MEMBERSHIP) ? 1 + random.nextInt(2) : 0);
    this.retired = new boolean[size + 1];
    Config drawn = randomConfig(random.split(), initialVoters);
    checkOptions(options);
    // Lease reads and clock rates come from a stream of their own, derived from the seed without
    // drawing from the others, so a seed without lease reads runs exactly as it did before them.
    this.leaseRandom = new SplittableRandom(seed ^ LEASE_STREAM);
    this.config = leaseRandom.nextBoolean() ? drawn.withLeaseReads(true, LEASE_DRIFT_TICKS) : drawn;
    this.tickUnits = tickUnits(leaseRandom, size, config.leaseReads());
    SplittableRandom networkRandom = random.split();
    double drop = options.has(Fault.DROP) ? pick(networkRandom, 0, 0.01, 0.05, 0.1, 0.2) : 0;
    double duplicate = options.has(Fault.DUPLICATE) ? pick(networkRandom, 0, 0.01, 0.05, 0.15) : 0;
    int delayMax = options.has(Fault.REORDER) ? (int) pick(networkRandom, 3, 10, 20, 40) : 3;
    int delayMin = options.has(Fault.REORDER) ? 1 : 3;
    this.network = new Network(networkRandom, size, drop, duplicate, delayMin, delayMax);
    this.nemesis = new Nemesis(random.split(), size, network, this, options);
    SplittableRandom clientRandom = random.split();
    this.workload =
        new Workload(
            clientRandom,
            size,
            TICK_UNITS * (1 + clientRandom.nextInt(8)),
            clientRandom.nextBoolean() ? 1 : 4,
            (int) pick(clientRandom, 1, 4, 16),
            100L * TICK_UNITS);
    this.diskModel = DiskModel.random(random.split(), options);
    this.checker = new SafetyChecker(size, this::where);
    this.nodes = new SimNode[size + 1];
    this.lastArrival = new long[size + 1][size + 1];
    for (int id = 1; id <= size; id++) {
      nodes[id] = new SimNode(id, random.split());
    }
    this.leaderChanges = new LeaderChanges(config.electionTimeoutTicksMax());
    this.snapshotEvery = snapshotEvery(random.split(), options);
    this.parameters =
        describeCluster()
            + "; drop " + drop + ", duplicate " + duplicate + ", delay "
            + delayMin + ".." + delayMax + " units (tick " + TICK_UNITS + "); disk "
            + diskModel.describe() + "; " + nemesis.describe()
            + "; client every " + workload.intervalUnits + " units, bursts <=" + workload.burstMax
            + ", <=" + workload.concurrency + " outstanding; snapshot every "
            + (snapshotEvery == 0 ? "never" : snapshotEvery + " entries");
  }

  /** The run's servers and the core's settings, for the failure report. */
  private String describeCluster() {
    return initialVoters + " voters, " + (size - initialVoters) + " spares, timeout "
        + config.electionTimeoutTicksMin() + ".."
        + config.electionTimeoutTicksMax() + ", heartbeat " + config.heartbeatIntervalTicks()
        + ", preVote " + config.preVote() + ", checkQuorum " + config.checkQuorum()
        + ", inflight " + config.maxInflightMessages() + ", maxMessageBytes "
        + config.maxMessageBytes() + ", maxUncommittedBytes " + config.maxUncommittedBytes()
        + (config.leaseReads() ? ", lease reads (drift bound " + config.leaseDriftTicks() + ", lease "
            + config.leaseTicks() + " ticks; tick lengths " + Arrays.toString(tickUnits) + " units)" : "");
  }

  /**
   * Each node's tick length in time units: {@value #TICK_UNITS} for all, except with lease reads,
   * where each node's clock runs at its own rate, 9 to 11 units a tick. Over the promise of one
   * minimum election timeout (10 ticks, at least 9 of them after the follower heard) a follower's
   * clock is at least 81 units long, while the longest lease (6 ticks with the drift bound of 2)
   * is at most 66 units of the slowest leader's clock: within the bound, with room to spare.
   */
  private static int[] tickUnits(SplittableRandom random, int size, boolean drift) {
    int[] units = new int[size + 1];
    for (int id = 1; id <= size; id++) {
      units[id] = drift ? TICK_UNITS - 1 + random.nextInt(3) : TICK_UNITS;
    }
    return units;
  }

  /**
   * Runs one seed to completion.
   *
   * @param trace receives every event of the run in simulator order; {@link RaftObserver#NONE} for
   *     none
   */
  public static SimulationResult run(long seed, SimulationOptions options, RaftObserver trace) {
    return run(seed, options, trace, null);
  }

  /**
   * Runs one seed to completion, then checks its client history with {@code historyCheck} (the
   * project's linearizability checker; null: not checked): a history the checker finds not
   * linearizable is a violation, one it cannot decide in time is counted as unknown.
   */
  public static SimulationResult run(
      long seed, SimulationOptions options, RaftObserver trace, HistoryCheck historyCheck) {
    return new Simulation(seed, options, trace, historyCheck).run();
  }

  private SimulationResult run() {
    try {
      for (int id = 1; id <= size; id++) {
        start(nodes[id]);
        queue.schedule(1 + random.nextInt(TICK_UNITS), EventQueue.EventKind.TICK, id, null);
      }
      queue.schedule(1 + random.nextInt(workload.intervalUnits), EventQueue.EventKind.CLIENT, 0, null);
      nemesis.start();
      network.setFaulty(true);
      loop();
    } catch (UncheckedIOException e) {
      throw e;
    } catch (RuntimeException | AssertionError e) {
      checker.violation("CoreFailure", describe(e));
    }
    if (!checker.failed() && !livenessDone) {
      checker.violation("Liveness", livenessReport());
    }
    checkHistory();
    return new SimulationResult(seed, size, checker.violations(), events, raftEvents, fingerprint,
        workload.proposed, workload.acknowledged, reads.served, transfers, snapshotsInstalled, configChanges,
        parameters, counts(), leaderChanges.settledChanges());
  }

  /** The client's history against the linearizability checker, when there is one. */
  private void checkHistory() {
    if (historyCheck == null || checker.failed()) {
      return;
    }
    ClientHistory.Outcome outcome = (command, index) -> index <= checker.committedIndex()
        && Workload.commandOf(checker.committedEntry(index)) == command ? commitTimes.get((int) index) : -1;
    HistoryCheck.Result result =
        historyCheck.checkKeyValue(history.finish(now, outcome), Duration.ofSeconds(20));
    switch (result.verdict()) {
      case "valid" -> count("linearizability:history valid");
      case "invalid" -> checker.violation("Linearizability", "the client's key-value history "
          + result.detail());
      default -> count("linearizability:history unknown (search out of time)");
    }
  }

  /** The event loop: the safety phase, then the liveness phase, until its goal or the end. */
  private void loop() {
    long safetyEnd = options.safetyTicks() * TICK_UNITS;
    long end = safetyEnd + options.livenessTicks() * TICK_UNITS;
    while (!checker.failed() && !queue.isEmpty()) {
      EventQueue.Event next = queue.peek();
      if (!liveness && next.time() >= safetyEnd) {
        now = safetyEnd;
        startLiveness();
        continue;
      }
      if (next.time() > end) {
        break;
      }
      if (queue.size() > QUEUE_LIMIT) {
        // Normal runs hold a few hundred events; this many means messages beget messages.
        checker.violation("MessageStorm", "over " + QUEUE_LIMIT + " events pending");
        break;
      }
      current = queue.pop();
      now = current.time();
      events++;
      fingerprint = mix(fingerprint, now, current.kind().ordinal(), current.node());
      handle(current);
      stopRetired();
      if (liveness && !checker.failed()) {
        livenessProgress();
        if (livenessDone) {
          break;
        }
      }
    }
  }

  /** The first incarnation of a node: a fresh WAL on an empty disk and a fresh core. */
  private void start(SimNode node) {
    try {
      node.store = SimLogStore.open(node, this);
    } catch (IOException e) {
      throw new UncheckedIOException("opening an empty simulated disk failed", e);
    }
    RaftNode raft = RaftNode.create(config, node.id, node.nextSeed(), observer);
    node.raft = raft;
    node.lastState = raft.state();
    node.loop = newLoop(node, raft);
    afterInput(node);
  }

  private void handle(EventQueue.Event event) {
    switch (event.kind()) {
      case TICK -> {
        SimNode node = nodes[event.node()];
        queue.schedule(now + tickUnits[node.id], EventQueue.EventKind.TICK, node.id, null);
        if (node.isUp()) {
          node.loop.tick();
          afterInput(node);
        }
      }
      case DELIVER -> deliver((Message) event.payload());
      case CLIENT -> clientStep();
      case NEMESIS -> nemesis.act(event.payload());
      case DISK -> {
        SimNode node = nodes[event.node()];
        SimLogStore.DiskEvent disk = (SimLogStore.DiskEvent) event.payload();
        // Events of an earlier incarnation's store are void: its process is gone.
        if (node.isUp() && node.store == disk.store()) {
          disk.store().handle(disk);
          afterInput(node);
        }
      }
      case RESTART -> restart(event.node());
      case DISCONNECT -> connectionClosed(nodes[event.node()], (Integer) event.payload());
    }
  }

  /**
   * A killed process's kernel closes its connections: each other node learns it after a network
   * delay, unless a partition cuts the link then (a power loss sends nothing). The production
   * transport reports the same to its node (Inbound.peerDisconnected).
   */
  private void announceClosedConnections(int killed) {
    for (int peer = 1; peer < nodes.length; peer++) {
      if (peer != killed) {
        queue.schedule(now + network.delay(), EventQueue.EventKind.DISCONNECT, peer, killed);
      }
    }
  }

  private void connectionClosed(SimNode node, int peer) {
    if (node.isUp() && !network.blocked(peer, node.id)) {
      if (node.loop.peerDisconnected(peer)) {
        count((liveness ? "liveness:" : "disconnect:") + LEADER_GIVEN_UP);
      }
      afterInput(node);
    }
  }

  private void deliver(Message message) {
    SimNode node = nodes[message.to()];
    fingerprint =
        mix(fingerprint, message.from(), message.term(), NAME_HASH.get(message.getClass()));
    if (network.blocked(message)) {
      emit(new RaftEvent.DropMessage(message, node.state(), "partition"));
    } else if (!node.isUp()) {
      emit(new RaftEvent.DropMessage(message, node.state(), "crashed"));
    } else {
      node.loop.receive(message);
      afterInput(node);
    }
  }

  private void clientStep() {
    queue.schedule(
        now + workload.intervalUnits / 2 + 1 + random.nextInt(workload.intervalUnits),
        EventQueue.EventKind.CLIENT,
        0,
        null);
    SimNode node = nodes[workload.target()];
    if (!node.isUp()) {
      workload.unavailable();
      return;
    }
    if (random.nextInt(100) < READ_PERCENT) {
      read(nodes[1 + random.nextInt(size)]);
    }
    if (!liveness && random.nextInt(1000) < TRANSFER_PER_MILLE) {
      transfer(node);
    }
    if (!liveness && size > initialVoters && random.nextInt(1000) < MEMBERSHIP_PER_MILLE) {
      reconfigure(node);
    }
    if (!workload.proposing()) {
      return;
    }
    int burst = Math.min(1 + random.nextInt(workload.burstMax), workload.room(now));
    if (burst > 1 && random.nextBoolean()) {
      proposeTogether(node, burst);
      return;
    }
    for (int k = 0; k < burst && node.isUp(); k++) {
      long command = workload.nextCommand();
      ProposeResult result = node.loop.propose(Workload.encode(command));
      if (result instanceof ProposeResult.Accepted accepted) {
        workload.accepted(node.id, command, accepted.index(), accepted.term(), now);
        history.writeInvoked(command, accepted.index(), now);
        afterInput(node);
        nemesis.proposalAccepted(node.id);
        continue;
      }
      afterInput(node);
      refused(result);
      break;
    }
  }

  /**
   * A burst handed over in one input, as NodeRunner hands the loop every proposal queued behind
   * the first: one Ready, one AppendEntries per follower for all of them.
   */
  private void proposeTogether(SimNode node, int burst) {
    List<Long> commands = new ArrayList<>();
    List<byte[]> encoded = new ArrayList<>();
    for (int k = 0; k < burst; k++) {
      commands.add(workload.nextCommand() + k); // the next ones in order: the accepted come as a prefix
      encoded.add(Workload.encode(commands.get(k)));
    }
    List<ProposeResult> results = node.loop.proposeAll(encoded);
    for (int k = 0; k < burst; k++) {
      if (results.get(k) instanceof ProposeResult.Accepted accepted) {
        workload.accepted(node.id, commands.get(k), accepted.index(), accepted.term(), now);
        history.writeInvoked(commands.get(k), accepted.index(), now);
      }
    }
    afterInput(node);
    ProposeResult last = results.get(burst - 1);
    if (!(last instanceof ProposeResult.Accepted)) {
      refused(last);
    } else if (node.isUp()) {
      nemesis.proposalAccepted(node.id);
    }
  }

  private void refused(ProposeResult result) {
    if (result instanceof ProposeResult.NotLeader notLeader) {
      workload.notLeader(notLeader.leaderHint());
    } else {
      workload.unavailable();
    }
  }

  /**
   * A linearizable read at {@code node}, any node (as Jepsen's clients are spread over all nodes):
   * a leader takes it, including a deposed leader that does not know it yet, which must then never
   * answer it; a follower that knows a leader forwards it there (and serves the answer once applied,
   * whatever has happened since); a node that knows no leader refuses it.
   */
  private void read(SimNode node) {
    if (!node.isUp()) {
      return;
    }
    long ctx = reads.nextContext();
    // Registered first: a one-node cluster answers within the input itself.
    reads.taken(ctx, node.id, workload.maxAcknowledgedIndex, now);
    history.readInvoked(ctx, now);
    boolean byLease = config.leaseReads() && leaseRandom.nextBoolean();
    ReadResult result = byLease ? node.loop.leaseRead(ctx) : node.loop.readIndex(ctx);
    if (!(result instanceof ReadResult.Pending)) {
      reads.refused(ctx);
      history.readFailed(ctx, now);
    }
    afterInput(node);
  }

  /** Asks {@code node}, if it leads, to hand leadership to another node chosen at random. */
  private void transfer(SimNode node) {
    int target = 1 + random.nextInt(size - 1);
    target = target >= node.id ? target + 1 : target;
    TransferResult result = node.loop.transferLeadership(target);
    if (result instanceof TransferResult.Started) {
      count("transfer:asked");
    }
    afterInput(node);
  }

  /**
   * Asks {@code node}, if it leads, for a configuration change chosen at random among those its
   * configuration allows: a server outside it added as a learner (a retired one is started again
   * once that is committed), a learner promoted or removed, or, while there are more voters than at the start, a
   * voter removed, the leader itself included. Refusals (a change in progress, a learner not caught
   * up) are counted, not faults.
   */
  private void reconfigure(SimNode node) {
    if (!node.isUp() || node.loop.raft().role() != Role.LEADER) {
      return;
    }
    Membership now = node.loop.raft().membership();
    List<MembershipChange> choices = new ArrayList<>();
    for (int id = 1; id <= size; id++) {
      if (!now.isMember(id)) {
        choices.add(new MembershipChange.AddLearner(id));
      }
    }
    for (int learner : now.learners()) {
      choices.add(new MembershipChange.Promote(learner));
      choices.add(new MembershipChange.Promote(learner));
      choices.add(new MembershipChange.Remove(learner));
    }
    if (now.voters().size() > initialVoters) {
      for (int voter : now.voters()) {
        choices.add(new MembershipChange.Remove(voter));
      }
    }
    if (choices.isEmpty()) {
      return;
    }
    MembershipChange change = choices.get(random.nextInt(choices.size()));
    ProposeResult result = node.loop.changeMembership(change);
    boolean accepted = result instanceof ProposeResult.Accepted;
    count("membership:" + change.getClass().getSimpleName() + (accepted ? " accepted" : " refused"));
    afterInput(node);
  }

  /**
   * A configuration entry was applied: counted once (by index), and in runs without PreVote the
   * servers a committed non-joint configuration leaves out are stopped (see {@link #retired}), and a
   * stopped server is started again once a committed configuration adds it back.
   */
  private void configurationApplied(Entry entry) {
    if (entry.index() <= lastConfigCounted) {
      return;
    }
    lastConfigCounted = entry.index();
    configChanges++;
    Membership committed = Membership.decode(entry.data());
    if (config.preVote()) {
      return;
    }
    for (int id = 1; id <= size; id++) {
      if (committed.isMember(id) && retired[id]) {
        retired[id] = false;
        toStartAgain.add(id);
      } else if (!committed.isJoint() && !committed.isMember(id) && !retired[id]) {
        retired[id] = true;
        toRetire.add(id);
      }
    }
  }

  /** Stops, or starts again, the servers {@link #configurationApplied} retired or added back in the last input. */
  private void stopRetired() {
    for (int id : toRetire) {
      count("membership:server outside the configuration stopped");
      if (retired[id] && nodes[id].isUp()) {
        nodes[id].goDown(false);
        workload.crashed(id);
        reads.crashed(id);
      }
    }
    toRetire.clear();
    for (int id : toStartAgain) {
      count("membership:removed server started again");
      restart(id);
    }
    toStartAgain.clear();
  }

  /**
   * The node loop of a new incarnation of {@code node}, over its current store; at a restart from
   * a snapshot the loop restores the state machine from it before anything else.
   */
  private NodeLoop newLoop(SimNode node, RaftNode raft) {
    NodeLoop loop = new NodeLoop(raft, node.store, this::send, machineOf(node));
    loop.snapshotEvery(snapshotEvery);
    return loop;
  }

  /** The node's state machine: the simulated log the client's commands go to, and its reads. */
  private StateMachine machineOf(SimNode node) {
    return new StateMachine() {
      @Override
      public void apply(Entry entry) {
        Simulation.this.apply(node, entry);
      }

      @Override
      public byte[] snapshot() {
        return node.machine.snapshot();
      }

      @Override
      public void restore(Snapshot snapshot) {
        Simulation.this.restore(node, snapshot);
      }

      @Override
      public void readReady(long ctx, long index) {
        String stale = reads.served(ctx, node.id, index, node.machine.applied);
        history.readReturned(ctx, checker.lastCommandOfKey(node.machine.applied, ClientHistory.keyOf(ctx),
            ClientHistory.KEYS), now);
        if (stale != null) {
          checker.violation("ReadLinearizability", stale);
        }
      }

      @Override
      public void readAborted(long ctx) {
        reads.aborted(ctx);
        history.readFailed(ctx, now);
      }
    };
  }

  /**
   * After every input to a node: a node that stopped goes down; a running one must have handed its
   * whole log to storage, and its commits and leaderships are checked.
   */
  private void afterInput(SimNode node) {
    NodeLoop loop = node.loop;
    if (loop.stopped()) {
      Throwable cause = loop.stopCause();
      if (!(cause instanceof StorageException) || !node.store.failedOnFullDisk()) {
        checker.violation("UnexpectedStop", "node " + node.id + " stopped: " + describe(cause));
      }
      count("disk-full:node stopped");
      node.goDown(true);
      workload.crashed(node.id);
      reads.crashed(node.id);
      newLeaders.clear();
      if (!node.diskFull) {
        // The write failed while the disk was full, but it was freed before the node learned of
        // it (possibly in the liveness phase): it is restarted as for a disk freed after the stop.
        queue.schedule(now + TICK_UNITS, EventQueue.EventKind.RESTART, node.id, null);
      }
      return;
    }
    RaftNode raft = loop.raft();
    if (raft.lastIndex() != node.mirror.lastIndex()) {
      checker.violation(
          "Handover",
          "node " + node.id + " reports lastIndex " + raft.lastIndex() + " but handed 1.."
              + node.mirror.lastIndex() + " to storage");
    }
    checkCommit(node, raft);
    for (int leader : newLeaders) {
      SimNode led = nodes[leader];
      if (led.isUp() && led.loop.raft().role() == Role.LEADER) {
        checker.onLeader(leader, led.loop.raft().currentTerm(), led.mirror);
      }
    }
    newLeaders.clear();
  }

  /** Registers a node's commit advance with the checker (the first node that far defines it). */
  private void checkCommit(SimNode node, RaftNode raft) {
    long commitIndex = raft.commitIndex();
    if (commitIndex != node.checkedCommitIndex) {
      checker.onCommit(node.id, node.mirror, commitIndex, raft.currentTerm());
      while (commitTimes.size() <= checker.committedIndex()) {
        commitTimes.add(now);
      }
      node.checkedCommitIndex = commitIndex;
    }
  }

  /**
   * The node loop applies a committed entry. It does so while handling a Ready, after handing that
   * Ready's write to storage, so the node's log as handed over already holds the entry and the
   * commit can be registered first.
   */
  private void apply(SimNode node, Entry entry) {
    checkCommit(node, node.raft);
    if (entry.index() != node.machine.applied + 1) {
      checker.violation(
          "ApplyOrder",
          "node " + node.id + " applied index " + entry.index() + " after " + node.machine.applied);
    }
    checker.onApply(node.id, entry);
    node.machine.apply(entry);
    if (entry.type() == EntryType.CONFIG) {
      configurationApplied(entry);
    }
    long command = workload.applied(node.id, entry);
    if (command > 0) {
      checker.onAcknowledged(command, entry.index());
      history.writeAcknowledged(command, now);
    }
  }

  /**
   * The node loop restores the state machine from {@code snapshot}: at a restart (the loop is
   * being built) from the node's own latest snapshot, else from a leader's that the node has just
   * installed. Either way the state must be exactly the committed prefix's up to its index, and
   * from there the node applies on.
   */
  private void restore(SimNode node, Snapshot snapshot) {
    boolean atRestart = node.loop == null;
    SimStateMachine restored = SimStateMachine.decode(snapshot.data());
    String what = atRestart ? "restored at restart" : "restored from a leader's snapshot";
    if (!checker.checkSnapshot(node.id, snapshot.index(), snapshot.term(), restored, what)) {
      return;
    }
    if (!atRestart && snapshot.index() <= node.machine.applied) {
      checker.violation("ApplyOrder", "node " + node.id + " restored a snapshot at "
          + snapshot.index() + " over a state machine that applied up to " + node.machine.applied);
    }
    if (snapshot.index() != node.raft.appliedIndex()) {
      checker.violation("ApplyOrder", "node " + node.id + " restored a snapshot at "
          + snapshot.index() + " but its core has applied up to " + node.raft.appliedIndex());
    }
    node.machine.restore(restored);
    checker.checkStateMachine(node.id, node.machine, what);
    count(atRestart ? "snapshot:state machine restored at restart"
        : "snapshot:state machine restored from a leader's");
    workload.restored(node.id, snapshot.index());
  }

  private void send(Message message) {
    if (message.to() < 1 || message.to() > size || message.to() == message.from()) {
      throw Checks.broken("message to an unknown node or to itself: %s", message);
    }
    if (network.lose()) {
      emit(new RaftEvent.DropMessage(message, nodes[message.to()].state(), "lost"));
      return;
    }
    long arrival = now + network.delay();
    long[] lastOnLink = lastArrival[message.from()];
    if (arrival < lastOnLink[message.to()]) {
      count("reorder:message overtaken");
    }
    lastOnLink[message.to()] = Math.max(lastOnLink[message.to()], arrival);
    queue.schedule(arrival, EventQueue.EventKind.DELIVER, message.to(), message);
    if (network.duplicate()) {
      emit(new RaftEvent.DuplicateMessage(message, nodes[message.to()].state()));
      queue.schedule(now + network.delay(), EventQueue.EventKind.DELIVER, message.to(), message);
    }
  }

  private void observe(RaftEvent event) {
    raftEvents++;
    NodeState state = event.state();
    fingerprint =
        mix(
            fingerprint,
            NAME_HASH.get(event.getClass()) * 31L + event.node(),
            state.currentTerm() * 31 + state.commitIndex(),
            state.logLength() * 31 + state.role().ordinal());
    countSnapshotEvent(event, nodes[event.node()].lastState);
    nodes[event.node()].lastState = state;
    if (event instanceof RaftEvent.Restart) {
      checker.onRestart(event.node(), state);
    } else {
      checker.onState(event.node(), state);
    }
    countLeaseEvent(event);
    countFollowerReadEvent(event);
    if (event instanceof RaftEvent.StepDown down && down.reason().startsWith("removed from")) {
      count("membership:leader stepped down, removed");
    }
        if (event instanceof RaftEvent.HandleTimeoutNow) {
      transferCandidacies.put(event.node(), state.currentTerm());
    }
    if (event instanceof RaftEvent.BecomeLeader) {
      newLeaders.add(event.node());
      Long transferTerm = transferCandidacies.remove(event.node());
      if (transferTerm != null && transferTerm == state.currentTerm()) {
        transfers++;
      }
      if (liveness) {
        leaderChanges.elected(event.node(), state.currentTerm(), now);
      }
    } else if (event instanceof RaftEvent.BecomeCandidate && liveness) {
      leaderChanges.campaigned(state.currentTerm());
    }
    trace.on(event);
  }

  private void countLeaseEvent(RaftEvent event) {
    switch (event) {
      case RaftEvent.LeaseRead read -> count(LEASE_READS);
      case RaftEvent.RenewLease renewed -> count("lease:renewed");
      case RaftEvent.ExpireLease expired -> count("lease:ran out");
      case RaftEvent.ExpirePromise expired -> count("lease:promise ran out");
      case RaftEvent.SendTimeoutNow sent when sent.state().lease() < 0 -> count("lease:given up by a transfer");
      default -> {}
    }
  }

  private void countFollowerReadEvent(RaftEvent event) {
    switch (event) {
      case RaftEvent.ForwardRead forwarded -> count("follower read:forwarded");
      case RaftEvent.HandleReadIndexRequest taken -> count("follower read:round begun by the leader");
      case RaftEvent.SendReadIndexResponse answered -> count("follower read:answered by the leader");
      case RaftEvent.HandleReadIndexResponse served -> count(FOLLOWER_READS);
      default -> {}
    }
  }

  /** Counts what a snapshot event did; {@code before} is the node's state before the event. */
  private void countSnapshotEvent(RaftEvent event, NodeState before) {
    switch (event) {
      case RaftEvent.TakeSnapshot taken -> count("snapshot:taken");
      case RaftEvent.SendInstallSnapshot send ->
          count(send.msg().offset() == 0 ? "snapshot:first chunk sent" : "snapshot:later chunk sent");
      case RaftEvent.HandleInstallSnapshotRequest handled -> {
        if (handled.state().snapshotIndex() > before.snapshotIndex()) {
          snapshotsInstalled++;
          nodes[event.node()].durableBeforeInstall = before.durableLength();
        } else if (handled.msg().done() && handled.reply().done()) {
          count("snapshot:stale snapshot ignored");
        }
      }
      default -> {}
    }
  }

  /** Events the network makes up go through the same observer as the nodes'. */
  private void emit(RaftEvent event) {
    observe(event);
  }

  // --- SimLogStore.Host

  @Override
  public long now() {
    return now;
  }

  @Override
  public DiskModel diskModel() {
    return diskModel;
  }

  @Override
  public void scheduleDisk(long time, SimLogStore.DiskEvent event) {
    queue.schedule(time, EventQueue.EventKind.DISK, event.store().nodeId(), event);
  }

  @Override
  public void handedOver(SimNode node, WriteBatch batch) {
    LogMirror mirror = node.mirror;
    long firstChanged = mirror.write(batch.entries());
    if (batch.hardState() != null) {
      mirror.setHardState(batch.hardState());
    }
    if (batch.hasEntries()) {
      checker.onLogWritten(node.id, mirror, firstChanged, mirror.commitIndex);
    }
  }

  /**
   * A leader's snapshot the node installs: it must be the committed prefix's state; the log then
   * starts after it, keeping the entries after it only if it holds the snapshot's last entry.
   */
  @Override
  public void snapshotInstalled(SimNode node, Snapshot snapshot, boolean keepsLog) {
    SimStateMachine content = SimStateMachine.decode(snapshot.data());
    if (!checker.checkSnapshot(node.id, snapshot.index(), snapshot.term(), content, "installed")) {
      return;
    }
    LogMirror mirror = node.mirror;
    if (!keepsLog) {
      count("snapshot:installed, log discarded");
      mirror.resetTo(snapshot.index(), snapshot.term(), content.hash);
      return;
    }
    count("snapshot:installed, log kept");
    if (!mirror.holds(snapshot.index()) && mirror.base() != snapshot.index()
        || mirror.termAt(snapshot.index()) != snapshot.term()
        || checker.hashAt(mirror, snapshot.index()) != content.hash) {
      checker.violation("SnapshotKeepsLog", "node " + node.id + " keeps its log after " + snapshot
          + " but its log 1.." + mirror.lastIndex() + " does not hold that snapshot's entries");
    }
  }

  @Override
  public void snapshotSaved(SimNode node, Snapshot snapshot) {
    count("snapshot:saved");
    checker.checkSnapshot(
        node.id, snapshot.index(), snapshot.term(), SimStateMachine.decode(snapshot.data()), "saved");
  }

  @Override
  public void count(String what) {
    occurrences.computeIfAbsent(what, k -> new long[1])[0]++;
  }

  // --- the liveness phase

  private void startLiveness() {
    liveness = true;
    nemesis.stop();
    network.healAll();
    network.setFaulty(false);
    network.setHealthyDelays();
    diskModel = diskModel.healthy();
    for (int id = 1; id <= size; id++) {
      SimNode node = nodes[id];
      node.stalledUntil = 0;
      if (node.diskFull) {
        node.fs.failWrites(null);
        node.diskFull = false;
      }
    }
    for (int id = 1; id <= size; id++) {
      restart(id);
    }
    workload.startLiveness();
    failoversPlanned =
        options.livenessTicks() >= FAILOVER_LIVENESS_TICKS_MIN && initialVoters >= 3 ? FAILOVERS : 0;
    beginLeaderChange("after the heal", false);
  }

  private void beginLeaderChange(String name, boolean failover) {
    int leader = leader();
    leaderChanges.begin(
        name, failover, now, leader, leader == 0 ? 0 : nodes[leader].loop.raft().currentTerm());
  }

  /**
   * After every liveness-phase event: holds the current leader change to its bounds,
   * and moves the phase on (settled, goal met, next failover).
   */
  private void livenessProgress() {
    if (!leaderChanges.settled()) {
      String broken = leaderChanges.check(now, this::leads);
      if (broken != null) {
        checker.violation("LeaderElection", broken + "; " + nodesReport());
        return;
      }
      if (failoversPlanned == 0 && livenessGoalMet()) {
        livenessDone = true; // a short run: progress made within the bounds so far is enough
        return;
      }
      if (leaderChanges.settled() && failoverVictim != 0) {
        // The old leader comes back once its successor is settled; it must catch up.
        queue.schedule(now, EventQueue.EventKind.RESTART, failoverVictim, null);
      }
      return;
    }
    if (failoverVictim != 0 && !nodes[failoverVictim].isUp()) {
      return;
    }
    failoverVictim = 0;
    if (!livenessGoalMet()) {
      return;
    }
    if (failovers < failoversPlanned) {
      int victim = leader();
      if (victim == 0) {
        return;
      }
      failovers++;
      failoverVictim = victim;
      crash(victim);
      workload.startLivenessRound();
      beginLeaderChange("after failover " + failovers + " (leader " + victim + " crashed)", true);
      return;
    }
    livenessDone = true;
  }

  /** A new command acknowledged, and every member of the leader's configuration has applied it. */
  private boolean livenessGoalMet() {
    int leader = leader();
    if (!workload.livenessCommandAcknowledged || leader == 0) {
      return false;
    }
    for (int id : nodes[leader].loop.raft().membership().members()) {
      if (!nodes[id].isUp() || nodes[id].machine.applied < workload.maxAcknowledgedIndex) {
        return false;
      }
    }
    return true;
  }

  private String livenessReport() {
    return "within " + options.livenessTicks() + " ticks of healing, "
        + (leaderChanges.settled() ? "a leader settled " : "no leader settled ")
        + leaderChanges.name() + ", "
        + failovers + " of " + failoversPlanned + " failovers begun, "
        + (workload.livenessCommandAcknowledged
            ? "a new command was acknowledged"
            : "no new command was acknowledged")
        + " and not every node applied every acknowledged command (up to index "
        + workload.maxAcknowledgedIndex + "); " + nodesReport();
  }

  private String nodesReport() {
    StringBuilder text = new StringBuilder("nodes:");
    for (int id = 1; id <= size; id++) {
      SimNode node = nodes[id];
      text.append(' ').append(id).append('=');
      if (!node.isUp()) {
        text.append("down");
        continue;
      }
      RaftNode raft = node.loop.raft();
      text.append(raft.role())
          .append("/t")
          .append(raft.currentTerm())
          .append("/last")
          .append(raft.lastIndex())
          .append("/commit")
          .append(raft.commitIndex())
          .append("/applied")
          .append(node.machine.applied);
      if (size > initialVoters) {
        text.append("/[").append(raft.membership()).append(']');
      }
    }
    return text.toString();
  }

  // --- Nemesis.Cluster

  @Override
  public boolean isUp(int node) {
    return nodes[node].isUp();
  }

  /**
   * Most crashes are power losses (the disk loses what was not synced); the rest kill the process
   * (what was written survives in the page cache).
   */
  @Override
  public void crash(int id) {
    SimNode node = nodes[id];
    if (!node.isUp()) {
      return;
    }
    node.goDown(false);
    // The liveness phase's failovers are not faults of the seed: not counted as such.
    String kind = liveness ? "liveness:leader crashed, " : "crash:";
    if (node.diskRandom.nextInt(4) != 0) {
      count(kind + "power loss");
      node.fs.crash(node.diskRandom);
    } else {
      count(kind + "process killed");
      announceClosedConnections(id);
    }
    workload.crashed(id);
    reads.crashed(id);
  }

  @Override
  public void restart(int id) {
    SimNode node = nodes[id];
    if (node.isUp() || retired[id]) {
      return;
    }
    SimLogStore store;
    try {
      store = SimLogStore.open(node, this);
    } catch (IOException e) {
      if (node.diskFull) {
        // Recovery had to write (cut a torn tail, roll a segment) and could not: still down.
        count("disk-full:restart refused");
        node.stopped = true;
        return;
      }
      checker.violation(
          "RecoveryFailed", "node " + id + " could not reopen its log: " + describe(e));
      return;
    }
    LogMirror recovered;
    try {
      recovered = recoveredMirror(node, store);
    } catch (UncheckedIOException e) {
      checker.violation(
          "RecoveryFailed", "node " + id + " could not read its recovered log: " + describe(e));
      return;
    }
    if (recovered == null) {
      return;
    }
    checkRecovery(node, store, recovered);
    node.mirror = recovered;
    node.checkedCommitIndex = recovered.commitIndex;
    node.stopped = false;
    node.restarts++;
    node.store = store;
    RaftNode raft =
        RaftNode.restart(config, id, node.nextSeed(), store.hardState(), store.log(), observer);
    if (raft.state().durableLength() != recovered.lastIndex()) {
      checker.violation(
          "RestartDurableLength",
          "node " + id + " restarted with durableLength " + raft.state().durableLength()
              + " over a recovered log 1.." + recovered.lastIndex());
    }
    node.raft = raft;
    node.loop = newLoop(node, raft);
    afterInput(node);
  }

  /**
   * The log and hard state {@code store} recovered, starting after its snapshot if it has one
   * (checked to be the committed prefix's state); null after a violation.
   */
  private LogMirror recoveredMirror(SimNode node, SimLogStore store) {
    LogStorage log = store.log();
    Snapshot snapshot = store.recoveredSnapshot();
    if (snapshot == null) {
      return LogMirror.of(store.hardState(), entries(log));
    }
    count("snapshot:restarted from a snapshot");
    SimStateMachine content = SimStateMachine.decode(snapshot.data());
    if (!checker.checkSnapshot(node.id, snapshot.index(), snapshot.term(), content, "recovered")) {
      return null;
    }
    return LogMirror.of(
        store.hardState(), snapshot.index(), snapshot.term(), content.hash, entries(log));
  }

  /** What a crash cost, counted; and the recovered log checked against what the node had reported. */
  private void checkRecovery(SimNode node, SimLogStore store, LogMirror recovered) {
    SimNode.Down down = node.down;
    if (down == null) {
      return;
    }
    if (recovered.lastIndex() < down.before().lastIndex()) {
      count("crash:unsynced entries lost");
    }
    if (store.recoveredTornTail()) {
      count("crash:torn write cut by recovery");
    }
    if (store.segments() > 1) {
      count("crash:recovered from several segments");
    }
    checker.onRecovered(node.id, down.before(), down.durableLength(), down.durableTerm(),
        down.durableVote(), down.writeFailed(), recovered);
    node.down = null;
  }

  private TreeMap<String, Long> counts() {
    TreeMap<String, Long> counts = new TreeMap<>();
    occurrences.forEach((what, count) -> counts.put(what, count[0]));
    return counts;
  }

  private static List<Entry> entries(LogStorage log) {
    long first = log.snapshotIndex() + 1;
    return log.lastIndex() < first
        ? List.of()
        : log.entries(first, log.lastIndex(), Long.MAX_VALUE);
  }

  private boolean leads(int id, long term) {
    SimNode node = nodes[id];
    return node.isUp() && node.loop.raft().role() == Role.LEADER
        && node.loop.raft().currentTerm() == term;
  }

  @Override
  public int leader() {
    int leader = 0;
    long term = -1;
    for (int id = 1; id <= size; id++) {
      SimNode node = nodes[id];
      if (node.isUp()
          && node.loop.raft().role() == Role.LEADER
          && node.loop.raft().currentTerm() > term) {
        leader = id;
        term = node.loop.raft().currentTerm();
      }
    }
    return leader;
  }

  @Override
  public void schedule(long delayUnits, Object action) {
    queue.schedule(now + delayUnits, EventQueue.EventKind.NEMESIS, 0, action);
  }

  @Override
  public void stallDisk(int id, long delayUnits) {
    count("stall:disk stalled");
    nodes[id].stalledUntil = Math.max(nodes[id].stalledUntil, now + delayUnits);
  }

  @Override
  public void fillDisk(int id) {
    count("disk-full:disk filled");
    nodes[id].diskFull = true;
    nodes[id].fs.failWrites(new IOException(SimLogStore.FULL_DISK));
  }

  @Override
  public void freeDisk(int id) {
    SimNode node = nodes[id];
    node.diskFull = false;
    node.fs.failWrites(null);
    if (!node.isUp() && node.stopped) {
      count("disk-full:restarted once freed");
      restart(id);
    }
  }

  @Override
  public boolean diskFull(int id) {
    return nodes[id].diskFull;
  }

  // --- helpers

  private String where() {
    EventQueue.Event event = current;
    return "seed " + seed + ", tick " + (now / TICK_UNITS) + " (t=" + now + ")"
        + (liveness ? " liveness" : " safety") + " phase, event " + events
        + (event == null ? "" : " " + event.kind() + describePayload(event))
        + ", partitions: " + network.describe();
  }

  private static String describePayload(EventQueue.Event event) {
    if (event.payload() instanceof Message message) {
      return " " + message.getClass().getSimpleName() + " " + message.from() + "->" + message.to()
          + " term " + message.term();
    }
    if (event.payload() != null) {
      return " " + event.payload();
    }
    return event.node() == 0 ? "" : " node " + event.node();
  }

  private static String describe(Throwable e) {
    StringBuilder text = new StringBuilder(String.valueOf(e));
    StackTraceElement[] stack = e == null ? new StackTraceElement[0] : e.getStackTrace();
    for (int k = 0; k < Math.min(6, stack.length); k++) {
      text.append("\n      at ").append(stack[k]);
    }
    return text.toString();
  }

  private static Config randomConfig(SplittableRandom random, int size) {
    int timeoutMin = 10;
    int timeoutMax = (int) pick(random, 15, 20, 30);
    int heartbeat = (int) pick(random, 1, 2, 3);
    return Config.ofSize(size)
        .withElectionTimeoutTicks(timeoutMin, timeoutMax)
        .withHeartbeatIntervalTicks(heartbeat)
        .withPreVote(random.nextInt(4) != 0)
        .withCheckQuorum(random.nextInt(4) != 0)
        // Small messages and windows (mostly) make a leader repair a log a few entries at a time,
        // which is where commit and backtracking rules are tested hardest (e.g. Figure 8).
        .withMaxInflightMessages((int) pick(random, 1, 1, 4, 4, 256))
        .withMaxMessageBytes((long) pick(random, 40, 40, 100, 100, 1 << 20))
        // The leader's flow control (proposals refused over this many uncommitted bytes, 32 to 64
        // entries here) keeps a slow configuration's backlog bounded, as it would in production.
        .withMaxUncommittedBytes((long) pick(random, 1024, 2048));
  }

  /**
   * The core's own assertions are turned off ({@code --no-core-invariants}) to see what the
   * simulator's checks catch alone, e.g. of a mutant core. The switch is the core's process-wide
   * {@link Assert#setEnabled}; the caller sets it before any run, since parallel runs share it.
   */
  static void checkOptions(SimulationOptions options) {
    if (options.checkCoreInvariants() != Assert.enabled()) {
      throw new IllegalStateException("the core's assertions are " + (Assert.enabled() ? "on" : "off")
          + " but these options want them " + (options.checkCoreInvariants() ? "on" : "off")
          + ": call Assert.setEnabled(" + options.checkCoreInvariants() + ") before running");
    }
  }

  /**
   * The seed's snapshot threshold: drawn even when the options fix it, so that the option changes
   * nothing else the seed draws.
   */
  private static long snapshotEvery(SplittableRandom random, SimulationOptions options) {
    long drawn =
        SNAPSHOT_EVERY_MIN + random.nextInt((int) (SNAPSHOT_EVERY_MAX - SNAPSHOT_EVERY_MIN + 1));
    return options.snapshotEvery() == SimulationOptions.SNAPSHOT_EVERY_PER_SEED
        ? drawn
        : options.snapshotEvery();
  }

  private static double pick(SplittableRandom random, double... values) {
    return values[random.nextInt(values.length)];
  }

  private static long mix(long hash, long a, long b, long c) {
    long h = hash;
    h = (h ^ a) * 0x9E3779B97F4A7C15L;
    h = (h ^ b) * 0xBF58476D1CE4E5B9L;
    h = (h ^ c) * 0x94D049BB133111EBL;
    return h ^ (h >>> 29);
  }
}
