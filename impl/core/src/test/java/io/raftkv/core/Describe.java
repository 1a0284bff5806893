package io.raftkv.core;

import io.raftkv.core.Message.AppendEntriesRequest;
import io.raftkv.core.Message.AppendEntriesResponse;
import io.raftkv.core.Message.RequestVoteRequest;
import io.raftkv.core.Message.RequestVoteResponse;
import java.util.List;
import java.util.stream.Collectors;

/** Compact, stable text for messages, events and states, as printed in scenario files. */
final class Describe {
    private Describe() {}

    static String message(Message message) {
        String route = message.from() + "->" + message.to() + " t" + message.term();
        return switch (message) {
            case RequestVoteRequest m -> (m.prevote() ? "PreVote " : "Vote ") + route + " last=" + m.lastLogIndex()
                    + "@" + m.lastLogTerm() + (m.transfer() ? " transfer" : "");
            case Message.TimeoutNow m -> "TimeoutNow " + route;
            case RequestVoteResponse m -> (m.prevote() ? "PreVoteResp " : "VoteResp ") + route
                    + (m.voteGranted() ? " granted" : " rejected");
            case AppendEntriesRequest m -> "App " + route + " prev=" + m.prevLogIndex() + "@" + m.prevLogTerm()
                    + " " + entries(m.entries()) + " commit=" + m.commitIndex() + readId(m.readId());
            case AppendEntriesResponse m -> "AppResp " + route + (m.success()
                    ? " ok match=" + m.matchIndex()
                    : " reject match=" + m.matchIndex() + " conflict=" + m.conflictIndex() + "@" + m.conflictTerm())
                    + readId(m.readId());
            case Message.InstallSnapshotRequest m -> "Snap " + route + " " + m.snapshotIndex() + "@" + m.snapshotTerm()
                    + " offset=" + m.offset() + " bytes=" + m.data().length + (m.done() ? " done" : "");
            case Message.InstallSnapshotResponse m -> "SnapResp " + route + " " + m.snapshotIndex()
                    + (m.done() ? " done" : " next=" + m.nextOffset());
            case Message.ReadIndexRequest m -> "ReadIndex " + route + " ctx=" + m.ctx();
            case Message.ReadIndexResponse m -> "ReadIndexResp " + route + " ctx=" + m.ctx() + " index=" + m.index();
        };
    }

    /** Shown only once a leader has begun a ReadIndex round, so older scenarios read as before. */
    private static String readId(long readId) {
        return readId == 0 ? "" : " read=" + readId;
    }

    static String entries(List<Entry> entries) {
        return entries.stream().map(Entry::toString).collect(Collectors.joining(" ", "[", "]"));
    }

    static String state(NodeState state) {
        return "t" + state.currentTerm() + " v" + state.votedFor() + " " + role(state.role()) + " commit="
                + state.commitIndex() + " last=" + state.logLength() + "@" + state.lastLogTerm() + " durable="
                + state.durableLength() + " applied=" + state.appliedIndex()
                + (state.snapshotIndex() == 0 ? "" : " snapshot=" + state.snapshotIndex())
                + (state.lease() == 0 ? "" : " lease=" + state.lease());
    }

    static String role(Role role) {
        return switch (role) {
            case FOLLOWER -> "Follower";
            case PRE_CANDIDATE -> "PreCandidate";
            case CANDIDATE -> "Candidate";
            case LEADER -> "Leader";
        };
    }

    /** One event line: "node Event details | post-state". */
    static String event(RaftEvent event) {
        String details = switch (event) {
            case RaftEvent.ClientRequest e -> " " + e.entry();
            case RaftEvent.SendAppendEntries e -> " " + message(e.msg());
            case RaftEvent.SendHeartbeat e -> " " + message(e.msg());
            case RaftEvent.HandleAppendEntriesRequest e -> " " + message(e.msg()) + " => " + message(e.reply());
            case RaftEvent.HandleAppendEntriesResponse e -> " " + message(e.msg());
            case RaftEvent.HandleRequestVoteRequest e -> " " + message(e.msg()) + " => " + message(e.reply());
            case RaftEvent.HandleRequestVoteResponse e -> " " + message(e.msg());
            case RaftEvent.StepDown e -> " (" + e.reason() + ")";
            case RaftEvent.DropMessage e -> " " + message(e.msg()) + " (" + e.reason() + ")";
            case RaftEvent.DuplicateMessage e -> " " + message(e.msg());
            case RaftEvent.ProposeConfig e -> " " + e.config();
            case RaftEvent.ReadIndex e -> " read=" + e.readId() + " index=" + e.index();
            case RaftEvent.SendTimeoutNow e -> " " + message(e.msg());
            case RaftEvent.HandleTimeoutNow e -> " " + message(e.msg());
            case RaftEvent.ServeRead e -> " read=" + e.readId() + " index=" + e.index();
            case RaftEvent.LeaseRead e -> " read=" + e.readId() + " index=" + e.index();
            case RaftEvent.RenewLease e -> " read=" + e.readId();
            case RaftEvent.ForwardRead e -> " " + message(e.msg());
            case RaftEvent.HandleReadIndexRequest e -> " " + message(e.msg()) + " read=" + e.readId() + " index="
                    + e.index();
            case RaftEvent.SendReadIndexResponse e -> " " + message(e.msg()) + " read=" + e.readId();
            case RaftEvent.HandleReadIndexResponse e -> " " + message(e.msg()) + " applied=" + e.index();
            case RaftEvent.SendInstallSnapshot e -> " " + message(e.msg());
            case RaftEvent.HandleInstallSnapshotRequest e -> " " + message(e.msg()) + " => " + message(e.reply());
            case RaftEvent.HandleInstallSnapshotResponse e -> " " + message(e.msg());
            default -> "";
        };
        return event.node() + " " + event.name() + details + " | " + state(event.state());
    }
}
