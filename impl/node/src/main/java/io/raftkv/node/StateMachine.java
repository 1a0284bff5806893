package io.raftkv.node;

import io.raftkv.core.Snapshot;
import io.raftkv.core.Entry;

/**
 * The replicated state machine. The node loop hands it every committed entry (no-ops and
 * configuration entries included, so it sees every index) in index order, each exactly once per
 * incarnation of the node; after a restart it sees the committed entries again from the start of
 * the log, as the core hands them out again to rebuild the state.
 */
@FunctionalInterface
public interface StateMachine {
    void apply(Entry entry);

    /**
     * The read taken with {@link NodeLoop#readIndex}{@code (ctx)} is confirmed (ReadIndex): answer
     * it from the state as it is now, which includes every entry up to {@code index} and so every
     * write committed before the read began. Called after the entries of the same Ready are applied.
     */
    default void readReady(long ctx, long index) {}

    /** The read {@code ctx} will never be confirmed here (the node stopped leading): retry elsewhere. */
    default void readAborted(long ctx) {}

    /**
     * The state after every entry applied so far, as bytes {@link #restore} takes back (the node loop
     * snapshots it when the log since the last snapshot passes the configured size).
     */
    default byte[] snapshot() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot take snapshots");
    }

    /**
     * Replaces the whole state with {@code snapshot}'s (taken by {@link #snapshot} here or on another
     * node), the state after applying every entry up to {@code snapshot.index()}: at a restart before
     * the log after it is replayed, and when a leader's snapshot is installed.
     */
    default void restore(Snapshot snapshot) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot restore snapshots");
    }
}
