package io.raftkv.tracecheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One edit of a valid trace that makes it describe a step Raft forbids. {@link #apply} finds where
 * the edit fits in a trace (empty if nowhere) and returns the edited events and the 1-based index
 * of the edited (or inserted) event, or of the event that takes a removed one's place, where the
 * checker must reject the trace.
 */
enum Corruption {

  /** Right after a node becomes Candidate (only its own vote), a line says it became Leader. */
  LEADER_WITHOUT_MAJORITY {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        if (is(event, "BecomeCandidate")) {
          ObjectNode leader = event.deepCopy();
          leader.put("event", "BecomeLeader");
          ObjectNode state = (ObjectNode) leader.get("state");
          state.put("role", "Leader");
          state.put("logLength", state.get("logLength").asLong() + 1);
          state.put("lastLogTerm", state.get("currentTerm").asLong());
          return Optional.of(inserted(events, k + 1, leader));
        }
      }
      return Optional.empty();
    }
  },

  /**
   * A node that voted for one candidate in a term, asked by another candidate of the same term
   * whose log is up to date, and rightly refusing, is made to grant the second vote too.
   */
  TWO_VOTES_IN_ONE_TERM {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        if (!is(event, "HandleRequestVoteRequest")) {
          continue;
        }
        JsonNode msg = event.get("msg");
        JsonNode state = event.get("state");
        boolean upToDate = msg.get("lastLogTerm").asLong() > state.get("lastLogTerm").asLong()
            || (msg.get("lastLogTerm").asLong() == state.get("lastLogTerm").asLong()
                && msg.get("lastLogIndex").asLong() >= state.get("logLength").asLong());
        int votedFor = state.get("votedFor").asInt();
        if (!msg.get("prevote").asBoolean() && !event.at("/reply/voteGranted").asBoolean()
            && msg.get("term").asLong() == state.get("currentTerm").asLong()
            && votedFor != 0 && votedFor != msg.get("from").asInt() && upToDate) {
          ObjectNode edited = event.deepCopy();
          ((ObjectNode) edited.get("reply")).put("voteGranted", true);
          ((ObjectNode) edited.get("state")).put("votedFor", msg.get("from").asInt());
          return Optional.of(replaced(events, k, edited));
        }
      }
      return Optional.empty();
    }
  },

  /**
   * A new leader whose log ends with uncommitted entries of earlier terms learns that a majority
   * holds the last of them (and not yet its no-op): a line says it committed that entry, which
   * counting replicas may only do for an entry of the leader's own term (Raft paper 5.4.2, the
   * Figure 8 rule).
   */
  PREVIOUS_TERM_COMMITTED_BY_COUNTING {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      int servers = servers(events);
      for (int b = 0; b < events.size(); b++) {
        ObjectNode elected = events.get(b);
        if (!is(elected, "BecomeLeader")) {
          continue;
        }
        int leader = elected.get("node").asInt();
        long term = elected.at("/state/currentTerm").asLong();
        long lastOld = elected.at("/state/logLength").asLong() - 1;
        if (elected.at("/state/commitIndex").asLong() >= lastOld) {
          continue;
        }
        Map<Integer, Long> match = new HashMap<>();
        for (int k = b + 1; k < events.size(); k++) {
          ObjectNode event = events.get(k);
          if (event.get("node").asInt() != leader) {
            continue;
          }
          JsonNode state = event.get("state");
          if (!state.get("role").asText().equals("Leader") || state.get("currentTerm").asLong() != term
              || state.get("commitIndex").asLong() >= lastOld) {
            break;
          }
          JsonNode msg = event.get("msg");
          if (is(event, "HandleAppendEntriesResponse") && msg.get("success").asBoolean()
              && msg.get("term").asLong() == term) {
            match.merge(msg.get("from").asInt(), msg.get("matchIndex").asLong(), Math::max);
            long holdOld = 1 + match.values().stream().filter(m -> m >= lastOld).count();
            long holdNew = 1 + match.values().stream().filter(m -> m >= lastOld + 1).count();
            if (2 * holdOld > servers && 2 * holdNew <= servers) {
              ObjectNode commit = event.deepCopy();
              commit.put("event", "AdvanceCommitIndex");
              commit.remove("msg");
              ((ObjectNode) commit.get("state")).put("commitIndex", lastOld);
              return Optional.of(inserted(events, k + 1, commit));
            }
          }
        }
      }
      return Optional.empty();
    }
  },

  /** A node's term steps back by one while it times out. */
  TERM_GOES_BACKWARDS {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        if (is(event, "Timeout") && event.at("/state/currentTerm").asLong() >= 2) {
          ObjectNode edited = event.deepCopy();
          ((ObjectNode) edited.get("state")).put("currentTerm", event.at("/state/currentTerm").asLong() - 1);
          return Optional.of(replaced(events, k, edited));
        }
      }
      return Optional.empty();
    }
  },

  /** A leader appends a client command with the previous term instead of its own. */
  ENTRY_WITH_WRONG_TERM {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        if (is(event, "ClientRequest") && event.at("/state/currentTerm").asLong() >= 2) {
          ObjectNode edited = event.deepCopy();
          ((ObjectNode) edited.get("state")).put("lastLogTerm", event.at("/state/currentTerm").asLong() - 1);
          return Optional.of(replaced(events, k, edited));
        }
      }
      return Optional.empty();
    }
  },

  /** A leader's commit index drops by one while it sends a heartbeat. */
  COMMIT_INDEX_DECREASES {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        if (is(event, "SendHeartbeat") && event.at("/state/commitIndex").asLong() >= 1) {
          ObjectNode edited = event.deepCopy();
          ((ObjectNode) edited.get("state")).put("commitIndex", event.at("/state/commitIndex").asLong() - 1);
          return Optional.of(replaced(events, k, edited));
        }
      }
      return Optional.empty();
    }
  },

  /**
   * A follower's acknowledgement reaches the leader before the follower's write of those entries
   * completed: the leader's receipt of an acknowledgement the core held is moved to just before the
   * follower's PersistLog that released it (the acknowledgement was sent before its fsync).
   */
  ACK_BEFORE_WRITE {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int a = 0; a < events.size(); a++) {
        ObjectNode handled = events.get(a);
        JsonNode reply = handled.get("reply");
        if (!is(handled, "HandleAppendEntriesRequest") || !reply.get("success").asBoolean()
            || handled.at("/state/durableLength").asLong() >= reply.get("matchIndex").asLong()
            || mentions(events, reply) != 2) {
          continue; // not held, or the same acknowledgement also travels another way
        }
        int follower = handled.get("node").asInt();
        int released = -1;
        for (int k = a + 1; k < events.size() && released < 0; k++) {
          ObjectNode event = events.get(k);
          if (event.get("node").asInt() == follower && is(event, "PersistLog")
              && event.at("/state/durableLength").asLong() >= reply.get("matchIndex").asLong()) {
            released = k;
          }
        }
        for (int k = released + 1; released >= 0 && k < events.size(); k++) {
          if (is(events.get(k), "HandleAppendEntriesResponse") && events.get(k).get("msg").equals(reply)) {
            List<ObjectNode> edited = new ArrayList<>(events);
            ObjectNode receipt = edited.remove(k);
            edited.add(released, receipt);
            return Optional.of(new Edited(edited, released + 1));
          }
        }
      }
      return Optional.empty();
    }
  },

  /** A node applies one entry beyond its commit index. */
  APPLY_BEYOND_COMMIT {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        JsonNode state = event.get("state");
        if (is(event, "Apply") && state.get("durableLength").asLong() > state.get("commitIndex").asLong()) {
          ObjectNode edited = event.deepCopy();
          ((ObjectNode) edited.get("state")).put("appliedIndex", state.get("commitIndex").asLong() + 1);
          return Optional.of(replaced(events, k, edited));
        }
      }
      return Optional.empty();
    }
  },

  /**
   * A new leader, whose commit index still names an entry of an earlier term, starts a ReadIndex
   * round right after its election, before its no-op is committed (seed 003: its commit index may
   * lag what the previous leader committed).
   */
  READ_INDEX_BEFORE_OWN_TERM_COMMIT {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        if (is(event, "BecomeLeader") && event.at("/state/commitIndex").asLong() >= 1) {
          ObjectNode read = event.deepCopy();
          read.put("event", "ReadIndex");
          read.put("readId", 1);
          read.put("index", event.at("/state/commitIndex").asLong());
          return Optional.of(inserted(events, k + 1, read));
        }
      }
      return Optional.empty();
    }
  },

  /** A leader serves a read right after starting its round, before any peer answered it. */
  SERVE_READ_WITHOUT_QUORUM {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      if (servers(events) < 2) {
        return Optional.empty();
      }
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        if (is(event, "ReadIndex") && event.at("/state/appliedIndex").asLong() >= event.get("index").asLong()) {
          ObjectNode serve = event.deepCopy();
          serve.put("event", "ServeRead");
          serve.put("index", event.at("/state/appliedIndex").asLong());
          return Optional.of(inserted(events, k + 1, serve));
        }
      }
      return Optional.empty();
    }
  },

  /**
   * A leader sends TimeoutNow right after appending a client command, when no follower can hold
   * that entry yet: a target that is not caught up could win and lose the leader's entries.
   */
  TIMEOUT_NOW_TO_A_LAGGING_TARGET {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        if (is(event, "ClientRequest")) {
          int leader = event.get("node").asInt();
          ObjectNode send = event.deepCopy();
          send.put("event", "SendTimeoutNow");
          send.remove("value");
          ObjectNode msg = send.putObject("msg");
          msg.put("type", "TimeoutNow");
          msg.put("term", event.at("/state/currentTerm").asLong());
          msg.put("from", leader);
          msg.put("to", leader == 1 ? 2 : 1);
          return Optional.of(inserted(events, k + 1, send));
        }
      }
      return Optional.empty();
    }
  },

  /** A transfer target campaigns in its current term instead of the next one. */
  TIMEOUT_NOW_KEEPS_THE_TERM {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        if (is(event, "HandleTimeoutNow")) {
          ObjectNode edited = event.deepCopy();
          ((ObjectNode) edited.get("state")).put("currentTerm", event.at("/state/currentTerm").asLong() - 1);
          return Optional.of(replaced(events, k, edited));
        }
      }
      return Optional.empty();
    }
  },

  /** A node compacts its log one entry beyond what its state machine has applied. */
  SNAPSHOT_BEYOND_APPLIED {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        if (is(event, "TakeSnapshot")) {
          ObjectNode edited = event.deepCopy();
          ((ObjectNode) edited.get("state")).put("snapshotIndex", event.at("/state/appliedIndex").asLong() + 1);
          return Optional.of(replaced(events, k, edited));
        }
      }
      return Optional.empty();
    }
  },

  /** A leader sends a snapshot it does not hold (one entry short of its own). */
  SNAPSHOT_NOT_THE_LEADERS {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        if (is(event, "SendInstallSnapshot") && event.at("/msg/snapshotIndex").asLong() > 1) {
          ObjectNode edited = event.deepCopy();
          ((ObjectNode) edited.get("msg")).put("snapshotIndex", event.at("/msg/snapshotIndex").asLong() - 1);
          return Optional.of(replaced(events, k, edited));
        }
      }
      return Optional.empty();
    }
  },

  /** A follower installs a snapshot on a chunk that is not its last. */
  INSTALL_BEFORE_LAST_CHUNK {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        long index = event.at("/msg/snapshotIndex").asLong();
        if (is(event, "HandleInstallSnapshotRequest") && !event.at("/msg/done").asBoolean()
            && event.at("/msg/term").asLong() == event.at("/state/currentTerm").asLong()
            && event.at("/state/snapshotIndex").asLong() < index && event.at("/state/commitIndex").asLong() < index) {
          ObjectNode edited = event.deepCopy();
          ObjectNode state = (ObjectNode) edited.get("state");
          state.put("snapshotIndex", index);
          state.put("commitIndex", index);
          state.put("appliedIndex", index);
          return Optional.of(replaced(events, k, edited));
        }
      }
      return Optional.empty();
    }
  },

  /** A leader takes a snapshot answer as done that the follower sent as not done. */
  SNAPSHOT_ANSWER_NEVER_SENT {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        if (is(event, "HandleInstallSnapshotResponse") && !event.at("/msg/done").asBoolean()) {
          ObjectNode edited = event.deepCopy();
          ((ObjectNode) edited.get("msg")).put("done", true);
          return Optional.of(replaced(events, k, edited));
        }
      }
      return Optional.empty();
    }
  },

  /**
   * A leader promoting a learner j (entering C_old,new) instead replaces one of the other voters
   * by j in one step, without the joint phase: two voters change at once, and a quorum of the old
   * voters and one of the new need not intersect (thesis 4.3). Both the proposed configuration and
   * the leader's own (in force from append) are edited.
   */
  PROPOSE_CONFIG_SKIPS_JOINT_PHASE {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        if (!is(event, "ProposeConfig") || event.at("/config/outgoing").isEmpty()) {
          continue;
        }
        List<Integer> old = ids(event.at("/config/outgoing"));
        List<Integer> promoted = ids(event.at("/config/voters"));
        promoted.removeAll(old);
        int leader = event.get("node").asInt();
        Optional<Integer> replaced = old.stream().filter(id -> id != leader).findFirst();
        if (promoted.size() != 1 || replaced.isEmpty()) {
          continue; // a removal, or a cluster of the leader alone
        }
        List<Integer> voters = new ArrayList<>(old);
        voters.remove(replaced.get());
        voters.add(promoted.get(0));
        voters.sort(null);
        ObjectNode config = ((ObjectNode) event.get("config")).deepCopy();
        config.set("voters", ids(voters));
        config.putArray("outgoing");
        ObjectNode edited = event.deepCopy();
        edited.set("config", config);
        ((ObjectNode) edited.get("state")).set("config", config.deepCopy());
        return Optional.of(replaced(events, k, edited));
      }
      return Optional.empty();
    }
  },

  /**
   * A follower appends a CONFIG entry that changes its configuration, but its logged state keeps
   * the configuration it had before: a configuration is in force from the moment its entry is in
   * the log, committed or not (thesis 4.1), so the follower would count votes by the old one.
   */
  FOLLOWER_CONFIG_NOT_IN_FORCE_ON_APPEND {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      Map<Integer, JsonNode> configs = new HashMap<>();
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        JsonNode config = event.at("/state/config");
        int node = event.get("node").asInt();
        JsonNode before = configs.get(node);
        if (is(event, "HandleAppendEntriesRequest") && event.at("/reply/success").asBoolean()
            && before != null && !before.equals(config) && carries(event.at("/msg/entries"), config)) {
          ObjectNode edited = event.deepCopy();
          ((ObjectNode) edited.get("state")).set("config", before.deepCopy());
          return Optional.of(replaced(events, k, edited));
        }
        if (!config.isMissingNode()) {
          configs.put(node, config);
        }
      }
      return Optional.empty();
    }

    private boolean carries(JsonNode entries, JsonNode config) {
      for (JsonNode entry : entries) {
        if (config.equals(entry.get("config"))) {
          return true;
        }
      }
      return false;
    }
  },

  /**
   * A leader that has just entered C_old,new proposes leaving it at once, while the joint entry is
   * not committed: one change at a time, since two uncommitted changes could each be decided by a
   * quorum the other never agreed to. (The core leaves the joint configuration by itself once the
   * joint entry is committed; here the successor is the right one, only too early.)
   */
  PROPOSE_CONFIG_BEFORE_PREVIOUS_COMMITTED {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        if (!is(event, "ProposeConfig") || event.at("/config/outgoing").isEmpty()) {
          continue;
        }
        ObjectNode leave = event.deepCopy();
        ObjectNode config = (ObjectNode) leave.get("config");
        config.putArray("outgoing");
        ObjectNode state = (ObjectNode) leave.get("state");
        state.put("logLength", state.get("logLength").asLong() + 1);
        state.put("lastLogTerm", state.get("currentTerm").asLong());
        state.set("config", config.deepCopy());
        return Optional.of(inserted(events, k + 1, leave));
      }
      return Optional.empty();
    }
  },

  /**
   * A leader sends a snapshot whose configuration is not the one at the snapshot's index (a learner
   * or an outgoing half dropped, or a voter): the follower that installs it would take that
   * configuration as its own.
   */
  SNAPSHOT_WITH_ANOTHER_CONFIG {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        if (!is(event, "SendInstallSnapshot") || !event.get("msg").has("config")) {
          continue;
        }
        ObjectNode edited = event.deepCopy();
        ObjectNode config = (ObjectNode) edited.at("/msg/config");
        if (!config.get("outgoing").isEmpty()) {
          config.putArray("outgoing");
        } else if (!config.get("learners").isEmpty()) {
          config.putArray("learners");
        } else if (config.get("voters").size() > 1) {
          ((com.fasterxml.jackson.databind.node.ArrayNode) config.get("voters")).remove(0);
        } else {
          continue;
        }
        return Optional.of(replaced(events, k, edited));
      }
      return Optional.empty();
    }
  },

  /** A node reports durable more of its log than it holds. */
  PERSIST_BEYOND_LOG {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        if (is(event, "PersistLog")) {
          ObjectNode edited = event.deepCopy();
          ((ObjectNode) edited.get("state")).put("durableLength", event.at("/state/logLength").asLong() + 1);
          return Optional.of(replaced(events, k, edited));
        }
      }
      return Optional.empty();
    }
  },

  /**
   * A leader's RenewLease line is left out, and its next line, right after, logs the lease on the
   * new round: a lease the spec never gave it (rejected at that next line).
   */
  RENEW_LEASE_DROPPED {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k + 1 < events.size(); k++) {
        ObjectNode event = events.get(k);
        ObjectNode next = events.get(k + 1);
        if (is(event, "RenewLease") && ownLine(next, event.get("node").asInt())
            && next.at("/state/lease").asLong() == event.get(TraceFormat.READ_ID).asLong()) {
          List<ObjectNode> edited = new ArrayList<>(events);
          edited.remove(k);
          return Optional.of(new Edited(edited, k + 1));
        }
      }
      return Optional.empty();
    }
  },

  /** A lease read taken at an index other than the leader's commit index. */
  LEASE_READ_AT_ANOTHER_INDEX {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        if (is(event, "LeaseRead")) {
          ObjectNode edited = event.deepCopy();
          edited.put(TraceFormat.INDEX, event.get(TraceFormat.INDEX).asLong() + 1);
          return Optional.of(replaced(events, k, edited));
        }
      }
      return Optional.empty();
    }
  },

  /** A leader holding a lease logs a heartbeat with its lease gone. */
  LEASE_CHANGED_IN_STATE {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        if (is(event, "SendHeartbeat") && event.at("/state/lease").asLong() > 0) {
          ObjectNode edited = event.deepCopy();
          ((ObjectNode) edited.get("state")).put(TraceFormat.LEASE, 0);
          return Optional.of(replaced(events, k, edited));
        }
      }
      return Optional.empty();
    }
  },

  /**
   * Right after a leader rests its lease on round r, a follower whose promise to that leader's
   * term was renewed in round r or later says its promise ran out; the leader is up (it logs a
   * line of its own afterwards that is not a Restart), so the crash rule does not excuse it.
   */
  PROMISE_EXPIRES_UNDER_LEASE {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        if (!is(event, "RenewLease")) {
          continue;
        }
        int leader = event.get("node").asInt();
        long term = event.at("/state/currentTerm").asLong();
        long round = event.get(TraceFormat.READ_ID).asLong();
        ObjectNode after = nextOwnLine(events, k, leader);
        if (after == null || is(after, "Restart")) {
          continue;
        }
        for (int follower = 1; follower <= servers(events); follower++) {
          if (follower != leader && promisedRound(events, k, follower, term) >= round) {
            ObjectNode expire = ((ObjectNode) lastOwnLine(events, k, follower)).deepCopy();
            expire.retain("node", "state");
            ObjectNode line = expire.objectNode().put("event", "ExpirePromise");
            line.setAll(expire);
            return Optional.of(inserted(events, k + 1, line));
          }
        }
      }
      return Optional.empty();
    }
  },

  /**
   * A follower that rightly ignored a vote request while its promise held (the core's drop with
   * reason "lease promise") grants it instead: a request of a higher term from a candidate whose
   * log is up to date, so nothing but the promise forbids the vote.
   */
  VOTE_GRANTED_AGAINST_PROMISE {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        JsonNode msg = event.get("msg");
        if (!is(event, "DropMessage") || !event.path("reason").asText().startsWith("lease promise")
            || !msg.path("type").asText().equals("RequestVoteRequest") || msg.get("prevote").asBoolean()
            || msg.get("transfer").asBoolean()) {
          continue;
        }
        int node = event.get("node").asInt();
        JsonNode state = event.get("state");
        long term = state.get("currentTerm").asLong();
        boolean upToDate = msg.get("lastLogTerm").asLong() > state.get("lastLogTerm").asLong()
            || (msg.get("lastLogTerm").asLong() == state.get("lastLogTerm").asLong()
                && msg.get("lastLogIndex").asLong() >= state.get("logLength").asLong());
        if (msg.get("term").asLong() <= term || !upToDate || promisedTerm(events, k, node) == 0) {
          continue;
        }
        ObjectNode grant = event.deepCopy();
        grant.remove("reason");
        grant.put("event", "HandleRequestVoteRequest");
        ((ObjectNode) grant.get("state")).put("currentTerm", msg.get("term").asLong())
            .put("votedFor", msg.get("from").asInt()).put("role", "Follower").put(TraceFormat.LEASE, 0);
        grant.putObject("reply").put("type", "RequestVoteResponse").put("term", msg.get("term").asLong())
            .put("from", node).put("to", msg.get("from").asInt()).put("prevote", false).put("voteGranted", true);
        return Optional.of(replaced(events, k, grant));
      }
      return Optional.empty();
    }
  },

  /** A leader takes a read of its own for a follower's: it sends itself no ReadIndexRequest. */
  LEADER_FORWARDS_A_READ {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        if (is(event, "SendHeartbeat") && event.at("/state/role").asText().equals("Leader")) {
          ObjectNode forward = event.deepCopy();
          forward.put("event", "ForwardRead");
          ((ObjectNode) forward.get("msg")).retain("type", "term", "from", "to");
          ((ObjectNode) forward.get("msg")).put("type", "ReadIndexRequest").put(TraceFormat.CTX, 1_000_000);
          return Optional.of(inserted(events, k + 1, forward));
        }
      }
      return Optional.empty();
    }
  },

  /**
   * A leader begins a follower's read round one below its commit index: the read could miss a
   * write committed (and acknowledged to a client) before it began.
   */
  FORWARDED_ROUND_BELOW_COMMIT_INDEX {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        if (is(event, "HandleReadIndexRequest") && event.get(TraceFormat.INDEX).asLong() >= 1) {
          ObjectNode edited = event.deepCopy();
          edited.put(TraceFormat.INDEX, event.get(TraceFormat.INDEX).asLong() - 1);
          return Optional.of(replaced(events, k, edited));
        }
      }
      return Optional.empty();
    }
  },

  /** A leader answers a follower's read with an index one below its confirmed round's. */
  READ_INDEX_RESPONSE_BELOW_ROUND_INDEX {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        if (is(event, "SendReadIndexResponse") && event.at("/msg/index").asLong() >= 1) {
          ObjectNode edited = event.deepCopy();
          ((ObjectNode) edited.get("msg")).put(TraceFormat.INDEX, event.at("/msg/index").asLong() - 1);
          return Optional.of(replaced(events, k, edited));
        }
      }
      return Optional.empty();
    }
  },

  /**
   * A follower serves its forwarded read as soon as the leader's answer is sent, while its state
   * machine has not yet applied the answer's index: the line is moved there, with the follower's
   * state at that point and served at its applied index then.
   */
  FORWARDED_READ_SERVED_BEFORE_APPLIED {
    @Override
    Optional<Edited> apply(List<ObjectNode> events) {
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        if (!is(event, "HandleReadIndexResponse")) {
          continue;
        }
        int sent = sentAt(events, k, event.get("msg"));
        ObjectNode before = sent < 0 ? null : lastOwnLine(events, sent + 1, event.get("node").asInt());
        if (before == null || sent + 1 == k
            || before.at("/state/appliedIndex").asLong() >= event.at("/msg/index").asLong()) {
          continue;
        }
        ObjectNode early = event.deepCopy();
        early.set("state", before.get("state").deepCopy());
        early.put(TraceFormat.INDEX, before.at("/state/appliedIndex").asLong());
        List<ObjectNode> edited = new ArrayList<>(events);
        edited.remove(k);
        return Optional.of(inserted(edited, sent + 1, early));
      }
      return Optional.empty();
    }

    /** The line before {@code k} (0-based) that sent {@code msg}, or -1. */
    private int sentAt(List<ObjectNode> events, int k, JsonNode msg) {
      for (int m = k - 1; m >= 0; m--) {
        if (is(events.get(m), "SendReadIndexResponse") && msg.equals(events.get(m).get("msg"))) {
          return m;
        }
      }
      return -1;
    }
  };

  /** A line of {@code node}'s own: not a network step (DropMessage, DuplicateMessage name the destination). */
  private static boolean ownLine(ObjectNode event, int node) {
    return event.get("node").asInt() == node && !is(event, "DropMessage") && !is(event, "DuplicateMessage");
  }

  private static ObjectNode nextOwnLine(List<ObjectNode> events, int k, int node) {
    for (int m = k + 1; m < events.size(); m++) {
      if (ownLine(events.get(m), node)) {
        return events.get(m);
      }
    }
    return null;
  }

  private static ObjectNode lastOwnLine(List<ObjectNode> events, int k, int node) {
    for (int m = k - 1; m >= 0; m--) {
      if (ownLine(events.get(m), node)) {
        return events.get(m);
      }
    }
    return null;
  }

  /**
   * Whether a line is {@code node} hearing a leader of its term (the spec's HoldPromise): an
   * AppendEntries or snapshot request not of a stale term.
   */
  private static boolean heardLeader(ObjectNode event, int node) {
    return ownLine(event, node)
        && (is(event, "HandleAppendEntriesRequest") || is(event, "HandleInstallSnapshotRequest"))
        && event.at("/msg/term").asLong() == event.at("/state/currentTerm").asLong();
  }

  /**
   * The round of {@code node}'s promise to the leader of {@code term} before line {@code k}
   * (0-based), as the spec's HoldPromise keeps it: the largest readId heard from that term since
   * the node last heard another term or its promise ran out; -1 if it holds none to that term.
   */
  private static long promisedRound(List<ObjectNode> events, int k, int node, long term) {
    long round = -1;
    for (int m = k - 1; m >= 0; m--) {
      ObjectNode event = events.get(m);
      if (ownLine(event, node) && is(event, "ExpirePromise")) {
        break;
      }
      if (heardLeader(event, node)) {
        if (event.at("/msg/term").asLong() != term) {
          break;
        }
        round = Math.max(round, event.at("/msg/readId").asLong(0));
      }
    }
    return round;
  }

  /** The term of {@code node}'s promise before line {@code k} (0-based): 0 if none holds. */
  private static long promisedTerm(List<ObjectNode> events, int k, int node) {
    for (int m = k - 1; m >= 0; m--) {
      ObjectNode event = events.get(m);
      if (ownLine(event, node) && is(event, "ExpirePromise")) {
        return 0;
      }
      if (heardLeader(event, node)) {
        return event.at("/msg/term").asLong();
      }
    }
    return 0;
  }

  /** The edited trace and the 1-based index of the edited event (or the one after a removed event). */
  record Edited(List<ObjectNode> events, int index) {}

  abstract Optional<Edited> apply(List<ObjectNode> events);

  private static boolean is(ObjectNode event, String name) {
    return event.get("event").asText().equals(name);
  }

  /** Events whose msg or reply is {@code message}. */
  private static int mentions(List<ObjectNode> events, JsonNode message) {
    int count = 0;
    for (ObjectNode event : events) {
      if (message.equals(event.get("msg")) || message.equals(event.get("reply"))) {
        count++;
      }
    }
    return count;
  }

  private static List<Integer> ids(JsonNode array) {
    List<Integer> ids = new ArrayList<>();
    array.forEach(id -> ids.add(id.asInt()));
    return ids;
  }

  private static com.fasterxml.jackson.databind.node.ArrayNode ids(List<Integer> ids) {
    com.fasterxml.jackson.databind.node.ArrayNode array = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    ids.forEach(array::add);
    return array;
  }

  private static int servers(List<ObjectNode> events) {
    int max = 0;
    for (ObjectNode event : events) {
      max = Math.max(max, event.get("node").asInt());
    }
    return max;
  }

  private static Edited inserted(List<ObjectNode> events, int position, ObjectNode event) {
    List<ObjectNode> edited = new ArrayList<>(events);
    edited.add(position, event);
    return new Edited(edited, position + 1);
  }

  private static Edited replaced(List<ObjectNode> events, int position, ObjectNode event) {
    List<ObjectNode> edited = new ArrayList<>(events);
    edited.set(position, event);
    return new Edited(edited, position + 1);
  }
}
