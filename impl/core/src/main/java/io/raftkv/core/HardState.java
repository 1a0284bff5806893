package io.raftkv.core;

/**
 * The state a node must make durable before the messages that depend on it leave (Raft paper
 * Figure 2 "persistent state on all servers"; commitIndex is kept too, like etcd's HardState, so a
 * restarted node never reports a smaller commit index — the spec treats it as durable).
 *
 * @param currentTerm latest term the node has seen
 * @param votedFor    candidate voted for in currentTerm, 0 = none
 * @param commitIndex highest log index known committed
 */
public record HardState(long currentTerm, int votedFor, long commitIndex) {
    public static final HardState EMPTY = new HardState(0, 0, 0);

    public HardState {
        if (currentTerm < 0 || votedFor < 0 || commitIndex < 0) {
            throw new IllegalArgumentException("hard state fields must be >= 0: " + currentTerm + ", " + votedFor
                    + ", " + commitIndex);
        }
    }
}
