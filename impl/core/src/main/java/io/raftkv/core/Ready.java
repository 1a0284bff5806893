package io.raftkv.core;

import java.util.List;

/**
 * One batch of work for the code that drives a node (etcd's Ready). The core never waits for a
 * write: what must not leave before a write is durable (append acknowledgements) it holds itself
 * and puts into a later Ready once {@link RaftNode#persisted} reports the write done.
 *
 * <p>An <b>async</b> batch ({@code mustSync} false) only appends new entries or moves the commit
 * index: submit its write, send its messages at once (a leader replicates in parallel with its own
 * write, thesis §10.2.1), apply its committed entries, call {@link RaftNode#advance}; report the write
 * with {@link RaftNode#persisted} when it completes. A crash before then loses it (or tears it).
 *
 * <p>A <b>sync</b> batch changes currentTerm or votedFor, or overwrites entries handed out before:
 * write it after every earlier write and wait until it is durable before sending any of its
 * messages (a vote grant promises a durable vote, paper Figure 2) or giving the node any other
 * input; then advance. Its advance also records its entries as durable, so a crash in its middle
 * is, to everyone else, a crash just before the input that caused it.
 *
 * <p>Either way the writes reach the disk in the order the batches were handed out, and writing
 * entries that start at index k replaces every stored entry at index >= k: what is on disk is always
 * a prefix of the node's log.
 *
 * @param hardState        the hard state to persist, or null if unchanged since the last batch
 * @param entriesToPersist entries to write, contiguous, possibly empty
 * @param mustSync         whether the batch is sync (above)
 * @param messages         messages to send (for a sync batch, once it is durable)
 * @param committedEntries committed entries to apply, contiguous, possibly empty; all of them are
 *                         already durable on this node, so the state machine is never ahead of the log
 * @param readStates       reads confirmed by ReadIndex ({@link RaftNode#readIndex}) whose index the state
 *                         machine has reached: answer each from the state machine once this Ready's
 *                         committed entries are applied
 * @param readsAborted     contexts of reads that will never be confirmed (the node stopped leading):
 *                         tell their clients to retry, elsewhere
 * @param snapshot         a snapshot a leader sent, to install before anything else of this batch, or
 *                         null: save it durably, make the log start after it, and restore the state
 *                         machine from it (the batch is then sync, and its committed entries follow it)
 * @param snapshotKeepsLog with a snapshot: whether the stored entries after it stay (the log held the
 *                         snapshot's last entry, durable); otherwise every stored entry is discarded
 */
public record Ready(HardState hardState, List<Entry> entriesToPersist, boolean mustSync, List<Message> messages,
        List<Entry> committedEntries, List<ReadState> readStates, List<Long> readsAborted, Snapshot snapshot,
        boolean snapshotKeepsLog) {

    /** A read the leader confirmed: {@code ctx} as given to readIndex, served at applied index {@code index}. */
    public record ReadState(long ctx, long index) {}

    public Ready {
        entriesToPersist = List.copyOf(entriesToPersist);
        messages = List.copyOf(messages);
        committedEntries = List.copyOf(committedEntries);
        readStates = List.copyOf(readStates);
        readsAborted = List.copyOf(readsAborted);
        if (snapshot != null && !mustSync) {
            throw new IllegalArgumentException("a Ready that installs a snapshot is sync");
        }
    }

    /** A Ready without a snapshot to install. */
    public Ready(HardState hardState, List<Entry> entriesToPersist, boolean mustSync, List<Message> messages,
            List<Entry> committedEntries, List<ReadState> readStates, List<Long> readsAborted) {
        this(hardState, entriesToPersist, mustSync, messages, committedEntries, readStates, readsAborted, null, false);
    }

    /** A Ready without reads. */
    public Ready(HardState hardState, List<Entry> entriesToPersist, boolean mustSync, List<Message> messages,
            List<Entry> committedEntries) {
        this(hardState, entriesToPersist, mustSync, messages, committedEntries, List.of(), List.of());
    }

    public boolean isEmpty() {
        return hardState == null && entriesToPersist.isEmpty() && messages.isEmpty() && committedEntries.isEmpty()
                && readStates.isEmpty() && readsAborted.isEmpty() && snapshot == null;
    }
}
