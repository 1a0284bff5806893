package io.raftkv.core;

/** A change of the cluster's configuration asked of the leader ({@link RaftNode#changeMembership}). */
public sealed interface MembershipChange {
    /** The server that changes. */
    int id();

    /** A new server joins as a learner: it receives the log, does not vote and is not counted. */
    record AddLearner(int id) implements MembershipChange {}

    /** A learner whose log is caught up becomes a voter, through the joint configuration. */
    record Promote(int id) implements MembershipChange {}

    /** A learner leaves at once; a voter (the leader too) leaves through the joint configuration. */
    record Remove(int id) implements MembershipChange {}
}
