package io.raftkv.sim;

import io.raftkv.core.Config;
import io.raftkv.core.Entry;
import io.raftkv.core.Message;
import io.raftkv.core.ProposeResult;
import io.raftkv.core.RaftEvent;
import io.raftkv.core.RaftNode;
import io.raftkv.core.RaftObserver;
import io.raftkv.core.Ready;
import io.raftkv.core.Role;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic whole-cluster simulation of one seed: a single-threaded discrete-event loop over
 * logical time, in the manner of TigerBeetle's VOPR and FoundationDB's simulator.
 *
 * <p><b>Determinism.</b> One {@link SplittableRandom} is built from the seed; the network, the
 * nemesis, the client and every node (each incarnation) get their own streams split from it, so
 * the same seed and options replay the same event sequence (ties in time are broken by scheduling
 * order; nothing iterates a hash-ordered collection; there are no threads, clocks or sleeps).
 *
 * <p><b>Time.</b> A core tick is {@value #TICK_UNITS} time units; each node ticks at its own random
 * phase. Every message gets its own delay (so messages overtake each other); see {@link Network}.
 *
 * <p><b>Driving a node.</b> After every input (tick, delivered message, proposal, restart) the
 * node's Ready batches are handled to completion within the same simulator event: messages that may
 * leave now are sent, the hard state and entries are written to the node's {@link SimDisk}, the
 * messages that need durability are sent, committed entries are applied, then {@code advance}.
 *
 * <p><b>Crash model.</b> A crash discards the core object and the state machine; a restart builds
 * {@code RaftNode.restart(...)} from the disk. Because each Ready is persisted atomically within
 * the event that produced it, a crash (which happens only between events) never loses state the
 * core has already reported through its events. This matches the spec's {@code Restart}, which
 * keeps currentTerm, votedFor, the log and commitIndex exactly as last emitted. A finer "torn
 * persistence" fault (crashing between the core's step and the disk write) would need the spec to
 * model durability separately, and is not simulated.
 *
 * <p><b>Phases.</b> The safety phase injects this seed's faults (loss, duplication, reordering,
 * partitions, crashes) for {@code safetyTicks}. The liveness phase heals the network, restarts
 * crashed nodes and stops faults; within {@code livenessTicks} a leader must commit a new command
 * and every acknowledged command must be applied on every node. {@link SafetyChecker} runs after
 * every event; the run stops at the first violation.
 *
 * <p><b>Trace.</b> Every event of every node and of the network goes to the one observer passed
 * in, in simulator order: a total order suitable for trace validation. Network losses and
 * duplications and deliveries to crashed or cut-off nodes are emitted as {@code DropMessage} /
 * {@code DuplicateMessage}.
 */
public final class Simulation implements Nemesis.Cluster {

  /** Time units per core tick. */
  public static final int TICK_UNITS = 10;

  private static final int QUEUE_LIMIT = 200_000;
  private static final int READY_LIMIT = 10_000;

  private final long seed;
  private final SimulationOptions options;
  private final RaftObserver trace;
  private final SplittableRandom random;
  private final int size;
  private final Config config;
  private final SimNode[] nodes;
  private final EventQueue queue = new EventQueue();
  private final Network network;
  private final Nemesis nemesis;
  private final Workload workload;
  private final SafetyChecker checker;
  private final RaftObserver observer = this::observe;
  private final List<Integer> newLeaders = new ArrayList<>();
  private final String parameters;

  private long now;
  private long events;
  private long raftEvents;
  private long fingerprint = 0x5EED;
  private boolean liveness;
  private long livenessStart;
  /** When the liveness phase first saw a leader, or -1. */
  private long livenessLeaderTime = -1;
  private EventQueue.Event current;

  private Simulation(long seed, SimulationOptions options, RaftObserver trace) {
    this.seed = seed;
    this.options = options;
    this.trace = trace;
    this.random = new SplittableRandom(seed);
    this.size = options.nodes() != 0 ? options.nodes() : (random.nextBoolean() ? 3 : 5);
    this.config = randomConfig(random.split(), size);
    SplittableRandom networkRandom = random.split();
    double drop = options.has(Fault.DROP) ? pick(networkRandom, 0, 0.01, 0.05, 0.1, 0.2) : 0;
    double duplicate = options.has(Fault.DUPLICATE) ? pick(networkRandom, 0, 0.01, 0.05, 0.15) : 0;
    int delayMax = options.has(Fault.REORDER) ? (int) pick(networkRandom, 3, 10, 20, 40) : 3;
    int delayMin = options.has(Fault.REORDER) ? 1 : 3;
    this.network = new Network(networkRandom, size, drop, duplicate, delayMin, delayMax);
    this.nemesis =
        new Nemesis(
            random.split(), size, network, this, options.has(Fault.PARTITION), options.has(Fault.CRASH));
    SplittableRandom clientRandom = random.split();
    this.workload =
        new Workload(
            clientRandom,
            size,
            TICK_UNITS * (1 + clientRandom.nextInt(8)),
            clientRandom.nextBoolean() ? 1 : 4,
            (int) pick(clientRandom, 1, 4, 16),
            100L * TICK_UNITS);
    this.checker = new SafetyChecker(size, this::where);
    this.nodes = new SimNode[size + 1];
    for (int id = 1; id <= size; id++) {
      nodes[id] = new SimNode(id, random.split());
    }
    this.parameters =
        size + " nodes, timeout " + config.electionTimeoutTicksMin() + ".."
            + config.electionTimeoutTicksMax() + ", heartbeat " + config.heartbeatIntervalTicks()
            + ", preVote " + config.preVote() + ", checkQuorum " + config.checkQuorum()
            + ", inflight " + config.maxInflightMessages() + ", maxMessageBytes "
            + config.maxMessageBytes() + ", maxUncommittedBytes " + config.maxUncommittedBytes()
            + "; drop " + drop + ", duplicate " + duplicate + ", delay "
            + delayMin + ".." + delayMax + " units (tick " + TICK_UNITS + "); " + nemesis.describe()
            + "; client every " + workload.intervalUnits + " units, bursts <=" + workload.burstMax
            + ", <=" + workload.concurrency + " outstanding";
  }

  /**
   * Runs one seed to completion.
   *
   * @param trace receives every event of the run in simulator order; {@link RaftObserver#NONE} for
   *     none
   */
  public static SimulationResult run(long seed, SimulationOptions options, RaftObserver trace) {
    return new Simulation(seed, options, trace).run();
  }

  private SimulationResult run() {
    long safetyEnd = options.safetyTicks() * TICK_UNITS;
    long end = safetyEnd + options.livenessTicks() * TICK_UNITS;
    boolean goalMet = false;
    try {
      for (int id = 1; id <= size; id++) {
        SimNode node = nodes[id];
        node.raft = RaftNode.create(config, id, node.nextSeed(), observer);
        queue.schedule(1 + random.nextInt(TICK_UNITS), EventQueue.EventKind.TICK, id, null);
        drain(node);
      }
      queue.schedule(1 + random.nextInt(workload.intervalUnits), EventQueue.EventKind.CLIENT, 0, null);
      nemesis.start();
      network.setFaulty(true);
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
        if (liveness && livenessGoalMet()) {
          goalMet = true;
          break;
        }
      }
    } catch (UncheckedIOException e) {
      throw e;
    } catch (RuntimeException | AssertionError e) {
      checker.violation("CoreFailure", describe(e));
    }
    if (!checker.failed() && !goalMet) {
      checker.violation("Liveness", livenessReport());
    }
    return new SimulationResult(
        seed,
        size,
        checker.violations(),
        events,
        raftEvents,
        fingerprint,
        workload.proposed,
        workload.acknowledged,
        parameters);
  }

  private void handle(EventQueue.Event event) {
    switch (event.kind()) {
      case TICK -> {
        SimNode node = nodes[event.node()];
        queue.schedule(now + TICK_UNITS, EventQueue.EventKind.TICK, node.id, null);
        if (node.isUp()) {
          node.raft.tick();
          drain(node);
        }
      }
      case DELIVER -> deliver((Message) event.payload());
      case CLIENT -> clientStep();
      case NEMESIS -> nemesis.act(event.payload());
    }
  }

  private void deliver(Message message) {
    SimNode node = nodes[message.to()];
    fingerprint = mix(fingerprint, message.from(), message.term(), message.getClass().getSimpleName().hashCode());
    if (network.blocked(message)) {
      emit(new RaftEvent.DropMessage(message, node.state(), "partition"));
    } else if (!node.isUp()) {
      emit(new RaftEvent.DropMessage(message, node.state(), "crashed"));
    } else {
      node.raft.step(message);
      drain(node);
    }
  }

  private void clientStep() {
    queue.schedule(
        now + workload.intervalUnits / 2 + 1 + random.nextInt(workload.intervalUnits),
        EventQueue.EventKind.CLIENT,
        0,
        null);
    if (!workload.proposing()) {
      return;
    }
    SimNode node = nodes[workload.target()];
    if (!node.isUp()) {
      workload.unavailable();
      return;
    }
    int burst = Math.min(1 + random.nextInt(workload.burstMax), workload.room(now));
    for (int k = 0; k < burst; k++) {
      long command = workload.nextCommand();
      ProposeResult result = node.raft.propose(Workload.encode(command));
      drain(node);
      if (result instanceof ProposeResult.Accepted accepted) {
        workload.accepted(node.id, command, accepted.index(), accepted.term(), now);
        nemesis.proposalAccepted(node.id);
        continue;
      }
      if (result instanceof ProposeResult.NotLeader notLeader) {
        workload.notLeader(notLeader.leaderHint());
      } else {
        workload.unavailable();
      }
      break;
    }
  }

  /** Handles every Ready of {@code node} within this event, then checks what changed. */
  private void drain(SimNode node) {
    RaftNode raft = node.raft;
    int batches = 0;
    while (raft.hasReady()) {
      if (++batches > READY_LIMIT) {
        checker.violation("ReadyLoop", "node " + node.id + " produced " + READY_LIMIT + " Ready batches in one event");
        return;
      }
      Ready ready = raft.ready();
      for (Message message : ready.messages()) {
        send(message);
      }
      persist(node, ready);
      for (Message message : ready.messagesAfterPersist()) {
        send(message);
      }
      for (Entry entry : ready.committedEntries()) {
        apply(node, entry);
      }
      raft.advance(ready);
    }
    if (raft.lastIndex() != node.disk.lastIndex()) {
      checker.violation(
          "Durability",
          "node " + node.id + " reports lastIndex " + raft.lastIndex() + " but its handled Ready"
              + " batches leave 1.." + node.disk.lastIndex() + " on disk");
    }
    for (int leader : newLeaders) {
      SimNode led = nodes[leader];
      if (led.isUp() && led.raft.role() == Role.LEADER) {
        checker.onLeader(leader, led.raft.currentTerm(), led.disk);
      }
    }
    newLeaders.clear();
    if (options.checkCoreInvariants()) {
      raft.checkInvariants();
    }
  }

  private void persist(SimNode node, Ready ready) {
    SimDisk disk = node.disk;
    long firstChanged = disk.write(ready.entriesToPersist());
    if (ready.hardState() != null) {
      disk.currentTerm = ready.hardState().currentTerm();
      disk.votedFor = ready.hardState().votedFor();
      disk.commitIndex = ready.hardState().commitIndex();
    }
    if (!ready.entriesToPersist().isEmpty()) {
      checker.onLogWritten(node.id, disk, firstChanged, disk.commitIndex);
    }
    if (disk.commitIndex != node.checkedCommitIndex) {
      checker.onCommit(node.id, disk, disk.commitIndex, disk.currentTerm);
      node.checkedCommitIndex = disk.commitIndex;
    }
  }

  private void apply(SimNode node, Entry entry) {
    if (entry.index() != node.lastApplied + 1) {
      checker.violation(
          "ApplyOrder",
          "node " + node.id + " applied index " + entry.index() + " after " + node.lastApplied);
    }
    checker.onApply(node.id, entry);
    node.lastApplied = entry.index();
    node.stateMachineHash = SimDisk.chain(node.stateMachineHash, entry);
    long command = workload.applied(node.id, entry);
    if (command > 0) {
      checker.onAcknowledged(command, entry.index());
    }
  }

  private void send(Message message) {
    Checks.check(
        message.to() >= 1 && message.to() <= size && message.to() != message.from(),
        "message to an unknown node or to itself: %s",
        message);
    if (network.lose()) {
      emit(new RaftEvent.DropMessage(message, nodes[message.to()].state(), "lost"));
      return;
    }
    queue.schedule(now + network.delay(), EventQueue.EventKind.DELIVER, message.to(), message);
    if (network.duplicate()) {
      emit(new RaftEvent.DuplicateMessage(message, nodes[message.to()].state()));
      queue.schedule(now + network.delay(), EventQueue.EventKind.DELIVER, message.to(), message);
    }
  }

  private void observe(RaftEvent event) {
    raftEvents++;
    var state = event.state();
    fingerprint =
        mix(
            fingerprint,
            event.getClass().getSimpleName().hashCode() * 31L + event.node(),
            state.currentTerm() * 31 + state.commitIndex(),
            state.logLength() * 31 + state.role().ordinal());
    checker.onState(event.node(), state);
    if (event instanceof RaftEvent.BecomeLeader) {
      newLeaders.add(event.node());
      if (liveness && livenessLeaderTime < 0) {
        livenessLeaderTime = now;
      }
    }
    trace.on(event);
  }

  /** Events the network makes up go through the same observer as the nodes'. */
  private void emit(RaftEvent event) {
    observe(event);
  }

  private void startLiveness() {
    liveness = true;
    nemesis.stop();
    network.healAll();
    network.setFaulty(false);
    for (int id = 1; id <= size; id++) {
      restart(id);
    }
    workload.startLiveness();
    livenessStart = now;
    if (leader() != 0) {
      livenessLeaderTime = now;
    }
  }

  private boolean livenessGoalMet() {
    if (!workload.livenessCommandAcknowledged) {
      return false;
    }
    for (int id = 1; id <= size; id++) {
      if (!nodes[id].isUp() || nodes[id].lastApplied < workload.maxAcknowledgedIndex) {
        return false;
      }
    }
    return true;
  }

  private String livenessReport() {
    StringBuilder text =
        new StringBuilder("within ")
            .append(options.livenessTicks())
            .append(" ticks of healing, ")
            .append(
                livenessLeaderTime < 0
                    ? "no leader emerged, "
                    : "a leader emerged after " + (livenessLeaderTime - livenessStart) / TICK_UNITS
                        + " ticks, ")
            .append(
                workload.livenessCommandAcknowledged
                    ? "a new command was acknowledged"
                    : "no new command was acknowledged")
            .append(" and not every node applied every acknowledged command (up to index ")
            .append(workload.maxAcknowledgedIndex)
            .append("); nodes:");
    for (int id = 1; id <= size; id++) {
      SimNode node = nodes[id];
      text.append(' ').append(id).append('=');
      if (!node.isUp()) {
        text.append("down");
        continue;
      }
      text.append(node.raft.role())
          .append("/t")
          .append(node.raft.currentTerm())
          .append("/last")
          .append(node.raft.lastIndex())
          .append("/commit")
          .append(node.raft.commitIndex())
          .append("/applied")
          .append(node.lastApplied);
    }
    return text.toString();
  }

  // --- Nemesis.Cluster

  @Override
  public boolean isUp(int node) {
    return nodes[node].isUp();
  }

  @Override
  public void crash(int id) {
    SimNode node = nodes[id];
    if (node.isUp()) {
      node.crash();
      workload.crashed(id);
    }
  }

  @Override
  public void restart(int id) {
    SimNode node = nodes[id];
    if (!node.isUp()) {
      node.restarts++;
      node.raft = RaftNode.restart(config, id, node.nextSeed(), node.durableState(), observer);
      drain(node);
    }
  }

  @Override
  public int leader() {
    int leader = 0;
    long term = -1;
    for (int id = 1; id <= size; id++) {
      SimNode node = nodes[id];
      if (node.isUp() && node.raft.role() == Role.LEADER && node.raft.currentTerm() > term) {
        leader = id;
        term = node.raft.currentTerm();
      }
    }
    return leader;
  }

  @Override
  public void schedule(long delayUnits, Object action) {
    queue.schedule(now + delayUnits, EventQueue.EventKind.NEMESIS, 0, action);
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

  private String describe(Throwable e) {
    StringBuilder text = new StringBuilder(e.toString());
    StackTraceElement[] stack = e.getStackTrace();
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
