package io.raftkv.client;

import java.util.List;

/**
 * The body of {@code GET /v1/status}: one node's view of the cluster. The server writes this
 * record and clients read it, so the format is defined once (JSON field = component name).
 *
 * @param id                    this node's id
 * @param role                  FOLLOWER, PRE_CANDIDATE, CANDIDATE or LEADER
 * @param term                  currentTerm
 * @param leader                the leader this node knows of in its term, 0 if none
 * @param leaderUrl             that leader's client URL, null if none
 * @param commitIndex           highest index known committed
 * @param appliedIndex          highest index applied to the state machine
 * @param lastIndex             last index in the log
 * @param durableIndex          the log is durable up to this index
 * @param running               false once the node stopped (fail-stop) or is shutting down
 * @param stopCause             why it stopped, null while running
 * @param tickMillis            wall time per logical tick
 * @param electionTimeoutMillis the election timeout is drawn from [this, 2 x this)
 * @param members               every server this node knows the address of (the cluster file's
 *                              address book), this node included, by id; which of them are members of
 *                              the configuration is {@code membership}
 * @param membership            the node's configuration (null from a server that predates it)
 * @param leaseReads            whether the server runs with --lease-reads
 * @param leaseMillis           how long a lease lasts from the start of the heartbeat round it rests
 *                              on, 0 without lease reads
 * @param readsByLease          linearizable reads this process answered from its lease, without a
 *                              round, since it started
 * @param readsByReadIndex      linearizable reads this process confirmed with a heartbeat round
 *                              (ReadIndex) of its own, as leader, since it started, lease reads taken
 *                              without a lease included
 * @param readsForwarded        linearizable reads this process answered as a follower since it
 *                              started, after its leader confirmed them with a round of its own
 *                              (the leader counts none of these); 0 from a server that predates it
 * @param walEntries            entries this process wrote to its write-ahead log since it started
 * @param walSyncs              the fsyncs it made to make them durable (one per group commit), so
 *                              walEntries / walSyncs is how many entries one fsync carries; both 0
 *                              from a server that predates them
 * @param leadersGivenUp        times this process, as a follower, gave up its leader because the
 *                              leader's connection closed (its process exited) and so campaigned
 *                              without waiting out the election timeout; 0 from a server that
 *                              predates it
 */
public record NodeStatus(int id, String role, long term, int leader, String leaderUrl, long commitIndex,
        long appliedIndex, long lastIndex, long durableIndex, boolean running, String stopCause, int tickMillis,
        int electionTimeoutMillis, List<Member> members, MembershipReport membership, boolean leaseReads,
        int leaseMillis, long readsByLease, long readsByReadIndex, long readsForwarded, long walEntries,
        long walSyncs, long leadersGivenUp) {

    public static final String LEADER = "LEADER";

    /** A server as the node was configured with its address. */
    public record Member(int id, String peerAddress, String clientUrl) {}

    /** Whether this node leads (not named isLeader: JSON would take that for the "leader" field). */
    public boolean leading() {
        return LEADER.equals(role);
    }
}
