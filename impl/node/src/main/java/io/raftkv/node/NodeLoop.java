package io.raftkv.node;

import io.raftkv.core.Assert;
import io.raftkv.core.Entry;
import io.raftkv.core.Message;
import io.raftkv.core.MembershipChange;
import io.raftkv.core.ProposeResult;
import io.raftkv.core.RaftNode;
import io.raftkv.core.ReadResult;
import io.raftkv.core.TransferResult;
import io.raftkv.core.Ready;
import io.raftkv.core.Snapshot;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Supplier;

/**
 * The code between the Raft core and the world: it feeds inputs to a {@link RaftNode} and carries
 * out the {@link Ready} batches the core answers with, against a {@link LogStore}, a
 * {@link Transport} and a {@link StateMachine}. It is deterministic and single-threaded and has no
 * threads, clocks or IO of its own, so the simulator runs this very class over simulated storage,
 * network and clock, and the server runs it over files and sockets (DESIGN.md "Running the real
 * code in the simulator").
 *
 * <h2>The Ready contract, as carried out here</h2>
 * After every input the loop drains Readies until the core has none. For each Ready:
 * <ul>
 *   <li><b>mustSync</b> (a term or vote change, or entries that overwrite what was already handed
 *       to the store): {@link LogStore#writeSync} before anything else, which also makes every
 *       earlier batch durable, so the core is told {@code persisted} for the earlier async batches
 *       (the sync batch's own entries the core records at {@code advance}); then the messages
 *       leave. A vote grant therefore never leaves before the vote is durable (paper Figure 2,
 *       thesis §3.8), and no one hears of a log that a crash could still shorten.</li>
 *   <li><b>async</b>: the batch is {@link LogStore#submit submitted} and the messages leave at once;
 *       a leader writes its new entries in parallel with sending them to its followers (thesis
 *       §10.2.1). That is safe because the core counts the leader's own log toward commitment only
 *       up to its durable index, and holds followers' acknowledgements until their entries are
 *       durable; the loop never holds messages itself.</li>
 * </ul>
 * A Ready that installs a leader's snapshot is sync: the store writes the snapshot first (the log
 * then starts after it), and the state machine is restored from it before the Ready's committed
 * entries are applied.
 * Then committed entries are applied in order and the Ready is advanced. When the store reports
 * batch s durable ({@link #writeCompleted}), the core is told {@code persisted(index, term)} of the
 * last entry of the highest batch with entries up to s, and the loop drains again (the core may now
 * release acknowledgements or advance its commit index).
 *
 * <h2>Snapshots</h2>
 * With {@link #snapshotEvery} set, once the state machine has applied that many entries past the
 * last snapshot, the loop takes the state machine's snapshot at its applied index, has the store
 * save it durably, tells the core ({@code RaftNode.compact}, spec TakeSnapshot) and then has the
 * store drop the entries it covers. A restarted loop restores the state machine from the store's
 * recovered snapshot before the core hands out the committed entries after it.
 *
 * <h2>Failure</h2>
 * A storage error stops the node (fail-stop, DESIGN.md "Errors"): when durability is uncertain,
 * nothing the node says can be trusted. A broken invariant (of the core or of this loop) stops it
 * too, and the exception propagates. A stopped loop refuses every further input with an
 * {@link IllegalStateException} that names the cause.
 */
public final class NodeLoop {
    /**
     * Readies one input may produce before the loop declares the core broken. A healthy core settles
     * after a handful (a commit, then the appends announcing it); restart hands out its committed
     * backlog in Readies of at most maxCommittedBytesPerReady, so this bounds a backlog at 10,000
     * times that (40 GB with the defaults). Beyond it the core is in a loop, and a node that keeps
     * writing and sending in a loop is worse than one that stops.
     */
    public static final int MAX_READIES_PER_INPUT = 10_000;

    private final RaftNode raft;
    private final LogStore store;
    private final Transport transport;
    private final StateMachine machine;

    /** Sequence of the last batch handed to the store, 0 if none; batches are numbered 1, 2, ... */
    private long submittedSequence;
    /** Every batch up to this sequence is durable. Invariant: durableSequence <= submittedSequence. */
    private long durableSequence;
    /** Submitted batches with entries, not yet durable, ascending by sequence, all > durableSequence. */
    private final ArrayDeque<WriteBatch> pendingBatches = new ArrayDeque<>();
    /**
     * Last log index handed to the store. With it the loop checks the core's classification: an
     * async Ready must append right after it (anything else overwrites, which must be sync).
     */
    private long submittedLastIndex;
    /** Term and vote last handed to the store: an async Ready must not change them. */
    private long submittedTerm;
    private int submittedVote;
    /** Index of the last entry given to the state machine. */
    private long appliedIndex;
    /** Take a snapshot once this many entries are applied past the last one; 0: never. */
    private long snapshotEvery;
    /** Why the node stopped, null while running. */
    private Throwable stopCause;
    /**
     * True while an input runs. A store, transport or state machine that calls back into the loop
     * from inside an input (say, a simulated disk completing a write within submit) would interleave
     * two inputs; completions and deliveries must come as later inputs of their own.
     */
    private boolean inInput;

    /**
     * Takes over {@code raft} (fresh from {@code RaftNode.create} or {@code RaftNode.restart} over
     * {@code store}) and drains its first Readies: after a restart these hand the committed entries
     * to {@code machine} again. Batch sequence numbers start at 1 for every loop, so a store is
     * reopened with each restart.
     */
    public NodeLoop(RaftNode raft, LogStore store, Transport transport, StateMachine machine) {
        if (raft == null || store == null || transport == null || machine == null) {
            throw new IllegalArgumentException("raft, store, transport and state machine are required");
        }
        this.raft = raft;
        this.store = store;
        this.transport = transport;
        this.machine = machine;
        this.appliedIndex = raft.appliedIndex();
        this.submittedLastIndex = raft.lastIndex();
        this.submittedTerm = raft.currentTerm();
        this.submittedVote = raft.votedFor();
        Snapshot recovered = store.recoveredSnapshot();
        long snapshotIndex = raft.firstIndex() - 1;
        if (recovered != null || snapshotIndex > 0) {
            Assert.check(recovered != null && recovered.index() == snapshotIndex && appliedIndex == snapshotIndex,
                    "node %d: the store recovered snapshot %s, but the log starts after %d (applied %d)", raft.id(),
                    recovered, snapshotIndex, appliedIndex);
            machine.restore(recovered);
        }
        input("start", () -> null);
    }

    /**
     * Takes a snapshot whenever {@code entries} more entries have been applied since the last one (0,
     * the default: never). The state machine must support {@link StateMachine#snapshot}, the store
     * {@link LogStore#saveSnapshot}.
     */
    public void snapshotEvery(long entries) {
        if (entries < 0) {
            throw new IllegalArgumentException("snapshotEvery must be >= 0, got " + entries);
        }
        this.snapshotEvery = entries;
    }

    // ------------------------------------------------------------------------------------------
    // Inputs

    /** One logical clock tick (election timeout, heartbeats, CheckQuorum). */
    public void tick() {
        input("tick", () -> {
            raft.tick();
            return null;
        });
    }

    /** Starts an election now, as if the election timeout had elapsed (ignored by a leader). */
    public void campaign() {
        input("campaign", () -> {
            raft.campaign();
            return null;
        });
    }

    /**
     * The connection on which {@code peer} sends to this node was closed by the peer's side (see
     * RaftNode.peerDisconnected). Returns whether the node gave up {@code peer} as its leader.
     */
    public boolean peerDisconnected(int peer) {
        return input("peer-disconnected", () -> raft.peerDisconnected(peer));
    }

    /**
     * A message from a peer. One addressed to another node is bad input from outside: it is refused
     * with an IllegalArgumentException and the node keeps running.
     */
    public void receive(Message message) {
        if (message == null || message.to() != raft.id()) {
            throw new IllegalArgumentException("node " + raft.id() + " received a message for another node: "
                    + message);
        }
        input("receive", () -> {
            raft.step(message);
            return null;
        });
    }

    /**
     * A client command. Accepted means appended to the leader's log, not committed: the command is
     * committed when the state machine sees its index.
     */
    public ProposeResult propose(byte[] command) {
        if (command == null) {
            throw new IllegalArgumentException("command must not be null");
        }
        return input("propose", () -> raft.propose(command));
    }

    /**
     * Several client commands in one input (see {@link RaftNode#proposeAll(List)}): appended in order,
     * sent to each follower together, one Ready for all; the answers in the commands' order.
     */
    public List<ProposeResult> proposeAll(List<byte[]> commands) {
        return input("propose", () -> raft.proposeAll(commands));
    }

    /**
     * A linearizable read, identified by the caller's {@code ctx} (one heartbeat round serves every
     * read the caller groups under one ctx). Pending means the state machine hears of it later,
     * through {@link StateMachine#readReady} or {@link StateMachine#readAborted}.
     */
    public ReadResult readIndex(long ctx) {
        return input("readIndex", () -> raft.readIndex(ctx));
    }

    /**
     * A lease read (see {@link RaftNode#leaseRead}), answered like {@link #readIndex}: without a round
     * while the leader holds a lease, as a ReadIndex read otherwise. Sound only while the ticks this
     * loop is given keep pace with real time on the leader (the driver's job, see NodeRunner).
     */
    public ReadResult leaseRead(long ctx) {
        return input("leaseRead", () -> raft.leaseRead(ctx));
    }

    /**
     * A configuration change (see {@link RaftNode#changeMembership}): accepted means the CONFIG entry
     * is appended and in force; the change is done when the state machine sees its index (and, for a
     * promotion or a voter's removal, the joint configuration is left by the leader after it).
     */
    public ProposeResult changeMembership(MembershipChange change) {
        return input("changeMembership", () -> raft.changeMembership(change));
    }

    /** Hands leadership to {@code target} (see {@link RaftNode#transferLeadership}). */
    public TransferResult transferLeadership(int target) {
        return input("transferLeadership", () -> raft.transferLeadership(target));
    }

    /**
     * The store reports that batch {@code sequence} and every earlier one are durable. Completions
     * may arrive in any order and more than once: one at or below what is already known durable is
     * ignored, because a later completion already covered it.
     */
    public void writeCompleted(long sequence) {
        input("writeCompleted", () -> {
            Assert.check(sequence >= 0 && sequence <= submittedSequence,
                    "node %d: completion of batch %d, but batches 1..%d were submitted", raft.id(), sequence,
                    submittedSequence);
            if (sequence > durableSequence) {
                markDurable(sequence);
            }
            return null;
        });
    }

    /**
     * The store reports that a submitted write failed (or its outcome is unknown): the node stops.
     * Unlike the other inputs this is accepted when already stopped; the first cause is kept.
     */
    public void writeFailed(StorageException cause) {
        if (cause == null) {
            throw new IllegalArgumentException("a write failure needs its cause");
        }
        stop(cause);
    }

    // ------------------------------------------------------------------------------------------
    // State

    /** Whether the node has stopped (a storage error or a broken invariant); see {@link #stopCause()}. */
    public boolean stopped() {
        return stopCause != null;
    }

    /** Why the node stopped, or null while it runs. */
    public Throwable stopCause() {
        return stopCause;
    }

    /** The core, for reading its state. Driving it directly would bypass the Ready contract. */
    public RaftNode raft() {
        return raft;
    }

    /** Sequence of the last batch handed to the store, 0 if none. */
    public long submittedSequence() {
        return submittedSequence;
    }

    /** Every batch up to this sequence is known durable. */
    public long durableSequence() {
        return durableSequence;
    }

    /** Index of the last committed entry given to the state machine. */
    public long appliedIndex() {
        return appliedIndex;
    }

    @Override
    public String toString() {
        return "NodeLoop[node " + raft.id() + ", batches submitted " + submittedSequence + ", durable "
                + durableSequence + ", applied " + appliedIndex + (stopped() ? ", stopped: " + stopCause : "") + "]";
    }

    // ------------------------------------------------------------------------------------------
    // Draining

    /**
     * Runs one input and drains. Anything thrown is a broken invariant (expected outcomes are return
     * values, storage errors are caught where they happen), so the node stops and the exception
     * propagates: the core may be half-way through a change.
     */
    private <T> T input(String name, Supplier<T> action) {
        if (stopCause != null) {
            throw new IllegalStateException("node " + raft.id() + " has stopped (fail-stop) and refuses " + name
                    + "; cause: " + stopCause, stopCause);
        }
        Assert.check(!inInput, "node %d: %s called from inside another input (re-entrant call from the store, "
                + "transport or state machine)", raft.id(), name);
        inInput = true;
        try {
            T result = action.get();
            drain();
            maybeSnapshot();
            if (stopCause == null) {
                checkInvariants();
            }
            return result;
        } catch (RuntimeException | Error failure) {
            stop(failure);
            throw failure;
        } finally {
            inInput = false;
        }
    }

    private void drain() {
        int handled = 0;
        while (stopCause == null && raft.hasReady()) {
            handled++;
            Assert.check(handled <= MAX_READIES_PER_INPUT,
                    "node %d: the core produced more than %d Readies for one input; it does not settle", raft.id(),
                    MAX_READIES_PER_INPUT);
            handle(raft.ready());
        }
    }

    /** One Ready, in the order the contract demands (class comment). */
    private void handle(Ready ready) {
        checkClassification(ready);
        boolean written = ready.mustSync() ? writeSync(ready) : submit(ready);
        if (!written || stopCause != null) {
            return; // stopped: nothing more of this Ready may leave the node
        }
        for (Message message : ready.messages()) {
            transport.send(message);
        }
        if (ready.snapshot() != null) {
            machine.restore(ready.snapshot());
            appliedIndex = ready.snapshot().index();
        }
        apply(ready.committedEntries());
        for (Ready.ReadState read : ready.readStates()) {
            Assert.check(read.index() <= appliedIndex, "node %d: read %d confirmed at %d beyond applied %d", raft.id(),
                    read.ctx(), read.index(), appliedIndex);
            machine.readReady(read.ctx(), read.index());
        }
        for (long ctx : ready.readsAborted()) {
            machine.readAborted(ctx);
        }
        raft.advance(ready);
    }

    /** The sync path: durable (with every earlier batch) before anything of the Ready leaves. */
    private boolean writeSync(Ready ready) {
        WriteBatch batch = nextBatch(ready);
        try {
            store.writeSync(batch);
        } catch (StorageException | RuntimeException failure) {
            // An unchecked exception from a store is a storage error too: the write's fate is unknown.
            stop(failure);
            return false;
        }
        markDurable(batch.sequence());
        Assert.check(pendingBatches.isEmpty() && durableSequence == submittedSequence,
                "node %d: a sync write left batches pending", raft.id());
        return true;
    }

    /** The async path: queue the write (if there is anything to write) and let the Ready go on. */
    private boolean submit(Ready ready) {
        if (ready.hardState() == null && ready.entriesToPersist().isEmpty()) {
            return true;
        }
        WriteBatch batch = nextBatch(ready);
        try {
            store.submit(batch);
        } catch (RuntimeException failure) {
            stop(failure);
            return false;
        }
        return true;
    }

    /** Numbers the Ready's write and records it as handed to the store. */
    private WriteBatch nextBatch(Ready ready) {
        submittedSequence++;
        WriteBatch batch = new WriteBatch(submittedSequence, ready.hardState(), ready.entriesToPersist(),
                ready.snapshot(), ready.snapshotKeepsLog());
        if (batch.snapshot() != null && !batch.snapshotKeepsLog()) {
            submittedLastIndex = batch.snapshot().index(); // the store's log now ends at the snapshot
        }
        if (batch.hasEntries()) {
            pendingBatches.addLast(batch);
            submittedLastIndex = batch.lastIndex();
        }
        if (batch.hardState() != null) {
            submittedTerm = batch.hardState().currentTerm();
            submittedVote = batch.hardState().votedFor();
        }
        return batch;
    }

    /**
     * Every batch up to {@code sequence} is durable. Only the highest one with entries matters: the
     * store writes in order, so its last entry ends a durable prefix. If the core has cut its log
     * there since, it records only what still matches (RaftNode.persisted); while a sync Ready with
     * entries is outstanding it ignores the report, and that Ready's advance records it instead.
     */
    private void markDurable(long sequence) {
        WriteBatch highest = null;
        while (!pendingBatches.isEmpty() && pendingBatches.peekFirst().sequence() <= sequence) {
            highest = pendingBatches.pollFirst();
        }
        durableSequence = sequence;
        if (highest != null) {
            raft.persisted(highest.lastIndex(), highest.lastTerm());
        }
    }

    private void apply(List<Entry> committed) {
        for (Entry entry : committed) {
            Assert.check(entry.index() == appliedIndex + 1, "node %d: committed entry %s does not follow applied %d",
                    raft.id(), entry, appliedIndex);
            machine.apply(entry);
            appliedIndex = entry.index();
        }
    }

    /**
     * Checks the core's sync/async choice independently (DURABILITY.md): an async Ready appends right
     * after what was handed to the store and keeps term and vote, since only then may its messages
     * leave before it is durable; a sync Ready has something to write.
     */
    private void checkClassification(Ready ready) {
        List<Entry> entries = ready.entriesToPersist();
        if (ready.mustSync()) {
            Assert.check(ready.hardState() != null || !entries.isEmpty() || ready.snapshot() != null,
                    "node %d: a sync Ready with nothing to write", raft.id());
            return;
        }
        Assert.check(entries.isEmpty() || entries.get(0).index() == submittedLastIndex + 1,
                "node %d: an async Ready writes from %d, but %d was already handed to the store", raft.id(),
                entries.isEmpty() ? 0 : entries.get(0).index(), submittedLastIndex);
        Assert.check(ready.hardState() == null || (ready.hardState().currentTerm() == submittedTerm
                        && ready.hardState().votedFor() == submittedVote),
                "node %d: an async Ready changes term or vote: %s after term %d vote %d", raft.id(),
                ready.hardState(), submittedTerm, submittedVote);
    }

    /**
     * Spec TakeSnapshot, when due: the state machine's state at the applied index, saved durably,
     * then the core compacts its log, then the store drops what the snapshot covers.
     */
    private void maybeSnapshot() {
        long snapshotIndex = raft.firstIndex() - 1;
        if (snapshotEvery == 0 || stopCause != null || appliedIndex - snapshotIndex < snapshotEvery) {
            return;
        }
        Snapshot snapshot = new Snapshot(appliedIndex, raft.termAt(appliedIndex), machine.snapshot(),
                raft.membershipAt(appliedIndex));
        try {
            store.saveSnapshot(snapshot);
        } catch (StorageException | RuntimeException failure) {
            stop(failure);
            return;
        }
        raft.compact(snapshot);
        try {
            store.compact(snapshot.index(), snapshot.term());
        } catch (RuntimeException failure) {
            stop(failure);
        }
    }

    private void stop(Throwable cause) {
        if (stopCause == null) {
            stopCause = cause;
        }
    }

    /** The loop's own invariants, checked after every input that leaves the node running. */
    private void checkInvariants() {
        Assert.check(durableSequence <= submittedSequence, "node %d: durable batch %d beyond submitted %d", raft.id(),
                durableSequence, submittedSequence);
        WriteBatch first = pendingBatches.peekFirst();
        WriteBatch last = pendingBatches.peekLast();
        Assert.check(first == null || (first.sequence() > durableSequence && last.sequence() <= submittedSequence),
                "node %d: pending batches %s outside (%d, %d]", raft.id(), pendingBatches, durableSequence,
                submittedSequence);
        Assert.check(appliedIndex == raft.appliedIndex(), "node %d: applied %d but the core handed out up to %d",
                raft.id(), appliedIndex, raft.appliedIndex());
        Assert.check(!raft.hasReady(), "node %d: input ended with a Ready undrained", raft.id());
    }
}
