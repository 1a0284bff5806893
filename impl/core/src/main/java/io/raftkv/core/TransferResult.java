package io.raftkv.core;

/** What {@link RaftNode#transferLeadership} did: an expected outcome, never an exception. */
public sealed interface TransferResult {

    /**
     * The leader is handing over to the target: it refuses proposals until the target wins an
     * election, or for one minimum election timeout, after which it gives up and serves again.
     */
    record Started(int target) implements TransferResult {}

    /** This node is not the leader; {@code leaderHint} is the leader it last heard from, 0 if none. */
    record NotLeader(int leaderHint) implements TransferResult {}

    /** The leader refused: the target is not another member, or a transfer is already under way. */
    record Refused(String reason) implements TransferResult {}
}
