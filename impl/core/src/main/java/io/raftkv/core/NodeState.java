package io.raftkv.core;

/**
 * The spec-visible state of one node, recorded in every event as the state after the action.
 *
 * @param currentTerm   spec currentTerm[i]
 * @param votedFor      spec votedFor[i], 0 = Nil
 * @param role          spec role[i]
 * @param commitIndex   spec commitIndex[i]
 * @param logLength     spec Len(log[i]): the last log index (entries before firstIndex count, they
 *                      are in the snapshot)
 * @param lastLogTerm   term of the last entry, 0 if the log is empty
 * @param durableLength spec durableLength[i]: the log is known durable up to this index
 * @param appliedIndex  spec appliedIndex[i]: committed entries handed to the state machine up to here
 * @param snapshotIndex spec snapshotIndex[i]: the log is compacted up to here (0: no snapshot)
 * @param config        the node's configuration (spec ConfigOf(i)), null where it is not known
 *                      (a state built outside the core, e.g. {@link #of}): not logged then
 * @param lease         spec lease[i]: the read round a leader's lease rests on, 0 for none (every
 *                      non-leader), -1 when the leader gave it up by a transfer for the rest of its term
 */
public record NodeState(long currentTerm, int votedFor, Role role, long commitIndex, long logLength,
        long lastLogTerm, long durableLength, long appliedIndex, long snapshotIndex, Membership config,
        long lease) {

    /** A state without a lease. */
    public NodeState(long currentTerm, int votedFor, Role role, long commitIndex, long logLength, long lastLogTerm,
            long durableLength, long appliedIndex, long snapshotIndex, Membership config) {
        this(currentTerm, votedFor, role, commitIndex, logLength, lastLogTerm, durableLength, appliedIndex,
                snapshotIndex, config, 0);
    }

    /** A state without a known configuration. */
    public NodeState(long currentTerm, int votedFor, Role role, long commitIndex, long logLength, long lastLogTerm,
            long durableLength, long appliedIndex, long snapshotIndex) {
        this(currentTerm, votedFor, role, commitIndex, logLength, lastLogTerm, durableLength, appliedIndex,
                snapshotIndex, null);
    }

    /** A state without a snapshot. */
    public NodeState(long currentTerm, int votedFor, Role role, long commitIndex, long logLength, long lastLogTerm,
            long durableLength, long appliedIndex) {
        this(currentTerm, votedFor, role, commitIndex, logLength, lastLogTerm, durableLength, appliedIndex, 0);
    }

    /** A state with nothing applied (tests, and a node about to replay its log). */
    public NodeState(long currentTerm, int votedFor, Role role, long commitIndex, long logLength, long lastLogTerm,
            long durableLength) {
        this(currentTerm, votedFor, role, commitIndex, logLength, lastLogTerm, durableLength, 0);
    }

    /**
     * The state a crashed node will have after restarting from {@code durable} (all of it durable,
     * applied up to the snapshot: the state machine is restored from it and rebuilt from the log).
     */
    public static NodeState of(DurableState durable) {
        HardState hard = durable.hardState();
        return new NodeState(hard.currentTerm(), hard.votedFor(), Role.FOLLOWER, hard.commitIndex(),
                durable.lastIndex(), durable.lastTerm(), durable.lastIndex(), durable.snapshotIndex(),
                durable.snapshotIndex());
    }
}
