package io.raftkv.core;

/** What {@link RaftNode#propose} did with a command: an expected outcome, never an exception. */
public sealed interface ProposeResult {

    /** Appended to the leader's log at {@code index} in {@code term}; not yet committed. */
    record Accepted(long index, long term) implements ProposeResult {}

    /** This node is not the leader; {@code leaderHint} is the leader it last heard from, 0 if none. */
    record NotLeader(int leaderHint) implements ProposeResult {}

    /** The leader refused the command (e.g. the uncommitted-bytes limit); retry later. */
    record Dropped(String reason) implements ProposeResult {}
}
