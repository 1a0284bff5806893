package io.raftkv.client;

import java.util.List;
import java.util.SortedMap;

/**
 * The body of {@code GET /v1/admin/members}, and a part of {@link NodeStatus}: one node's
 * configuration (thesis §4.3; the contract's {@code [voters, outgoing, learners]}) as that node
 * sees it. The server writes this record and clients read it (JSON field = component name).
 *
 * @param id          the node that answers
 * @param role        its role
 * @param term        its currentTerm
 * @param leader      the leader it knows, 0 if none
 * @param voters      the voters (C_new while joint)
 * @param outgoing    while joint, C_old's voters; else empty
 * @param learners    servers that receive the log but do not vote
 * @param committed   whether the node's commit index covers the entry of this configuration (a
 *                    configuration is in force from its append, committed or not)
 * @param commitIndex the node's commit index
 * @param lastIndex   its last log index
 * @param matchIndex  on a leader, its matchIndex of every other member by id (how much of the log
 *                    each holds); empty on other nodes
 */
public record MembershipReport(int id, String role, long term, int leader, List<Integer> voters,
        List<Integer> outgoing, List<Integer> learners, boolean committed, long commitIndex, long lastIndex,
        SortedMap<Integer, Long> matchIndex) {

    public boolean joint() {
        return outgoing != null && !outgoing.isEmpty();
    }

    public boolean isVoter(int server) {
        return voters.contains(server) || outgoing.contains(server);
    }

    public boolean isLearner(int server) {
        return learners.contains(server);
    }

    public boolean isMember(int server) {
        return isVoter(server) || isLearner(server);
    }

    public boolean leading() {
        return NodeStatus.LEADER.equals(role);
    }

    /** One line: "voters [1, 2, 3]" or "voters [1, 2, 3, 4] and [1, 2, 3], learners [5]", and if uncommitted so. */
    public String describe() {
        return "voters " + voters + (joint() ? " and " + outgoing + " (joint)" : "")
                + (learners.isEmpty() ? "" : ", learners " + learners) + (committed ? "" : " (not yet committed)");
    }
}
