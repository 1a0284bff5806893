package io.raftkv.core;

/** What {@link RaftNode#readIndex} did with a read: an expected outcome, never an exception. */
public sealed interface ReadResult {

    /**
     * The leader took the read: it reaches the driver in a later {@link Ready}, confirmed in
     * {@link Ready#readStates()} or given up in {@link Ready#readsAborted()}.
     */
    record Pending() implements ReadResult {}

    /** This node is not the leader; {@code leaderHint} is the leader it last heard from, 0 if none. */
    record NotLeader(int leaderHint) implements ReadResult {}
}
