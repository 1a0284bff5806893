package io.raftkv.server;

import io.raftkv.core.Entry;
import io.raftkv.core.EntryType;
import io.raftkv.core.Snapshot;
import io.raftkv.kv.Bytes;
import io.raftkv.kv.InvalidSnapshotException;
import io.raftkv.kv.KvStateMachine;
import io.raftkv.kv.Versioned;
import io.raftkv.node.StateMachine;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's {@link StateMachine}: applies committed entries to the {@link KvStateMachine} and hands
 * each result to the request waiting on that log position.
 *
 * <p>A request waits on (index, term): the position and term its command was appended at. When the
 * entry at that index is applied, the waiter gets the result if the term matches, and
 * {@link Completion.Overwritten} if it does not: another leader's entry replaced the command, which
 * was therefore never committed (Raft's Log Matching property, paper §5.3).
 *
 * <p>Snapshots are the {@link KvStateMachine}'s own (its data, revision, log time and client
 * sessions, so exactly-once survives a restore). A restore that fails stops the node: a snapshot
 * that is damaged or does not end where the node loop says cannot be served from. Waiters on
 * entries the restored snapshot covers are told {@link Completion.Forgotten} (their outcome is in
 * the snapshot, not known here; a client retries with its session, which answers it exactly once).
 *
 * <p>Threads: {@link #apply}, {@link #snapshot} and {@link #restore} run on the node's runner thread; {@link #await} and
 * {@link #readLocal} on client-serving threads. The monitor guards the state machine and the
 * waiters; futures are completed outside it.
 *
 * <p>A proposal's answer (its index) may reach the request thread only after the entry was
 * applied, when that thread lost the processor in between. So the last {@link #RECENT_RESULTS_MAX}
 * results (at most {@link #RECENT_BYTES_MAX} bytes) are kept; a waiter that comes later still gets
 * its result, and one later than that gets {@link Completion.Forgotten} (unknown outcome).
 */
final class KvApplier implements StateMachine {
    private static final Logger log = LoggerFactory.getLogger(KvApplier.class);
    static final int RECENT_RESULTS_MAX = 1024;
    static final long RECENT_BYTES_MAX = 8L << 20;

    /** How a waited-on log position ended. */
    sealed interface Completion {
        /** The command was applied; {@code result} is its encoded KvResult. */
        record Applied(long index, byte[] result) implements Completion {}

        /** Another term's entry was applied at the index: the command was never committed. */
        record Overwritten(long index, long term, long appliedTerm) implements Completion {}

        /** Applied so long ago that the result is no longer kept. */
        record Forgotten(long index) implements Completion {}
    }

    private record Waiter(long term, CompletableFuture<Completion> future) {}

    private record Recent(long index, long term, byte[] result) {}

    private final KvStateMachine machine;
    /** By index. Guarded by this. */
    private final TreeMap<Long, Waiter> waiters = new TreeMap<>();
    /** The latest applied command results, oldest first. Guarded by this. */
    private final ArrayDeque<Recent> recent = new ArrayDeque<>();
    private long recentBytes;

    KvApplier(KvStateMachine machine) {
        this.machine = machine;
    }

    @Override
    public void apply(Entry entry) {
        Waiter waiter;
        byte[] result;
        synchronized (this) {
            result = machine.apply(entry);
            waiter = waiters.remove(entry.index());
            if (entry.type() == EntryType.COMMAND) {
                remember(new Recent(entry.index(), entry.term(), result));
            }
        }
        if (waiter != null) {
            waiter.future().complete(completion(entry.index(), waiter.term(), entry.term(), result));
        }
    }

    @Override
    public synchronized byte[] snapshot() {
        return machine.snapshot();
    }

    /**
     * Replaces the state with {@code snapshot}'s (KvStateMachine's format).
     *
     * @throws IllegalStateException if the snapshot cannot be restored or does not end at its index;
     *                               the node loop stops the node (fail-stop)
     */
    @Override
    public void restore(Snapshot snapshot) {
        TreeMap<Long, Waiter> covered;
        synchronized (this) {
            try {
                machine.restore(snapshot.data());
            } catch (InvalidSnapshotException invalid) {
                throw new IllegalStateException("cannot restore the key-value state from " + snapshot + ": "
                        + invalid.getMessage() + "; the node stops rather than serve a state it cannot trust",
                        invalid);
            }
            if (machine.appliedIndex() != snapshot.index()) {
                throw new IllegalStateException("the key-value state in " + snapshot + " was taken at index "
                        + machine.appliedIndex() + ", not at the snapshot's index; the node stops");
            }
            covered = new TreeMap<>(waiters.headMap(snapshot.index(), true));
            waiters.headMap(snapshot.index(), true).clear();
        }
        log.info("key-value state restored from the snapshot at index {} (term {}, {} bytes)", snapshot.index(),
                snapshot.term(), snapshot.data().length);
        covered.forEach((index, waiter) -> waiter.future().complete(new Completion.Forgotten(index)));
    }

    /**
     * A future completed when the entry at {@code index} is applied. A waiter already at that index
     * for another term is told it was overwritten: this node appended a new entry there.
     */
    CompletableFuture<Completion> await(long index, long term) {
        CompletableFuture<Completion> future = new CompletableFuture<>();
        Completion known = null;
        Waiter replaced;
        synchronized (this) {
            if (index <= machine.appliedIndex()) {
                known = recalled(index, term);
                replaced = null;
            } else {
                replaced = waiters.put(index, new Waiter(term, future));
            }
        }
        if (replaced != null) {
            replaced.future().complete(new Completion.Overwritten(index, replaced.term(), term));
        }
        if (known != null) {
            future.complete(known);
        }
        return future;
    }

    /** Drops a waiter whose request gave up (a timeout), unless another took its place. */
    synchronized void forget(long index, CompletableFuture<Completion> future) {
        Waiter waiter = waiters.get(index);
        if (waiter != null && waiter.future() == future) {
            waiters.remove(index);
        }
    }

    /** Fails every waiter (the node stopped: nothing more will be applied in this process). */
    void abandonAll() {
        List<Waiter> abandoned;
        synchronized (this) {
            abandoned = new ArrayList<>(waiters.values());
            waiters.clear();
        }
        for (Waiter waiter : abandoned) {
            waiter.future().complete(new Completion.Forgotten(0));
        }
    }

    /** A read of this node's applied state: not linearizable (it may lag the leader). */
    synchronized Optional<Versioned> readLocal(Bytes key) {
        return machine.get(key);
    }

    synchronized long appliedIndex() {
        return machine.appliedIndex();
    }

    synchronized int waiterCount() {
        return waiters.size();
    }

    private static Completion completion(long index, long waitedTerm, long appliedTerm, byte[] result) {
        return waitedTerm == appliedTerm ? new Completion.Applied(index, result)
                : new Completion.Overwritten(index, waitedTerm, appliedTerm);
    }

    private Completion recalled(long index, long term) {
        for (Recent entry : recent) {
            if (entry.index() == index) {
                return completion(index, term, entry.term(), entry.result());
            }
        }
        return new Completion.Forgotten(index);
    }

    private void remember(Recent entry) {
        recent.addLast(entry);
        recentBytes += entry.result().length;
        while (recent.size() > RECENT_RESULTS_MAX || recentBytes > RECENT_BYTES_MAX) {
            recentBytes -= recent.removeFirst().result().length;
        }
    }
}
