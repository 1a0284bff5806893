package io.raftkv.core;

/**
 * The four roles of the spec's {@code role[i]} (Raft thesis §3.3 plus the PreVote phase of §9.6).
 * Trace writers map them to the spec's strings "Follower", "PreCandidate", "Candidate", "Leader".
 */
public enum Role {
    FOLLOWER,
    PRE_CANDIDATE,
    CANDIDATE,
    LEADER
}
