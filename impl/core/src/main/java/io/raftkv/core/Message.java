package io.raftkv.core;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The Raft messages, with exactly the fields of the spec's message records (spec/README.md).
 * Every message carries {@code from}, {@code to} and {@code term}.
 */
public sealed interface Message {
    int from();

    int to();

    long term();

    /**
     * A (pre-)vote request (paper §5.2, thesis §9.6). For a pre-vote, term is the sender's
     * currentTerm + 1, which the sender has not adopted. {@code transfer}: the election was started
     * by a {@link TimeoutNow} (never for a pre-vote).
     */
    record RequestVoteRequest(int from, int to, long term, boolean prevote, long lastLogIndex, long lastLogTerm,
            boolean transfer) implements Message {

        /** A request of an election that was not asked for by the leader (transfer false). */
        public RequestVoteRequest(int from, int to, long term, boolean prevote, long lastLogIndex, long lastLogTerm) {
            this(from, to, term, prevote, lastLogIndex, lastLogTerm, false);
        }
    }

    /**
     * The leader asks a caught-up follower to start an election at once (leadership transfer,
     * thesis §3.10); its vote requests carry {@code transfer}, so that voters who heard from the
     * leader recently do not ignore them (leader stickiness).
     */
    record TimeoutNow(int from, int to, long term) implements Message {}

    /**
     * Answer to a (pre-)vote request. A granted pre-vote carries the request's term, a rejected one
     * the responder's currentTerm.
     */
    record RequestVoteResponse(int from, int to, long term, boolean prevote, boolean voteGranted)
            implements Message {}

    /**
     * Replicates {@code entries} after {@code prevLogIndex}; with no entries it is a heartbeat or a
     * probe. {@code commitIndex} never exceeds prevLogIndex + entries.size(), so a follower learns
     * only commits that its log (once this request is applied) is known to match. {@code readId} is
     * the leader's latest ReadIndex round when it sent the request (0 before its first); the answer
     * echoes it, which proves the follower still in this term after every round up to it began.
     */
    record AppendEntriesRequest(int from, int to, long term, long prevLogIndex, long prevLogTerm, List<Entry> entries,
            long commitIndex, long readId) implements Message {
        public AppendEntriesRequest {
            entries = List.copyOf(entries);
        }

        /** A request sent before any read round of its leader (readId 0). */
        public AppendEntriesRequest(int from, int to, long term, long prevLogIndex, long prevLogTerm, List<Entry> entries,
                long commitIndex) {
            this(from, to, term, prevLogIndex, prevLogTerm, entries, commitIndex, 0);
        }
    }

    /**
     * Answer to AppendEntries. success: matchIndex = prevLogIndex + entries.size() of the request;
     * failure: matchIndex = the request's prevLogIndex, and the conflict hint (paper §5.3, last
     * paragraphs): conflictTerm = term at prevLogIndex (0 if the log is shorter), conflictIndex =
     * first index of that term (or lastIndex + 1). Both 0 on success and on a stale-term rejection.
     * {@code readId} is the request's, in every kind of answer.
     */
    record AppendEntriesResponse(int from, int to, long term, boolean success, long matchIndex, long conflictTerm,
            long conflictIndex, long readId) implements Message {

        /** The answer to a request with readId 0. */
        public AppendEntriesResponse(int from, int to, long term, boolean success, long matchIndex, long conflictTerm,
                long conflictIndex) {
            this(from, to, term, success, matchIndex, conflictTerm, conflictIndex, 0);
        }
    }

    /**
     * One chunk of the leader's latest snapshot, which covers the log up to {@code snapshotIndex}
     * (whose entry has {@code snapshotTerm}): {@code data} holds its bytes from {@code offset} on, and
     * {@code done} marks the last chunk (thesis §5.1, Figure 5.3). Chunks go one at a time: the
     * leader sends the next one when the follower's answer says it holds everything before it. Only
     * the last chunk changes the follower's spec-visible state; offset and data are invisible to the
     * spec (the spec's message carries the snapshot's content as a ghost field instead).
     * {@code membership} is the snapshot's configuration (null: the initial one), in every chunk.
     */
    record InstallSnapshotRequest(int from, int to, long term, long snapshotIndex, long snapshotTerm, long offset,
            byte[] data, boolean done, Membership membership) implements Message {
        /** A chunk of a snapshot taken before any configuration change. */
        public InstallSnapshotRequest(int from, int to, long term, long snapshotIndex, long snapshotTerm, long offset,
                byte[] data, boolean done) {
            this(from, to, term, snapshotIndex, snapshotTerm, offset, data, done, null);
        }

        public InstallSnapshotRequest {
            Objects.requireNonNull(data, "data");
            if (snapshotIndex < 1 || snapshotTerm < 1 || offset < 0) {
                throw new IllegalArgumentException("snapshot (" + snapshotIndex + ", " + snapshotTerm
                        + ") at offset " + offset + ": index and term must be >= 1, offset >= 0");
            }
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof InstallSnapshotRequest that && from == that.from && to == that.to
                    && term == that.term && snapshotIndex == that.snapshotIndex && snapshotTerm == that.snapshotTerm
                    && offset == that.offset && done == that.done && Arrays.equals(data, that.data)
                    && Objects.equals(membership, that.membership);
        }

        @Override
        public int hashCode() {
            return Objects.hash(from, to, term, snapshotIndex, snapshotTerm, offset, done, Arrays.hashCode(data),
                    membership);
        }

        @Override
        public String toString() {
            return "InstallSnapshotRequest[from=" + from + ", to=" + to + ", term=" + term + ", snapshotIndex="
                    + snapshotIndex + ", snapshotTerm=" + snapshotTerm + ", offset=" + offset + ", data="
                    + data.length + " bytes, done=" + done + (membership == null ? "" : ", " + membership) + "]";
        }
    }

    /**
     * Answer to an InstallSnapshot chunk. {@code done}: the follower holds every entry up to
     * {@code snapshotIndex} (it installed the snapshot, or had already committed that far), so the
     * leader may set matchIndex to it. Otherwise {@code nextOffset} is how many bytes of that
     * snapshot the follower holds: the leader sends from there (0 asks it to start over). A
     * rejection of a stale term carries the follower's term and done = false.
     */
    record InstallSnapshotResponse(int from, int to, long term, long snapshotIndex, long nextOffset, boolean done)
            implements Message {}

    /**
     * A follower's read forwarded to its leader (thesis §6.4: a follower asks the leader for a read
     * index): the leader answers with a {@link ReadIndexResponse} once a heartbeat round it began
     * after this request arrived is confirmed by a quorum. {@code ctx} names the follower's read;
     * {@code term} is the follower's current term, for information: this message never changes a
     * receiver's term or role.
     */
    record ReadIndexRequest(int from, int to, long term, long ctx) implements Message {}

    /**
     * The leader's answer to a {@link ReadIndexRequest}: {@code index} is the commit index its
     * confirmed round began at, so the follower's read, which began before that round, is served once
     * the follower has applied that far. {@code term} is the leader's, for information only.
     */
    record ReadIndexResponse(int from, int to, long term, long ctx, long index) implements Message {}
}
