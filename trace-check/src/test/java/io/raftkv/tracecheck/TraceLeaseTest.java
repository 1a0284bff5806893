package io.raftkv.tracecheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leases in trace validation, on short traces written by hand (three servers, no PreVote, lease
 * reads on), each step as the core logs it: server 1 is elected, commits its no-op, confirms a
 * read round with server 2 and rests its lease on it (RenewLease), serves a read through the lease
 * (LeaseRead, ServeRead), renews the lease on a round confirmed by server 3, and then either lets
 * the lease run out (ExpireLease) or crashes holding it, after which server 3's promise runs out
 * (ExpirePromise), server 3 is elected in term 2 and server 1 restarts.
 *
 * <p>The traces are accepted, and so is the crash: the crashed leader logs no ExpireLease, so
 * TraceRaft ends its lease, unlogged, right before the ExpirePromise that it holds up, which it may
 * do only because the leader's next own line is its Restart. Each edit that makes a trace describe
 * a step the spec forbids is rejected at exactly that line: a lease read without a lease, a read
 * at an index other than the commit index, a promise that runs out while a leader that is up
 * still holds a lease on it (before that leader's ExpireLease, or before any later line of it:
 * the crash rule excuses only a leader that is down), a vote granted while a promise holds, and
 * lease events in a trace whose header says the cluster runs no lease reads.
 */
class TraceLeaseTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;

  /** The lines shared by every trace here: election, commit, leases on rounds 1 and 3. */
  private static List<ObjectNode> leased;

  /** The index (1-based) of the line where server 1 holds its lease on round 3, the last of {@link #leased}. */
  private static int leasedOnRound3;

  /** A lease read served, a renewed lease, a promise that runs out, the lease that runs out. */
  private static List<ObjectNode> expired;

  /** The leader crashes holding its lease; server 3 takes over in term 2; server 1 restarts. */
  private static List<ObjectNode> crashed;

  private static int crashedExpirePromise3;
  private static int crashedVoteOf2;

  @BeforeAll
  static void writeTheTraces() {
    Script s = new Script();
    // Server 1 elected in term 1 (no PreVote: straight to Candidate), its no-op committed.
    s.line("BecomeCandidate", 1, st -> st.put("currentTerm", 1).put("votedFor", 1).put("role", "Candidate"));
    ObjectNode vote12 = voteRequest(1, 1, 2, 0, 0);
    ObjectNode grant21 = voteResponse(1, 2, 1, true);
    s.line("HandleRequestVoteRequest", 2, st -> st.put("currentTerm", 1).put("votedFor", 1), "msg", vote12,
        "reply", grant21);
    s.line("HandleRequestVoteResponse", 1, st -> {}, "msg", grant21);
    s.line("BecomeLeader", 1, st -> st.put("role", "Leader").put("logLength", 1).put("lastLogTerm", 1));
    s.line("PersistLog", 1, st -> st.put("durableLength", 1));
    ObjectNode append12 = append(1, 1, 2, 0, 0, 1, 0, 0);
    ObjectNode ack21 = appendResponse(1, 2, 1, 1, 0);
    s.line("SendAppendEntries", 1, st -> {}, "msg", append12);
    // Held until server 2's write completes (the reply is logged, the spec holds it).
    s.line("HandleAppendEntriesRequest", 2, st -> st.put("logLength", 1).put("lastLogTerm", 1), "msg", append12,
        "reply", ack21);
    s.line("PersistLog", 2, st -> st.put("durableLength", 1));
    s.line("HandleAppendEntriesResponse", 1, st -> {}, "msg", ack21);
    s.line("AdvanceCommitIndex", 1, st -> st.put("commitIndex", 1));
    s.line("Apply", 1, st -> st.put("appliedIndex", 1));
    // Round 1, confirmed by server 2, which now promises (term 1, round 1): the lease rests on it.
    s.line("ReadIndex", 1, st -> {}, "readId", 1, "index", 1);
    ObjectNode beat12 = append(1, 1, 2, 1, 1, 0, 1, 1);
    ObjectNode beatAck21 = appendResponse(1, 2, 1, 1, 1);
    s.line("SendHeartbeat", 1, st -> {}, "msg", beat12);
    s.line("HandleAppendEntriesRequest", 2, st -> st.put("commitIndex", 1), "msg", beat12, "reply", beatAck21);
    s.line("HandleAppendEntriesResponse", 1, st -> {}, "msg", beatAck21);
    s.line("RenewLease", 1, st -> st.put("lease", 1), "readId", 1);
    s.line("ServeRead", 1, st -> {}, "readId", 1, "index", 1);
    // A read through the lease: no round of messages.
    s.line("LeaseRead", 1, st -> {}, "readId", 2, "index", 1);
    s.line("ServeRead", 1, st -> {}, "readId", 2, "index", 1);
    // Round 3, confirmed by server 3 (promise (1, 3)): the lease is renewed on it.
    s.line("ReadIndex", 1, st -> {}, "readId", 3, "index", 1);
    ObjectNode append13 = append(1, 1, 3, 0, 0, 1, 1, 3);
    ObjectNode ack31 = appendResponse(1, 3, 1, 1, 3);
    s.line("SendAppendEntries", 1, st -> {}, "msg", append13);
    s.line("HandleAppendEntriesRequest", 3, st -> st.put("currentTerm", 1).put("commitIndex", 1)
        .put("logLength", 1).put("lastLogTerm", 1), "msg", append13, "reply", ack31);
    s.line("PersistLog", 3, st -> st.put("durableLength", 1));
    s.line("HandleAppendEntriesResponse", 1, st -> {}, "msg", ack31);
    s.line("RenewLease", 1, st -> st.put("lease", 3), "readId", 3);
    s.line("ServeRead", 1, st -> {}, "readId", 3, "index", 1);
    leased = List.copyOf(s.events);
    leasedOnRound3 = leased.size();
    Map<Integer, ObjectNode> atLease = s.snapshot();

    // Server 2's promise is to round 1, older than the lease's round 3: it may run out. Then the
    // lease runs out, and then server 3's promise may too.
    s.line("ExpirePromise", 2, st -> {});
    s.line("ExpireLease", 1, st -> st.put("lease", 0));
    s.line("ExpirePromise", 3, st -> {});
    expired = List.copyOf(s.events);

    // Server 1 crashes holding its lease on round 3 (a crash is no line).
    s.restore(leased, atLease);
    s.line("ExpirePromise", 3, st -> {}); // held up by the crashed leader's lease
    crashedExpirePromise3 = s.events.size();
    s.line("ExpirePromise", 2, st -> {});
    s.line("BecomeCandidate", 3, st -> st.put("currentTerm", 2).put("votedFor", 3).put("role", "Candidate"));
    ObjectNode vote32 = voteRequest(2, 3, 2, 1, 1);
    ObjectNode grant23 = voteResponse(2, 2, 3, true);
    s.line("HandleRequestVoteRequest", 2, st -> st.put("currentTerm", 2).put("votedFor", 3), "msg", vote32,
        "reply", grant23);
    crashedVoteOf2 = s.events.size();
    s.line("HandleRequestVoteResponse", 3, st -> {}, "msg", grant23);
    s.line("BecomeLeader", 3, st -> st.put("role", "Leader").put("logLength", 2).put("lastLogTerm", 2));
    // Back from its disk: the lease, like every volatile thing, is gone.
    s.line("Restart", 1, st -> st.put("role", "Follower").put("appliedIndex", 0).put("lease", 0));
    crashed = List.copyOf(s.events);
  }

  @Test
  void leaseReadsRenewalsAndExpiriesAreBehavioursOfTheSpec() throws IOException, InterruptedException {
    assertEquals(List.of(2L, 1L, 1L, 2L), counts(expired, "RenewLease", "LeaseRead", "ExpireLease", "ExpirePromise"));
    // The crashed leader may also stay down to the end: no later line of it at all.
    List<TraceValidator.Verdict> verdicts = validator(true).validate(List.of(
        write("expired.ndjson", true, expired), write("crashed.ndjson", true, crashed),
        write("crashed-for-good.ndjson", true, crashed.subList(0, crashed.size() - 1))));
    assertEquals(3, verdicts.size());
    for (TraceValidator.Verdict verdict : verdicts) {
      assertTrue(verdict.ok(), () -> verdict.summary() + "\n" + String.join("\n", verdict.diagnosis()));
    }
  }

  @Test
  void aLeaseReadWithoutALeaseIsRejected() throws IOException, InterruptedException {
    // After the lease ran out.
    List<ObjectNode> after = new ArrayList<>(expired);
    after.add(event("LeaseRead", 1, last(expired, 1), "readId", 4, "index", 1));
    assertRejectedAt(after.size(), "lease-read-after-expiry.ndjson", after);
    // Before any lease: right after round 1 is confirmed, instead of RenewLease.
    int renew = indexOf(leased, "RenewLease", 1);
    List<ObjectNode> before = new ArrayList<>(leased.subList(0, renew - 1));
    before.add(event("LeaseRead", 1, before.get(renew - 2).get("state").deepCopy(), "readId", 2, "index", 1));
    assertRejectedAt(renew, "lease-read-before-lease.ndjson", before);
  }

  @Test
  void aLeaseReadAtAnotherIndexIsRejected() throws IOException, InterruptedException {
    int read = indexOf(leased, "LeaseRead", 1);
    List<ObjectNode> edited = new ArrayList<>(leased);
    ObjectNode wrong = edited.get(read - 1).deepCopy();
    wrong.put("index", 0);
    edited.set(read - 1, wrong);
    assertRejectedAt(read, "lease-read-index.ndjson", edited);
  }

  @Test
  void aPromiseThatRunsOutUnderTheLeaseOfALeaderThatIsUpIsRejected() throws IOException, InterruptedException {
    // Server 3's promise runs out before the leader's ExpireLease: the leader is up (its next line
    // is that ExpireLease), so the crash rule does not excuse it.
    List<ObjectNode> early = new ArrayList<>(expired);
    int expire = indexOf(early, "ExpireLease", 1);
    ObjectNode promise3 = early.remove(early.size() - 1);
    early.add(expire - 1, promise3);
    TraceValidator.Verdict verdict = assertRejectedAt(expire, "promise-before-lease.ndjson", early, true);
    String diagnosis = String.join("\n", verdict.diagnosis());
    assertTrue(diagnosis.contains("by the lease of {[") && diagnosis.contains("leader |-> 1")
        && diagnosis.contains("lease |-> 3")
        && diagnosis.contains("down |-> FALSE"), diagnosis);
    assertTrue(diagnosis.contains("is enabled: FALSE"), diagnosis);

    // The crashed trace, but server 1 logs a heartbeat after server 3's promise ran out and before
    // its Restart: it was up, holding its lease, when the promise ran out.
    List<ObjectNode> up = new ArrayList<>(crashed);
    ObjectNode beat = append(1, 1, 2, 1, 1, 0, 1, 3);
    up.add(crashedExpirePromise3, event("SendHeartbeat", 1, stateOf(leased, 1), "msg", beat));
    assertRejectedAt(crashedExpirePromise3, "promise-under-live-leader.ndjson", up);
  }

  @Test
  void aVoteGrantedWhileThePromiseHoldsIsRejected() throws IOException, InterruptedException {
    // Server 2's promise (to round 1 of term 1) never ran out: it may not vote for server 3.
    List<ObjectNode> edited = new ArrayList<>(crashed);
    int promise2 = indexOf(edited, "ExpirePromise", 2);
    edited.remove(promise2 - 1);
    assertRejectedAt(crashedVoteOf2 - 1, "vote-against-promise.ndjson", edited);
  }

  @Test
  void leaseEventsInATraceWithoutLeaseReadsAreRejected() throws IOException, InterruptedException {
    // LeaseReads = FALSE: no server promises anything and no leader may take a lease.
    TraceValidator.Verdict verdict = validator(false).validate(List.of(write("no-lease-reads.ndjson", false, expired))).get(0);
    assertFalse(verdict.ok());
    assertEquals(indexOf(expired, "RenewLease", 1), verdict.failedEvent(), verdict.summary());
  }

  // ------------------------------------------------------------------------------------------

  private static TraceValidator validator(boolean diagnose) {
    return new TraceValidator(TraceValidator.Options.defaults().withDiagnose(diagnose));
  }

  private TraceValidator.Verdict assertRejectedAt(int line, String name, List<ObjectNode> events)
      throws IOException, InterruptedException {
    return assertRejectedAt(line, name, events, false);
  }

  private TraceValidator.Verdict assertRejectedAt(int line, String name, List<ObjectNode> events, boolean diagnose)
      throws IOException, InterruptedException {
    TraceValidator.Verdict verdict = validator(diagnose).validate(List.of(write(name, true, events))).get(0);
    System.out.println(verdict.summary() + (diagnose ? "\n" + String.join("\n", verdict.diagnosis()) : ""));
    assertFalse(verdict.ok(), name + " was accepted");
    assertEquals(line, verdict.failedEvent(), name + ": " + verdict.summary()
        + (verdict.problem() == null ? "" : "\n" + verdict.problem()));
    assertEquals(SimTraces.JSON_LINE.apply(events.get(line - 1)), verdict.failedLine());
    return verdict;
  }

  private static Path write(String name, boolean leaseReads, List<ObjectNode> events) throws IOException {
    return SimTraces.write(dir.resolve(name), SimTraces.header(3, false, List.of(1, 2, 3), leaseReads), events);
  }

  /** The 1-based index of the first line of {@code event} by {@code node}. */
  private static int indexOf(List<ObjectNode> events, String event, int node) {
    for (int k = 0; k < events.size(); k++) {
      if (events.get(k).get("event").asText().equals(event) && events.get(k).get("node").asInt() == node) {
        return k + 1;
      }
    }
    throw new AssertionError("no " + event + " of node " + node);
  }

  private static List<Long> counts(List<ObjectNode> events, String... names) {
    List<Long> counts = new ArrayList<>();
    for (String name : names) {
      counts.add(events.stream().filter(e -> e.get("event").asText().equals(name)).count());
    }
    return counts;
  }

  /** The last state {@code node} logged in {@code events} (a copy). */
  private static ObjectNode last(List<ObjectNode> events, int node) {
    return stateOf(events, node);
  }

  private static ObjectNode stateOf(List<ObjectNode> events, int node) {
    for (int k = events.size() - 1; k >= 0; k--) {
      if (events.get(k).get("node").asInt() == node) {
        return events.get(k).get("state").deepCopy();
      }
    }
    throw new AssertionError("no line of node " + node);
  }

  private static ObjectNode event(String name, int node, ObjectNode state, Object... fields) {
    ObjectNode event = JSON.createObjectNode();
    event.put("event", name);
    event.put("node", node);
    event.set("state", state);
    for (int k = 0; k < fields.length; k += 2) {
      String field = (String) fields[k];
      Object value = fields[k + 1];
      if (value instanceof ObjectNode object) {
        event.set(field, object);
      } else {
        event.put(field, ((Number) value).longValue());
      }
    }
    return event;
  }

  // The spec's messages, with exactly its fields.

  private static ObjectNode message(String type, int term, int from, int to) {
    ObjectNode msg = JSON.createObjectNode();
    msg.put("type", type);
    msg.put("term", term);
    msg.put("from", from);
    msg.put("to", to);
    return msg;
  }

  private static ObjectNode voteRequest(int term, int from, int to, int lastLogIndex, int lastLogTerm) {
    return message("RequestVoteRequest", term, from, to).put("prevote", false).put("lastLogIndex", lastLogIndex)
        .put("lastLogTerm", lastLogTerm).put("transfer", false);
  }

  private static ObjectNode voteResponse(int term, int from, int to, boolean granted) {
    return message("RequestVoteResponse", term, from, to).put("prevote", false).put("voteGranted", granted);
  }

  /** An AppendEntries request carrying the no-ops of term 1 from prevLogIndex + 1 ({@code entries} of them). */
  private static ObjectNode append(int term, int from, int to, int prevLogIndex, int prevLogTerm, int entries,
      int commitIndex, int readId) {
    ObjectNode msg = message("AppendEntriesRequest", term, from, to).put("prevLogIndex", prevLogIndex)
        .put("prevLogTerm", prevLogTerm);
    ArrayNode list = msg.putArray("entries");
    for (int k = 0; k < entries; k++) {
      list.addObject().put("term", 1).put("value", 0);
    }
    return msg.put("commitIndex", commitIndex).put("readId", readId);
  }

  private static ObjectNode appendResponse(int term, int from, int to, int matchIndex, int readId) {
    return message("AppendEntriesResponse", term, from, to).put("success", true).put("matchIndex", matchIndex)
        .put("conflictTerm", 0).put("conflictIndex", 0).put("readId", readId);
  }

  /** Writes lines as the core does: each with the node's whole state after the step. */
  private static final class Script {
    final List<ObjectNode> events = new ArrayList<>();
    private Map<Integer, ObjectNode> states = new HashMap<>();

    ObjectNode state(int node) {
      return states.computeIfAbsent(node, id -> JSON.createObjectNode().put("currentTerm", 0).put("votedFor", 0)
          .put("role", "Follower").put("commitIndex", 0).put("logLength", 0).put("lastLogTerm", 0)
          .put("durableLength", 0).put("appliedIndex", 0).put("snapshotIndex", 0).put("lease", 0));
    }

    void line(String name, int node, Consumer<ObjectNode> change, Object... fields) {
      ObjectNode state = state(node).deepCopy();
      change.accept(state);
      states.put(node, state);
      events.add(event(name, node, state.deepCopy(), fields));
    }

    Map<Integer, ObjectNode> snapshot() {
      Map<Integer, ObjectNode> copy = new HashMap<>();
      states.forEach((node, state) -> copy.put(node, state.deepCopy()));
      return copy;
    }

    void restore(List<ObjectNode> lines, Map<Integer, ObjectNode> snapshot) {
      events.clear();
      events.addAll(lines);
      states = new HashMap<>();
      snapshot.forEach((node, state) -> states.put(node, state.deepCopy()));
    }
  }
}
