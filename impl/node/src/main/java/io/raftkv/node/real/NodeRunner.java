package io.raftkv.node.real;

import io.raftkv.core.Config;
import io.raftkv.core.Membership;
import io.raftkv.core.MembershipChange;
import io.raftkv.core.Message;
import io.raftkv.core.NodeState;
import io.raftkv.core.ProposeResult;
import io.raftkv.core.RaftEvent;
import io.raftkv.core.RaftNode;
import io.raftkv.core.RaftObserver;
import io.raftkv.core.Role;
import io.raftkv.core.ReadResult;
import io.raftkv.core.TransferResult;
import io.raftkv.core.Entry;
import io.raftkv.core.Snapshot;
import io.raftkv.node.NodeLoop;
import io.raftkv.node.StateMachine;
import io.raftkv.node.StorageException;
import io.raftkv.node.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one thread that owns a {@link NodeLoop}. Everything that happens to the node arrives as an
 * input on one bounded queue and is handed to the loop in order: clock ticks, messages from peers,
 * client proposals, and write completions from the {@link WalLogStore}'s writer thread. The loop
 * itself never sees a thread, a clock or a lock, so the code the simulator runs is the code that
 * runs here.
 *
 * <p>Limits (STYLE.md habit 4): the queue holds at most {@link Options#inputQueueCapacity} inputs.
 * A message that does not fit is dropped (Raft tolerates loss); a proposal that does not fit is
 * answered Dropped at once; ticks are coalesced into a counter, so a busy node never has a queue full
 * of ticks and its logical clock still keeps up; write completions are coalesced into the highest
 * durable sequence (a completion covers every earlier batch), so none is ever lost to a full queue.
 *
 * <p>Lease reads (Config.leaseReads): a lease is sound only while the nodes' logical clocks keep
 * pace with real time (the core's drift bound covers the rest). So with lease reads on, ticks are
 * never coalesced away: the clock is the wall time since start in whole ticks, and before every
 * input the loop is handed every tick that is due. Both ends of a lease depend on it: the leader's
 * lease must end on time, and a follower counts its promise from the tick at which it heard the
 * leader's round, so a follower whose loop were behind would promise for less real time than the
 * leader's lease assumes. After a long stall (a paused process) this hands the loop the stall's
 * ticks at once: that much time did pass. A lease read is taken only with the clock current; when
 * a read the lease took is answered, the lease must still hold at that instant of real time (a
 * stall between the check and the take would otherwise go unseen); if it does not, the read goes
 * again through a ReadIndex round, which needs no clock at all.
 *
 * <p>Traces: the node's {@link HybridClock} learns of every tick handed to the loop and of the
 * stamp of every message as the message is handed to the loop (not as it arrives), so a trace line
 * is stamped above everything the node had heard of when it wrote it, and no more.
 *
 * <p>Reads on a follower (thesis §6.4): the core forwards them to the leader it knows, and the
 * leader's answer completes them here once this node has applied far enough; neither kind of read
 * waits for this node's clock, which only a leader's lease depends on. A read forwarded and not
 * answered in time (a new term, a lost message) ends Aborted. The ctx of the read rounds is unique
 * across the node's processes (see {@link #lastReadContext}), so that an answer the leader sent to
 * this node's previous process never completes a read of this one.
 *
 * <p>Fail-stop: once the loop stops (a storage error, a broken invariant) the runner thread ends,
 * pending and later proposals fail with the cause, and messages are dropped. {@link #close()} is the
 * clean shutdown: it stops the clock and the thread, then lets the store write whatever was queued.
 */
public final class NodeRunner implements AutoCloseable {
    /** 2026-01-01T00:00:00Z: read contexts count milliseconds of process starts from there. */
    static final long CONTEXT_EPOCH_MILLIS = 1_767_225_600_000L;
    /** Read contexts a process takes per millisecond of its start before reaching a later process's. */
    static final int CONTEXT_COUNTER_BITS = 21;


    /**
     * @param tickInterval       wall time per logical tick (election timeouts are counted in ticks)
     * @param inputQueueCapacity inputs waiting for the runner thread, at most
     * @param snapshotEvery      the node snapshots its state machine and compacts its log once this
     *                           many entries were applied since its last snapshot; 0 never (see
     *                           {@link NodeLoop#snapshotEvery}; a recovered or installed snapshot is
     *                           restored either way)
     */
    public record Options(Duration tickInterval, int inputQueueCapacity, long snapshotEvery) {
        public Options {
            if (tickInterval == null || tickInterval.toMillis() < 1) {
                throw new IllegalArgumentException("tickInterval must be at least 1 ms, got " + tickInterval);
            }
            if (inputQueueCapacity < 16) {
                throw new IllegalArgumentException("inputQueueCapacity must be >= 16, got " + inputQueueCapacity);
            }
            if (snapshotEvery < 0) {
                throw new IllegalArgumentException("snapshotEvery must be >= 0, got " + snapshotEvery);
            }
        }

        /** Without snapshots. */
        public Options(Duration tickInterval, int inputQueueCapacity) {
            this(tickInterval, inputQueueCapacity, 0);
        }

        public static Options defaults() {
            return new Options(Duration.ofMillis(10), 4096);
        }

        public Options withSnapshotEvery(long entries) {
            return new Options(tickInterval, inputQueueCapacity, entries);
        }
    }

    /**
     * What the node looked like after its last input; published by the runner thread for others.
     *
     * @param submittedSequence last write batch handed to the store
     * @param durableSequence   last write batch the loop knows durable (equal: no write in flight)
     * @param running           false once the node stopped (fail-stop) or was closed
     * @param stopCause         why the loop stopped, null if it did not
     * @param matchIndex        while leading: the spec's matchIndex of every other member of its
     *                          configuration, by id (learners included); empty otherwise
     * @param membershipCommitted whether the commit index covers the entry of the node's
     *                          configuration ({@code state().config()}, in force from its append)
     */
    public record Status(int id, NodeState state, int leaderId, long appliedIndex, long submittedSequence,
            long durableSequence, boolean running, Throwable stopCause, SortedMap<Integer, Long> matchIndex,
            boolean membershipCommitted) {}

    /**
     * Without lease reads: ticks applied in one input at most, so a runner that fell far behind does
     * not burst (with lease reads no tick may be dropped; see the class comment).
     */
    static final int MAX_TICKS_PER_INPUT = 10;

    /** Proposals waiting in the queue that one input takes together (see {@link #propose(Propose)}). */
    static final int MAX_PROPOSALS_PER_INPUT = 128;

    private sealed interface Input {}

    private record Tick() implements Input {}

    private record Wake() implements Input {}

    private record Stop() implements Input {}

    private record Deliver(Message message, long stamp) implements Input {}

    private record PeerDisconnected(int peer) implements Input {}

    private record Propose(byte[] command, CompletableFuture<ProposeResult> result) implements Input {}

    private record Read() implements Input {}

    private record LeaseRead() implements Input {}

    private record Transfer(int target, CompletableFuture<TransferResult> result) implements Input {}

    private record ChangeMembership(MembershipChange change, CompletableFuture<ProposeResult> result)
            implements Input {}

    /**
     * Reads this node confirmed since it started, by how: {@code byLease} without a round (the
     * leader's lease, {@link #leaseRead()}), {@code byReadIndex} through a heartbeat round of its own
     * as leader (every {@link #read()}, and lease reads taken while the leader held no lease),
     * {@code forwarded} as a follower, through a round of its leader's (ForwardRead).
     */
    public record ReadCounts(long byLease, long byReadIndex, long forwarded) {}

    /** How a linearizable read ({@link #read()}) ended. */
    public sealed interface ReadOutcome {
        /**
         * The leader confirmed the read at applied index {@code index} (ReadIndex): the state machine
         * holds every write committed before the read began; answer it from the machine now.
         */
        record Confirmed(long index) implements ReadOutcome {}

        /**
         * This node can take no read: it knows no leader to forward it to, or is campaigning;
         * {@code leaderHint} is the leader it knows, 0 if none.
         */
        record NotLeader(int leaderHint) implements ReadOutcome {}

        /**
         * The read was not confirmed and never will be: the node stopped leading, or the read it
         * forwarded got no answer in time, or the input queue was full. It had no effect; retry, here
         * or elsewhere.
         */
        record Aborted(String reason) implements ReadOutcome {}
    }

    private static final Input TICK = new Tick();
    private static final Input READ = new Read();
    private static final Input LEASE_READ = new LeaseRead();
    private static final Input WAKE = new Wake();
    private static final Input STOP = new Stop();

    private final int id;
    private final NodeLoop loop;
    private final WalLogStore store;
    private final BlockingQueue<Input> inputs;
    private final Thread thread;
    private final ScheduledExecutorService clock;
    /** Config.leaseReads: ticks follow the wall clock and are never dropped (class comment). */
    private final boolean leaseReads;
    private final long tickNanos;
    /** System.nanoTime() when the clock started: tick k is due at originNanos + k * tickNanos. */
    private long originNanos;
    private final LeaseWitness witness;
    /** Stamps the node's trace lines and messages; told of ticks and receipts on the runner thread. */
    private final HybridClock stamps;

    // Handed from other threads to the runner thread.
    private final AtomicInteger ticksPending = new AtomicInteger();
    private final AtomicLong completedSequence = new AtomicLong();
    private final AtomicReference<StorageException> writeFailure = new AtomicReference<>();
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    /** Reads not yet handed to the loop; one READ input takes them all, so they share one round. */
    private final ConcurrentLinkedQueue<CompletableFuture<ReadOutcome>> readsWaiting = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean readQueued = new AtomicBoolean();
    /** Lease reads, batched apart from {@link #readsWaiting} so a ReadIndex read never takes the lease. */
    private final ConcurrentLinkedQueue<CompletableFuture<ReadOutcome>> leaseReadsWaiting =
            new ConcurrentLinkedQueue<>();
    private final AtomicBoolean leaseReadQueued = new AtomicBoolean();
    private final AtomicLong readsByLease = new AtomicLong();
    private final AtomicLong readsByReadIndex = new AtomicLong();
    private final AtomicLong readsForwarded = new AtomicLong();
    private final AtomicLong droppedInputs = new AtomicLong();
    private final AtomicLong leadersGivenUp = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean terminated;
    private volatile Status status;

    /** Runner thread only: the highest completion handed to the loop. */
    private long reportedSequence;
    /** Runner thread only: the reads of each round in progress (ReadIndex or lease), by the round's ctx. */
    private final Map<Long, ReadBatch> readsInRound = new HashMap<>();
    /**
     * The ctx of the last round. A leader's answer to a forwarded read may reach the node after a
     * restart (the leader's queue for it survives the reconnect), and an answer meant for a read of
     * the previous process, whose index may be older than a new read's start, must never match a
     * read of this one. So contexts are unique across the node's processes: the first is the
     * process's start in milliseconds since {@link #CONTEXT_EPOCH_MILLIS}, shifted left by
     * {@link #CONTEXT_COUNTER_BITS}, and each round takes the next. A process started at least a
     * millisecond after another (a restart takes far longer) begins above every context the other
     * could have used unless that one began 2^21 rounds per millisecond of its life; only a wall
     * clock set back past the previous start could repeat one. etcd draws its request ids the same
     * way. Traces log ctx but TLC never reads it (trace-check drops it, it is not a spec field).
     */
    private long lastReadContext = (System.currentTimeMillis() - CONTEXT_EPOCH_MILLIS) << CONTEXT_COUNTER_BITS;
    /** Runner thread only: logical ticks handed to the loop. */
    private long ticksApplied;
    /** Called on the runner thread before each input is handed to the loop (see {@link #start}). */
    private final Runnable beforeInput;

    /**
     * The reads handed to the loop under one ctx; {@code leased} once the core took them by the lease,
     * {@code forwarded} once it sent them to the leader (this node a follower).
     */
    private static final class ReadBatch {
        final List<CompletableFuture<ReadOutcome>> reads;
        boolean leased;
        boolean forwarded;

        ReadBatch(List<CompletableFuture<ReadOutcome>> reads) {
            this.reads = reads;
        }
    }

    /**
     * Passes every event on, and marks the batch being handed to the loop as leased when the core
     * emits LeaseRead for it, or as forwarded when it emits ForwardRead (the core answers every read
     * alike; only the event tells how it was taken). Runner thread only.
     */
    private static final class LeaseWitness implements RaftObserver {
        private final RaftObserver next;
        ReadBatch taking;

        LeaseWitness(RaftObserver next) {
            this.next = next;
        }

        @Override
        public void on(RaftEvent event) {
            if (event instanceof RaftEvent.LeaseRead && taking != null) {
                taking.leased = true;
            }
            if (event instanceof RaftEvent.ForwardRead && taking != null) {
                taking.forwarded = true;
            }
            next.on(event);
        }
    }

    private NodeRunner(int id, RaftNode raft, WalLogStore store, Transport transport, StateMachine machine,
            Options options, Runnable beforeInput, LeaseWitness witness, HybridClock stamps) {
        this.id = id;
        this.stamps = stamps;
        this.witness = witness;
        this.leaseReads = raft.config().leaseReads();
        this.tickNanos = options.tickInterval().toNanos();
        this.beforeInput = beforeInput;
        this.store = store;
        this.inputs = new ArrayBlockingQueue<>(options.inputQueueCapacity());
        this.thread = new Thread(this::run, "raftkv-node-" + id);
        this.clock = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread clockThread = new Thread(runnable, "raftkv-clock-" + id);
            clockThread.setDaemon(true);
            return clockThread;
        });
        // The writer's callbacks touch only the queue and the atomics above, all set before it starts.
        store.start(new WalLogStore.Listener() {
            @Override
            public void durable(long sequence) {
                onDurable(sequence);
            }

            @Override
            public void failed(StorageException cause) {
                onWriteFailed(cause);
            }
        }, "raftkv-wal-" + id);
        // The loop replays the committed log into the machine here, on the caller's thread, before
        // the runner thread exists (Thread.start orders it before everything the runner does).
        try {
            this.loop = new NodeLoop(raft, store, transport, answering(machine));
            loop.snapshotEvery(options.snapshotEvery());
        } catch (RuntimeException | Error failure) {
            try {
                store.close();
            } catch (StorageException alsoFailed) {
                failure.addSuppressed(alsoFailed);
            }
            throw failure;
        }
        publish();
    }

    /** {@code machine}, and the node's answers to reads, which complete their futures. */
    private StateMachine answering(StateMachine machine) {
        return new StateMachine() {
            @Override
            public void apply(Entry entry) {
                machine.apply(entry);
            }

            @Override
            public void readReady(long ctx, long index) {
                completeReads(ctx, new ReadOutcome.Confirmed(index));
            }

            @Override
            public void readAborted(long ctx) {
                ReadBatch batch = readsInRound.get(ctx);
                completeReads(ctx, new ReadOutcome.Aborted(batch != null && batch.forwarded
                        ? "node " + id + " forwarded the read to its leader and got no answer in time (a new term"
                                + " or a lost message)"
                        : "node " + id + " stopped leading before it could confirm the read"));
            }

            @Override
            public byte[] snapshot() {
                return machine.snapshot();
            }

            @Override
            public void restore(Snapshot snapshot) {
                machine.restore(snapshot);
            }
        };
    }

    /**
     * Starts node {@code id} over {@code store} (freshly opened: empty for a new node, recovered
     * for a restart): the core restarts from what the store recovered, the store's writer and this
     * runner's thread and clock start. The caller connects {@link #deliver} to the network.
     */
    public static NodeRunner start(int id, Config config, long seed, WalLogStore store, Transport transport,
            StateMachine machine, RaftObserver observer, Options options) {
        return start(id, config, seed, store, transport, machine, observer, options, () -> {});
    }

    /**
     * As {@link #start(int, Config, long, WalLogStore, Transport, StateMachine, RaftObserver, Options)},
     * calling {@code beforeInput} on the runner thread right before each input (a tick, a message, a
     * proposal, a write completion) is handed to the loop. A node's trace uses it to group the events
     * of one input: after a crash, only the last input's events may lack their durable effects
     * (trace-check/README.md, "Traces of a real cluster").
     */
    public static NodeRunner start(int id, Config config, long seed, WalLogStore store, Transport transport,
            StateMachine machine, RaftObserver observer, Options options, Runnable beforeInput) {
        return start(id, config, seed, store, transport, machine, observer, options, beforeInput,
                HybridClock.startedNow());
    }

    /**
     * As {@link #start(int, Config, long, WalLogStore, Transport, StateMachine, RaftObserver, Options,
     * Runnable)}, telling {@code stamps} of every tick handed to the loop and of the sender's stamp of
     * every message handed to it ({@link #deliver(Message, long)}), on the runner thread, before the
     * input: the node's trace and its outgoing messages take their stamps from it.
     */
    public static NodeRunner start(int id, Config config, long seed, WalLogStore store, Transport transport,
            StateMachine machine, RaftObserver observer, Options options, Runnable beforeInput,
            HybridClock stamps) {
        // Always restart over the store, even when it is empty: RaftNode.create would keep every
        // durable entry in the core's own memory as well, where restart reads them from the log.
        // For an empty store the Restart event it emits changes no state (a stuttering step).
        LeaseWitness witness = new LeaseWitness(observer);
        RaftNode raft = RaftNode.restart(config, id, seed, store.hardState(), store.log(), witness);
        NodeRunner runner = new NodeRunner(id, raft, store, transport, machine, options, beforeInput, witness,
                stamps);
        runner.originNanos = System.nanoTime(); // before the thread starts, which orders it before the thread's reads
        runner.thread.start();
        runner.clock.scheduleAtFixedRate(runner::onTick, runner.tickNanos, runner.tickNanos, TimeUnit.NANOSECONDS);
        return runner;
    }

    public int id() {
        return id;
    }

    /** The node as of its last input. */
    public Status status() {
        return status;
    }

    /** Reads confirmed so far: by lease, by a ReadIndex round of its own, forwarded to its leader. */
    public ReadCounts readCounts() {
        return new ReadCounts(readsByLease.get(), readsByReadIndex.get(), readsForwarded.get());
    }

    /** Entries this node's store has written and the fsyncs it made for them, since it started. */
    public WalLogStore.WriteCounts writeCounts() {
        return store.writeCounts();
    }

    /** Inputs dropped because the queue was full or the node was down. */
    public long droppedInputs() {
        return droppedInputs.get();
    }

    /** Hands a message from the network to the node; dropped if the queue is full or the node is down. */
    public void deliver(Message message) {
        deliver(message, 0);
    }

    /**
     * As {@link #deliver(Message)}, for a message the sender stamped {@code senderStamp}: the node's
     * {@link HybridClock} moves past it when the message is handed to the loop.
     */
    public void deliver(Message message, long senderStamp) {
        if (terminated || !inputs.offer(new Deliver(message, senderStamp))) {
            droppedInputs.incrementAndGet();
        }
    }

    /**
     * The transport saw {@code peer} close the connection on which it sends to this node (its
     * process exited or closed it): a follower of that peer gives it up and campaigns within a few
     * ticks (RaftNode.peerDisconnected). Dropped if the queue is full or the node is down: the
     * election timeout still notices a lost leader.
     */
    public void peerDisconnected(int peer) {
        if (terminated || !inputs.offer(new PeerDisconnected(peer))) {
            droppedInputs.incrementAndGet();
        }
    }

    /**
     * Times this node gave up its leader because the leader's connection closed
     * ({@link #peerDisconnected}), since it started.
     */
    public long leadersGivenUp() {
        return leadersGivenUp.get();
    }

    /**
     * Proposes a command. The future completes with the core's answer (Accepted is appended, not
     * committed: the command is committed when the state machine sees its index), with Dropped if
     * the queue is full, and exceptionally if the node is down.
     */
    public CompletableFuture<ProposeResult> propose(byte[] command) {
        CompletableFuture<ProposeResult> result = new CompletableFuture<>();
        if (terminated) {
            result.completeExceptionally(downException());
        } else if (!inputs.offer(new Propose(command.clone(), result))) {
            droppedInputs.incrementAndGet();
            result.complete(new ProposeResult.Dropped("the input queue of node " + id + " is full"));
        } else if (terminated) {
            failQueued(); // the runner ended between the check and the offer
        }
        return result;
    }

    /**
     * Asks the node, if it leads, to hand leadership to {@code target}; the future completes with
     * the core's answer (Started means the transfer began, not that it succeeded), exceptionally if
     * the node is down.
     */
    public CompletableFuture<TransferResult> transferLeadership(int target) {
        CompletableFuture<TransferResult> result = new CompletableFuture<>();
        if (terminated) {
            result.completeExceptionally(downException());
        } else if (!inputs.offer(new Transfer(target, result))) {
            droppedInputs.incrementAndGet();
            result.complete(new TransferResult.Refused("the input queue of node " + id + " is full"));
        } else if (terminated) {
            failQueued();
        }
        return result;
    }

    /**
     * Asks the node, if it leads, to change the configuration (see {@link RaftNode#changeMembership});
     * the future completes with the core's answer (Accepted: the CONFIG entry is appended at its
     * index, not yet committed), with Dropped if the queue is full, exceptionally if the node is down.
     */
    public CompletableFuture<ProposeResult> changeMembership(MembershipChange change) {
        CompletableFuture<ProposeResult> result = new CompletableFuture<>();
        if (terminated) {
            result.completeExceptionally(downException());
        } else if (!inputs.offer(new ChangeMembership(change, result))) {
            droppedInputs.incrementAndGet();
            result.complete(new ProposeResult.Dropped("the input queue of node " + id + " is full"));
        } else if (terminated) {
            failQueued();
        }
        return result;
    }

    /**
     * A linearizable read (ReadIndex). The future completes on the runner thread with Confirmed once
     * the state machine may answer it (read it then, or later: it only grows), with NotLeader or
     * Aborted, and exceptionally if the node is down. Reads that arrive while the runner is busy
     * share one heartbeat round.
     */
    public CompletableFuture<ReadOutcome> read() {
        return enqueueRead(readsWaiting, readQueued, READ);
    }

    /**
     * A lease read ({@link RaftNode#leaseRead}): completes as {@link #read()} does, without a heartbeat
     * round while this node leads with a lease and its clock is current, else after one. Lease reads
     * that arrive while the runner is busy are handed to the loop together, apart from ReadIndex reads.
     */
    public CompletableFuture<ReadOutcome> leaseRead() {
        return enqueueRead(leaseReadsWaiting, leaseReadQueued, LEASE_READ);
    }

    private CompletableFuture<ReadOutcome> enqueueRead(ConcurrentLinkedQueue<CompletableFuture<ReadOutcome>> waiting,
            AtomicBoolean queued, Input input) {
        CompletableFuture<ReadOutcome> result = new CompletableFuture<>();
        if (terminated) {
            result.completeExceptionally(downException());
            return result;
        }
        waiting.add(result);
        if (queued.compareAndSet(false, true) && !inputs.offer(input)) {
            queued.set(false);
            failWaitingReads(waiting, new ReadOutcome.Aborted("the input queue of node " + id + " is full"));
        } else if (terminated) {
            failQueued(); // the runner ended between the check and the offer
        }
        return result;
    }

    /**
     * Clean shutdown: stops the clock and the runner thread (inputs still queued are dropped,
     * proposals among them fail), then closes the store, which first writes everything queued.
     */
    @Override
    public void close() throws StorageException {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("node " + id + " cannot be closed from its own thread (it would wait"
                    + " for itself)");
        }
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        clock.shutdownNow();
        inputs.offer(STOP); // if the queue is full, the runner sees `closed` after its current input
        Threads.joinUninterruptibly(thread);
        failQueued();
        store.close();
    }

    // ------------------------------------------------------------------------------------------
    // Other threads

    private void onTick() {
        if (ticksPending.getAndIncrement() == 0 && !inputs.offer(TICK)) {
            ticksPending.set(0); // the queue is full: time runs slow for a node that is this far behind
        }
    }

    private void onDurable(long sequence) {
        completedSequence.accumulateAndGet(sequence, Math::max);
        wake();
    }

    private void onWriteFailed(StorageException cause) {
        writeFailure.compareAndSet(null, cause);
        wake();
    }

    /** At most one WAKE waits in the queue; if it does not fit, the runner is busy and looks anyway. */
    private void wake() {
        if (wakeQueued.compareAndSet(false, true) && !inputs.offer(WAKE)) {
            wakeQueued.set(false);
        }
    }

    // ------------------------------------------------------------------------------------------
    // The runner thread

    private void run() {
        try {
            while (!closed.get() && !loop.stopped()) {
                Input input = inputs.take();
                if (input == WAKE) {
                    wakeQueued.set(false);
                }
                if (leaseReads && !closed.get()) {
                    catchUp();
                }
                reportWrites();
                if (input == STOP || closed.get() || loop.stopped()) {
                    break;
                }
                dispatch(input);
                publish();
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error broken) {
            // A broken invariant: the loop recorded it and refuses further input; the node is down.
        } finally {
            terminated = true;
            clock.shutdownNow(); // a stopped node takes no more ticks
            publish();
            for (Long ctx : List.copyOf(readsInRound.keySet())) {
                completeReads(ctx, null);
            }
            failQueued();
        }
    }

    /** Completions first (they are facts about the past), then a failure, which stops the loop. */
    private void reportWrites() {
        long completed = completedSequence.get();
        if (completed > reportedSequence && !loop.stopped()) {
            reportedSequence = completed;
            beforeInput.run();
            loop.writeCompleted(completed);
        }
        StorageException failure = writeFailure.get();
        if (failure != null) {
            loop.writeFailed(failure);
        }
    }

    private void dispatch(Input input) {
        switch (input) {
            case Tick tick -> tick();
            case Deliver deliver -> receive(deliver.message(), deliver.stamp());
            case PeerDisconnected closed -> leaderMayBeGone(closed.peer());
            case Propose propose -> propose(propose);
            case Read read -> startReadRound(false);
            case LeaseRead read -> startReadRound(true);
            case Transfer transfer -> transfer(transfer);
            case ChangeMembership change -> changeMembership(change);
            case Wake wake -> { }
            case Stop stop -> { }
        }
    }

    /**
     * Without lease reads, the ticks the clock fired since the last tick input, at most
     * {@link #MAX_TICKS_PER_INPUT} (the rest are dropped: time runs slow for a node this far behind,
     * which costs nothing but a later election). With them, nothing more: every due tick was handed
     * before this input ({@link #run}), and none is dropped.
     */
    private void tick() {
        int ticks = ticksPending.getAndSet(0);
        if (leaseReads) {
            return;
        }
        for (int k = 0; k < Math.min(ticks, MAX_TICKS_PER_INPUT) && !loop.stopped(); k++) {
            handTick(System.nanoTime());
        }
    }

    /** With lease reads: hands the loop every tick due by the wall clock, each stamped with its due time. */
    private void catchUp() {
        for (long due = ticksBehind(); due > 0 && !loop.stopped(); due--) {
            handTick(originNanos + (ticksApplied + 1) * tickNanos);
        }
    }

    /** Hands the loop one tick, the clock's physical part moved to {@code nanoTime} first. */
    private void handTick(long nanoTime) {
        stamps.tick(nanoTime);
        beforeInput.run();
        loop.tick();
        ticksApplied++;
    }

    /** Whole ticks of wall time since the clock started that the loop has not been given yet. */
    private long ticksBehind() {
        return (System.nanoTime() - originNanos) / tickNanos - ticksApplied;
    }

    private void receive(Message message, long senderStamp) {
        try {
            stamps.receive(senderStamp);
            beforeInput.run();
            loop.receive(message);
        } catch (IllegalArgumentException misaddressed) {
            droppedInputs.incrementAndGet(); // bad input from outside: dropped, the node keeps serving
        }
    }

    private void leaderMayBeGone(int peer) {
        beforeInput.run();
        if (loop.peerDisconnected(peer)) {
            leadersGivenUp.incrementAndGet();
        }
    }

    private void transfer(Transfer transfer) {
        try {
            beforeInput.run();
            transfer.result().complete(loop.transferLeadership(transfer.target()));
        } catch (RuntimeException | Error failure) {
            transfer.result().completeExceptionally(failure);
            throw failure;
        }
    }

    private void changeMembership(ChangeMembership change) {
        try {
            beforeInput.run();
            change.result().complete(loop.changeMembership(change.change()));
        } catch (RuntimeException | Error failure) {
            change.result().completeExceptionally(failure);
            throw failure;
        }
    }

    /**
     * Hands the loop {@code first} and every proposal queued right behind it (at most
     * {@link #MAX_PROPOSALS_PER_INPUT}) as one input: under load the leader then appends them
     * together and sends each follower one AppendEntries for all, instead of one per command.
     */
    private void propose(Propose first) {
        List<Propose> batch = new ArrayList<>();
        batch.add(first);
        while (batch.size() < MAX_PROPOSALS_PER_INPUT && inputs.peek() instanceof Propose) {
            batch.add((Propose) inputs.poll()); // only this thread takes from the queue
        }
        try {
            beforeInput.run();
            List<ProposeResult> results = loop.proposeAll(batch.stream().map(Propose::command).toList());
            for (int k = 0; k < batch.size(); k++) {
                batch.get(k).result().complete(results.get(k));
            }
        } catch (RuntimeException | Error failure) {
            batch.forEach(propose -> propose.result().completeExceptionally(failure));
            throw failure;
        }
    }

    /**
     * Hands every waiting read of one kind to the loop under one ctx: one ReadIndex round for all of
     * them, or, for lease reads, one lease read (a round only if the leader holds no lease). A lease
     * read is taken only with the clock current (class comment); otherwise it is a ReadIndex read.
     */
    private void startReadRound(boolean lease) {
        (lease ? leaseReadQueued : readQueued).set(false);
        ConcurrentLinkedQueue<CompletableFuture<ReadOutcome>> queue = lease ? leaseReadsWaiting : readsWaiting;
        List<CompletableFuture<ReadOutcome>> reads = new ArrayList<>();
        CompletableFuture<ReadOutcome> waiting;
        while ((waiting = queue.poll()) != null) {
            reads.add(waiting);
        }
        if (reads.isEmpty()) {
            return;
        }
        boolean byLease = lease && ticksBehind() == 0; // the ticks due were handed before this input
        long ctx = nextReadContext();
        ReadBatch batch = new ReadBatch(reads);
        readsInRound.put(ctx, batch); // before the input: a one-node cluster confirms within it
        beforeInput.run();
        ReadResult result;
        witness.taking = batch; // a lease read may be answered within the input: mark the batch first
        try {
            result = byLease ? loop.leaseRead(ctx) : loop.readIndex(ctx);
        } catch (RuntimeException | Error failure) {
            completeReads(ctx, null);
            throw failure;
        } finally {
            witness.taking = null;
        }
        if (result instanceof ReadResult.NotLeader notLeader) {
            completeReads(ctx, new ReadOutcome.NotLeader(notLeader.leaderHint()));
        }
    }

    /** The ctx of the next round: one more than the last, back to 1 after Integer.MAX_VALUE. */
    private long nextReadContext() {
        return ++lastReadContext;
    }

    /** Completes the reads of round {@code ctx} with {@code outcome}, or as failed when it is null. */
    private void completeReads(long ctx, ReadOutcome outcome) {
        ReadBatch round = readsInRound.remove(ctx);
        if (round == null) {
            return;
        }
        if (outcome instanceof ReadOutcome.Confirmed && round.leased && !leaseHeldNow()) {
            redoByReadIndex(round.reads);
            return;
        }
        if (outcome instanceof ReadOutcome.Confirmed) {
            (round.leased ? readsByLease : round.forwarded ? readsForwarded : readsByReadIndex)
                    .addAndGet(round.reads.size());
        }
        for (CompletableFuture<ReadOutcome> read : round.reads) {
            if (outcome == null) {
                read.completeExceptionally(downException());
            } else {
                read.complete(outcome);
            }
        }
    }

    /**
     * Whether the lease is held at this instant of real time: the core holds it at its tick count and
     * the wall clock has not passed the next tick, so the lease (which ends on a tick) ends later than
     * now. Checked when a lease read is answered, after it was taken: the clock was current when the
     * read was handed to the loop, but the thread may have stalled since (a pause, a long collection);
     * a lease held now was held when the read took its index too.
     */
    private boolean leaseHeldNow() {
        return ticksBehind() == 0 && loop.raft().state().lease() > 0;
    }

    /** Lease reads that cannot be vouched for by the lease go again, through a ReadIndex round. */
    private void redoByReadIndex(List<CompletableFuture<ReadOutcome>> reads) {
        readsWaiting.addAll(reads);
        if (readQueued.compareAndSet(false, true) && !inputs.offer(READ)) {
            readQueued.set(false);
            failWaitingReads(readsWaiting, new ReadOutcome.Aborted("the input queue of node " + id + " is full"));
        }
    }

    private static void failWaitingReads(ConcurrentLinkedQueue<CompletableFuture<ReadOutcome>> queue,
            ReadOutcome outcome) {
        CompletableFuture<ReadOutcome> waiting;
        while ((waiting = queue.poll()) != null) {
            waiting.complete(outcome);
        }
    }

    private void publish() {
        RaftNode raft = loop.raft();
        status = new Status(id, raft.state(), raft.leaderId(), loop.appliedIndex(), loop.submittedSequence(),
                loop.durableSequence(), !terminated && !closed.get() && !loop.stopped(), loop.stopCause(),
                matchIndexes(raft), membershipCommitted(raft));
    }

    /**
     * Whether the configuration at the commit index is the one in force (null there: the initial
     * one). The index is kept within what the log can answer for; a snapshot's configuration is
     * committed, as everything a snapshot holds is.
     */
    private static boolean membershipCommitted(RaftNode raft) {
        long index = Math.min(Math.max(raft.commitIndex(), raft.firstIndex() - 1), raft.lastIndex());
        Membership committed = raft.membershipAt(index);
        return raft.membership().equals(committed != null ? committed
                : Membership.initial(raft.config().members()));
    }

    /** A leader's matchIndex of every other member; empty unless {@code raft} leads. */
    private static SortedMap<Integer, Long> matchIndexes(RaftNode raft) {
        if (raft.role() != Role.LEADER) {
            return Collections.emptySortedMap();
        }
        TreeMap<Integer, Long> matches = new TreeMap<>();
        for (int member : raft.membership().members()) {
            if (member != raft.id()) {
                matches.put(member, raft.matchIndex(member));
            }
        }
        return Collections.unmodifiableSortedMap(matches);
    }

    /** Fails the proposals and reads still queued once nothing will take them. */
    private void failQueued() {
        Input input;
        while ((input = inputs.poll()) != null) {
            if (input instanceof Propose propose) {
                propose.result().completeExceptionally(downException());
            } else if (input instanceof Transfer transfer) {
                transfer.result().completeExceptionally(downException());
            } else if (input instanceof ChangeMembership change) {
                change.result().completeExceptionally(downException());
            }
        }
        for (ConcurrentLinkedQueue<CompletableFuture<ReadOutcome>> queue : List.of(readsWaiting, leaseReadsWaiting)) {
            CompletableFuture<ReadOutcome> waiting;
            while ((waiting = queue.poll()) != null) {
                waiting.completeExceptionally(downException());
            }
        }
    }

    private IllegalStateException downException() {
        Throwable cause = status.stopCause();
        return cause == null
                ? new IllegalStateException("node " + id + " is shut down")
                : new IllegalStateException("node " + id + " has stopped (fail-stop): " + cause, cause);
    }
}
