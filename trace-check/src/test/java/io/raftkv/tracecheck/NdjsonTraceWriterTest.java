package io.raftkv.tracecheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftkv.cli.TraceWriterFactory;
import io.raftkv.core.Entry;
import io.raftkv.core.EntryType;
import io.raftkv.core.Membership;
import io.raftkv.core.Message.InstallSnapshotRequest;
import io.raftkv.core.Message.AppendEntriesRequest;
import io.raftkv.core.Message.AppendEntriesResponse;
import io.raftkv.core.Message.ReadIndexRequest;
import io.raftkv.core.Message.ReadIndexResponse;
import io.raftkv.core.Message.RequestVoteRequest;
import io.raftkv.core.Message.RequestVoteResponse;
import io.raftkv.core.NodeState;
import io.raftkv.core.RaftEvent;
import io.raftkv.core.Role;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tlc2.value.impl.IntValue;
import tlc2.value.impl.RecordValue;
import tlc2.value.impl.SetEnumValue;
import tlc2.value.impl.TupleValue;
import tlc2.value.impl.Value;
import tlc2.value.impl.StringValue;

/**
 * The writer's lines are the contract of spec/README.md: the field names, the role strings, the
 * entry values, and messages carrying exactly the spec record's fields (a missing or extra field
 * would make TLC's message comparison fail or multiply states). Written events are read back with
 * {@link Trace#read}, which also rejects malformed lines with the file and line.
 */
class NdjsonTraceWriterTest {

  @TempDir Path dir;

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final NodeState LEADER = new NodeState(3, 1, Role.LEADER, 2, 4, 3, 0);

  private static byte[] id(long value) {
    return ByteBuffer.allocate(8).putLong(value).array();
  }

  /**
   * A node's trace of a real cluster: the header names the node; each event carries the Lamport
   * clock's next tick and its input number, and is in the file, newline included, as soon as
   * on() returns (a SIGKILL right after loses nothing written); a payload that is not an id is a
   * digest, the same for the same payload; a clean close ends with {"closed":true}.
   */
  @Test
  void aNodeTraceStampsEachLineAndHandsItToTheFileAtOnce() throws IOException {
    Path file = dir.resolve("node-2.ndjson");
    long[] clock = {500};
    TraceWriterFactory.NodeTrace node = new TraceWriterFactory.NodeTrace(2, 3, true, 400, () -> ++clock[0]);
    byte[] payload = "put k v".getBytes(StandardCharsets.UTF_8);
    try (NdjsonTraceWriter writer = NdjsonTraceWriter.openNode(file, node)) {
      writer.on(new RaftEvent.Restart(2, new NodeState(0, 0, Role.FOLLOWER, 0, 0, 0, 0)));
      writer.nextInput();
      writer.on(new RaftEvent.ClientRequest(2, LEADER, Entry.command(5, 3, payload)));
      List<String> lines = Files.readAllLines(file);
      assertEquals(3, lines.size(), "header and both events are in the file before close");
      assertTrue(Files.readString(file).endsWith("\n"), "each line is written whole");
      JsonNode header = JSON.readTree(lines.get(0));
      assertEquals(2, header.get("node").asInt());
      assertEquals(400, header.get("startedMicros").asLong());
      JsonNode request = JSON.readTree(lines.get(2));
      assertEquals(502, request.get("lamport").asLong());
      assertEquals(1, request.get("input").asLong());
      String digest = request.get("value").asText();
      assertTrue(digest.matches("sha256:[0-9a-f]{32}"), digest);
      writer.on(new RaftEvent.ClientRequest(2, LEADER, Entry.command(6, 3, payload.clone())));
      assertEquals(digest, JSON.readTree(Files.readAllLines(file).get(3)).get("value").asText());
    }
    List<String> lines = Files.readAllLines(file);
    assertEquals("{\"closed\":true}", lines.get(lines.size() - 1));
  }

  @Test
  void aFailStoppedNodeTraceEndsSayingWhy() throws IOException {
    Path file = dir.resolve("node-1.ndjson");
    long[] clock = {0};
    TraceWriterFactory.NodeTrace node = new TraceWriterFactory.NodeTrace(1, 3, false, 0, () -> ++clock[0]);
    try (NdjsonTraceWriter writer = NdjsonTraceWriter.openNode(file, node)) {
      writer.on(new RaftEvent.Restart(1, new NodeState(0, 0, Role.FOLLOWER, 0, 0, 0, 0)));
      writer.failStopped("disk full");
    }
    List<String> lines = Files.readAllLines(file);
    assertEquals(3, lines.size());
    assertEquals("{\"failStop\":\"disk full\"}", lines.get(2));
  }

  @Test
  void writesTheTableFieldsAndReadsThemBack() throws IOException {
    Path file = dir.resolve("t.ndjson");
    AppendEntriesRequest request = new AppendEntriesRequest(1, 2, 3, 2, 2,
        List.of(Entry.noop(3, 3), Entry.command(4, 3, id(17))), 2);
    AppendEntriesResponse response = new AppendEntriesResponse(2, 1, 3, true, 4, 0, 0);
    try (NdjsonTraceWriter writer = NdjsonTraceWriter.open(file, new NdjsonTraceWriter.Header(3, true))) {
      writer.on(new RaftEvent.Timeout(2, new NodeState(2, 0, Role.PRE_CANDIDATE, 0, 0, 0, 0)));
      writer.on(new RaftEvent.SendAppendEntries(1, LEADER, request));
      writer.on(new RaftEvent.HandleAppendEntriesRequest(2, new NodeState(3, 0, Role.FOLLOWER, 2, 4, 3, 0), request, response));
      writer.on(new RaftEvent.ClientRequest(1, LEADER, Entry.command(5, 3, "not an id".getBytes(StandardCharsets.UTF_8))));
      writer.on(new RaftEvent.HandleRequestVoteRequest(3, new NodeState(4, 2, Role.FOLLOWER, 0, 0, 0, 0),
          new RequestVoteRequest(2, 3, 4, false, 0, 0), new RequestVoteResponse(3, 2, 4, false, true)));
      writer.on(new RaftEvent.DropMessage(response, LEADER, "loss"));
      writer.on(new RaftEvent.StepDown(1, new NodeState(3, 1, Role.FOLLOWER, 2, 4, 3, 0), "check quorum"));
    }
    Trace trace = Trace.read(file);
    assertEquals(3, trace.servers());
    assertTrue(trace.preVote());
    assertEquals(7, trace.size());
    assertEquals(2, trace.lineNumbers()[0], "line 1 is the header");

    ObjectNode timeout = trace.events().get(0);
    assertEquals(List.of("event", "node", "state"), names(timeout));
    assertEquals(List.of("currentTerm", "votedFor", "role", "commitIndex", "logLength", "lastLogTerm", "durableLength",
        "appliedIndex", "snapshotIndex", "lease"), names(timeout.get("state")));
    assertEquals("PreCandidate", timeout.at("/state/role").asText());

    JsonNode msg = trace.events().get(1).get("msg");
    assertEquals(List.of("type", "term", "from", "to", "prevLogIndex", "prevLogTerm", "entries", "commitIndex", "readId"),
        names(msg));
    assertEquals("AppendEntriesRequest", msg.get("type").asText());
    assertEquals(List.of("term", "value"), names(msg.get("entries").get(0)));
    assertEquals(0, msg.at("/entries/0/value").asLong(), "the no-op is value 0");
    assertEquals(17, msg.at("/entries/1/value").asLong(), "an 8-byte id is its own value");

    JsonNode reply = trace.events().get(2).get("reply");
    assertEquals(List.of("type", "term", "from", "to", "success", "matchIndex", "conflictTerm", "conflictIndex", "readId"),
        names(reply));

    long numbered = trace.events().get(3).get("value").asLong();
    assertTrue(numbered > TraceFormat.MAX_COMMAND_ID, "a payload that is not an id is numbered above the ids");

    JsonNode vote = trace.events().get(4);
    assertEquals(List.of("type", "term", "from", "to", "prevote", "lastLogIndex", "lastLogTerm", "transfer"),
        names(vote.get("msg")));
    assertEquals(List.of("type", "term", "from", "to", "prevote", "voteGranted"), names(vote.get("reply")));

    ObjectNode drop = trace.events().get(5);
    assertEquals(1, drop.get("node").asInt(), "a drop belongs to the message's destination");
    assertEquals("loss", drop.get("reason").asText());
    assertEquals("check quorum", trace.events().get(6).get("reason").asText());
  }

  /**
   * Leases: every state carries the node's lease; RenewLease its round, LeaseRead its round and
   * index (as ReadIndex and ServeRead), ExpireLease and ExpirePromise nothing more; the header says
   * whether the cluster runs lease reads, and a trace that does not say runs none.
   */
  @Test
  void writesTheLeaseEventsAndTheHeadersLeaseReads() throws IOException {
    Path file = dir.resolve("lease.ndjson");
    NodeState leased = new NodeState(3, 1, Role.LEADER, 2, 4, 3, 4, 2, 0, null, 7);
    NodeState given = new NodeState(3, 1, Role.LEADER, 2, 4, 3, 4, 2, 0, null, -1);
    NodeState follower = new NodeState(3, 1, Role.FOLLOWER, 2, 4, 3, 4, 2);
    try (NdjsonTraceWriter writer = NdjsonTraceWriter.open(file, new NdjsonTraceWriter.Header(3, true, null, true))) {
      writer.on(new RaftEvent.RenewLease(1, leased, 7));
      writer.on(new RaftEvent.LeaseRead(1, leased, 8, 2));
      writer.on(new RaftEvent.ExpireLease(1, LEADER));
      writer.on(new RaftEvent.ExpirePromise(2, follower));
      writer.on(new RaftEvent.SendTimeoutNow(1, given, new io.raftkv.core.Message.TimeoutNow(1, 2, 3)));
    }
    assertEquals("{\"servers\":3,\"preVote\":true,\"leaseReads\":true}", Files.readAllLines(file).get(0));
    Trace trace = Trace.read(file);
    assertTrue(trace.leaseReads());
    ObjectNode renew = trace.events().get(0);
    assertEquals(List.of("event", "node", "state", "readId"), names(renew));
    assertEquals(7, renew.get("readId").asLong());
    assertEquals(7, renew.at("/state/lease").asLong());
    ObjectNode read = trace.events().get(1);
    assertEquals(List.of("event", "node", "state", "readId", "index"), names(read));
    assertEquals(8, read.get("readId").asLong());
    assertEquals(2, read.get("index").asLong());
    assertEquals(List.of("event", "node", "state"), names(trace.events().get(2)));
    assertEquals(0, trace.events().get(2).at("/state/lease").asLong());
    assertEquals(List.of("event", "node", "state"), names(trace.events().get(3)));
    assertEquals(-1, trace.events().get(4).at("/state/lease").asLong(), "given up by a transfer");

    try (NdjsonTraceWriter writer = NdjsonTraceWriter.open(file, new NdjsonTraceWriter.Header(3, true))) {
      writer.on(new RaftEvent.ExpireLease(1, LEADER));
    }
    assertEquals("{\"servers\":3,\"preVote\":true,\"leaseReads\":false}", Files.readAllLines(file).get(0));
    assertFalse(Trace.read(file).leaseReads());
    Files.writeString(file, "{\"servers\":3,\"preVote\":true}\n" + Files.readAllLines(file).get(1) + "\n");
    assertFalse(Trace.read(file).leaseReads(), "a header written before leases: none");
    assertRejected("{\"servers\":3,\"leaseReads\":1}", "header's \"leaseReads\" must be true or false");
    String state = "\"state\":{\"currentTerm\":0,\"votedFor\":0,\"role\":\"Leader\",\"commitIndex\":0,\"logLength\":0,\"lastLogTerm\":0,\"durableLength\":0,\"appliedIndex\":0}";
    assertRejected("{\"event\":\"LeaseRead\",\"node\":1," + state + ",\"readId\":1}", ":1: LeaseRead lacks \"index\"");
    assertRejected("{\"event\":\"RenewLease\",\"node\":1," + state + "}", ":1: RenewLease lacks \"readId\"");
  }

  /**
   * Follower reads: the two messages with exactly the contract's fields (ctx, the core's name for
   * the read, included; the spec's ghost start is not logged), ForwardRead with its request,
   * HandleReadIndexRequest with the round's id and index, SendReadIndexResponse with the round's id,
   * HandleReadIndexResponse with the applied index served at; both readers turn them into records.
   */
  @Test
  void writesTheForwardedReadEventsAndReadsThemBack() throws IOException {
    Path file = dir.resolve("forward.ndjson");
    NodeState follower = new NodeState(3, 1, Role.FOLLOWER, 3, 4, 3, 4, 3);
    ReadIndexRequest request = new ReadIndexRequest(2, 1, 3, 123_456_789_012_345L); // a real node's: 64 bits
    ReadIndexResponse response = new ReadIndexResponse(1, 2, 3, request.ctx(), 2);
    try (NdjsonTraceWriter writer = NdjsonTraceWriter.open(file, new NdjsonTraceWriter.Header(3, true))) {
      writer.on(new RaftEvent.ForwardRead(2, follower, request));
      writer.on(new RaftEvent.HandleReadIndexRequest(1, LEADER, request, 5, 2));
      writer.on(new RaftEvent.SendReadIndexResponse(1, LEADER, response, 5));
      writer.on(new RaftEvent.HandleReadIndexResponse(2, follower, response, 3));
    }
    Trace trace = Trace.read(file);
    assertEquals(List.of("event", "node", "state", "msg"), names(trace.events().get(0)));
    assertEquals(List.of("type", "term", "from", "to", "ctx"), names(trace.events().get(0).get("msg")));
    assertEquals("{\"type\":\"ReadIndexRequest\",\"term\":3,\"from\":2,\"to\":1,\"ctx\":123456789012345}",
        trace.events().get(0).get("msg").toString());
    ObjectNode handled = trace.events().get(1);
    assertEquals(List.of("event", "node", "state", "msg", "readId", "index"), names(handled));
    assertEquals(5, handled.get("readId").asLong());
    assertEquals(2, handled.get("index").asLong());
    ObjectNode sent = trace.events().get(2);
    assertEquals(List.of("event", "node", "state", "msg", "readId"), names(sent));
    assertEquals("{\"type\":\"ReadIndexResponse\",\"term\":3,\"from\":1,\"to\":2,\"ctx\":123456789012345,\"index\":2}",
        sent.get("msg").toString());
    ObjectNode served = trace.events().get(3);
    assertEquals(List.of("event", "node", "state", "msg", "index"), names(served));
    assertEquals(3, served.get("index").asLong(), "served at the follower's applied index");

    RecordValue value = (RecordValue) TlaValues.of(sent);
    assertEquals(IntValue.gen(2), field(field(value, "msg"), "index"));
    assertEquals(IntValue.gen(5), field(value, "readId"));
    assertEquals(new StringValue("123456789012345"), field(field(value, "msg"), "ctx"), "a name, not a TLC integer");
    StringBuilder text = new StringBuilder();
    TlaText.append(text, sent.get("msg"));
    assertEquals("[type |-> \"ReadIndexResponse\", term |-> 3, from |-> 1, to |-> 2, ctx |-> \"123456789012345\", index |-> 2]",
        text.toString());

    String state = "\"state\":{\"currentTerm\":0,\"votedFor\":0,\"role\":\"Leader\",\"commitIndex\":0,\"logLength\":0,\"lastLogTerm\":0,\"durableLength\":0,\"appliedIndex\":0}";
    String msg = "\"msg\":{\"type\":\"ReadIndexRequest\",\"term\":1,\"from\":2,\"to\":1,\"ctx\":1}";
    assertRejected("{\"event\":\"ForwardRead\",\"node\":2," + state + "}", ":1: ForwardRead lacks \"msg\"");
    assertRejected("{\"event\":\"HandleReadIndexRequest\",\"node\":1," + state + "," + msg + ",\"readId\":1}",
        ":1: HandleReadIndexRequest lacks \"index\"");
    assertRejected("{\"event\":\"SendReadIndexResponse\",\"node\":1," + state + "," + msg + "}",
        ":1: SendReadIndexResponse lacks \"readId\"");
    assertRejected("{\"event\":\"HandleReadIndexResponse\",\"node\":2," + state + "," + msg + "}",
        ":1: HandleReadIndexResponse lacks \"index\"");
  }

  @Test
  void withoutHeaderTheServersAreTheLargestIdSeen() throws IOException {
    Path file = dir.resolve("t.ndjson");
    try (NdjsonTraceWriter writer = NdjsonTraceWriter.open(file)) {
      writer.on(new RaftEvent.HandleRequestVoteRequest(3, new NodeState(4, 5, Role.FOLLOWER, 0, 0, 0, 0),
          new RequestVoteRequest(5, 3, 4, false, 0, 0), new RequestVoteResponse(3, 5, 4, false, true)));
    }
    Trace trace = Trace.read(file);
    assertEquals(5, trace.servers());
    assertFalse(trace.preVote(), "a real vote without any pre-vote or Timeout: PreVote is off");
  }

  @Test
  void malformedLinesAreRejectedWithFileAndLine() throws IOException {
    String state = "\"state\":{\"currentTerm\":0,\"votedFor\":0,\"role\":\"Follower\",\"commitIndex\":0,\"logLength\":0,\"lastLogTerm\":0,\"durableLength\":0,\"appliedIndex\":0}";
    assertRejected("{\"event\":\"Timeout\",\"node\":1," + state + "}\n{\"event\":\"Nap\",\"node\":1," + state + "}",
        ":2: unknown event \"Nap\"");
    assertRejected("{\"event\":\"Timeout\",\"node\":1}", ":1: Timeout lacks \"state\"");
    assertRejected("{\"event\":\"SendHeartbeat\",\"node\":1," + state + "}", ":1: SendHeartbeat lacks \"msg\"");
    assertRejected("{\"event\":\"Timeout\",\"node\":0," + state + "}", ":1: \"node\" must be a server id >= 1");
    assertRejected("{\"event\":\"Timeout\",", ":1: not JSON");
    assertRejected("{\"servers\":1}\n{\"event\":\"Timeout\",\"node\":2," + state + "}", "header says 1 servers");
  }

  /** C_old,new of {1,2,3} -> {1,2,3,4} with learner 5: the three sets all nonempty. */
  private static final Membership JOINT = new Membership(List.of(4, 1, 2, 3), List.of(3, 2, 1), List.of(5));

  /**
   * Membership: a state carries the node's configuration when the core knows it (and nothing when
   * it does not: traces of states built outside the core keep their old form); ProposeConfig
   * carries the proposed one; a CONFIG entry in AppendEntries is [term, value 0, config] decoded
   * from its payload, beside a command entry that keeps exactly [term, value]; an
   * InstallSnapshotRequest carries its snapshot's configuration when it has one; the header lists
   * the initial voters.
   */
  @Test
  void writesConfigurationsWhereTheSpecHasThem() throws IOException {
    Path file = dir.resolve("m.ndjson");
    NodeState leader = new NodeState(3, 1, Role.LEADER, 2, 5, 3, 4, 2, 0, JOINT);
    Entry config = new Entry(5, 3, EntryType.CONFIG, JOINT.encode());
    AppendEntriesRequest request = new AppendEntriesRequest(1, 4, 3, 3, 3,
        List.of(Entry.command(4, 3, id(9)), config), 2);
    try (NdjsonTraceWriter writer = NdjsonTraceWriter.open(file, new NdjsonTraceWriter.Header(5, true, List.of(3, 1, 2)))) {
      writer.on(new RaftEvent.ProposeConfig(1, leader, JOINT));
      writer.on(new RaftEvent.SendAppendEntries(1, leader, request));
      writer.on(new RaftEvent.SendInstallSnapshot(1, leader,
          new InstallSnapshotRequest(1, 5, 3, 5, 3, 0, new byte[7], true, JOINT)));
      writer.on(new RaftEvent.SendInstallSnapshot(1, leader, new InstallSnapshotRequest(1, 5, 3, 2, 1, 0, new byte[7], true)));
      writer.on(new RaftEvent.Timeout(2, new NodeState(2, 0, Role.PRE_CANDIDATE, 0, 0, 0, 0)));
    }
    JsonNode header = JSON.readTree(Files.readAllLines(file).get(0));
    assertEquals("[1,2,3]", header.get("voters").toString(), "the header's voters, ascending");
    Trace trace = Trace.read(file);
    assertEquals(List.of(1, 2, 3), trace.voters());
    assertEquals(5, trace.servers());

    String configJson = "{\"voters\":[1,2,3,4],\"outgoing\":[1,2,3],\"learners\":[5]}";
    ObjectNode propose = trace.events().get(0);
    assertEquals(List.of("event", "node", "state", "config"), names(propose));
    assertEquals(configJson, propose.get("config").toString());
    assertEquals(configJson, propose.at("/state/config").toString());

    JsonNode entries = trace.events().get(1).at("/msg/entries");
    assertEquals("{\"term\":3,\"value\":9}", entries.get(0).toString(), "a command entry keeps its form");
    assertEquals("{\"term\":3,\"value\":0,\"config\":" + configJson + "}", entries.get(1).toString());

    JsonNode snapshot = trace.events().get(2).get("msg");
    assertEquals(List.of("type", "term", "from", "to", "snapshotIndex", "snapshotTerm", "offset", "bytes", "done", "config"),
        names(snapshot));
    assertEquals(configJson, snapshot.get("config").toString());
    assertFalse(trace.events().get(3).get("msg").has("config"), "a snapshot of the initial configuration has none");
    assertFalse(trace.events().get(4).get("state").has("config"), "a state without a known configuration has none");
  }

  /**
   * The initial voters without a header: those of the first configuration logged for a node with
   * an empty log and no snapshot (no CONFIG entry in force there, so it is the initial one); else
   * every server, as in traces written before membership changes.
   */
  @Test
  void withoutHeaderTheInitialVotersComeFromAnEmptyLogsConfiguration() throws IOException {
    Path file = dir.resolve("v.ndjson");
    Membership initial = Membership.initial(List.of(1, 2, 3));
    try (NdjsonTraceWriter writer = NdjsonTraceWriter.open(file)) {
      // A node with a log (its configuration may come from an entry) does not say: skipped.
      writer.on(new RaftEvent.ClientRequest(1, new NodeState(1, 1, Role.LEADER, 0, 2, 1, 1, 0, 0,
          Membership.initial(List.of(1, 2))), Entry.command(2, 1, id(3))));
      writer.on(new RaftEvent.Timeout(2, new NodeState(1, 0, Role.PRE_CANDIDATE, 0, 0, 0, 0, 0, 0, initial)));
      writer.on(new RaftEvent.Timeout(3, new NodeState(1, 0, Role.PRE_CANDIDATE, 0, 0, 0, 0, 0, 0,
          initial.withLearner(5))));
    }
    Trace trace = Trace.read(file);
    assertEquals(List.of(1, 2, 3), trace.voters());
    assertEquals(5, trace.servers(), "a learner named only in a configuration counts as a server");

    try (NdjsonTraceWriter writer = NdjsonTraceWriter.open(file)) {
      writer.on(new RaftEvent.Timeout(4, new NodeState(1, 0, Role.PRE_CANDIDATE, 0, 0, 0, 0)));
    }
    assertEquals(List.of(1, 2, 3, 4), Trace.read(file).voters(), "no configuration logged: every server");
  }

  /**
   * The arrays of a configuration are TLA+ sets, in both ways TLC can read a trace (the Java
   * override's values and the generated module's text), whatever their order in the line; every
   * other array stays a tuple.
   */
  @Test
  void configurationArraysAreSetsAndOtherArraysTuples() throws IOException {
    JsonNode line = JSON.readTree("{\"event\":\"SendAppendEntries\",\"config\":{\"voters\":[3,1,2],\"outgoing\":[],"
        + "\"learners\":[5]},\"msg\":{\"entries\":[{\"term\":1,\"value\":0,\"config\":{\"voters\":[2,1],"
        + "\"outgoing\":[1],\"learners\":[]}},{\"term\":1,\"value\":7}],\"ids\":[3,1]}}");

    RecordValue value = (RecordValue) TlaValues.of(line);
    RecordValue config = (RecordValue) field(value, "config");
    assertEquals(set(1, 2, 3), field(config, "voters"));
    assertEquals(set(), field(config, "outgoing"));
    assertEquals(set(5), field(config, "learners"));
    RecordValue msg = (RecordValue) field(value, "msg");
    TupleValue entries = (TupleValue) field(msg, "entries");
    assertEquals(2, entries.size(), "entries stay a tuple");
    RecordValue entryConfig = (RecordValue) field(((RecordValue) entries.elems[0]), "config");
    assertEquals(set(1, 2), field(entryConfig, "voters"), "sets nested in a tuple too");
    assertTrue(field(msg, "ids") instanceof TupleValue, "another key's array is a tuple");
    // TLC refuses to compare a set with a tuple: a config read as tuples would stop TLC, not match.
    assertTrue(field(config, "voters") instanceof SetEnumValue);

    StringBuilder text = new StringBuilder();
    TlaText.append(text, line);
    assertEquals("[event |-> \"SendAppendEntries\", config |-> [voters |-> {3, 1, 2}, outgoing |-> {}, learners |-> {5}],"
        + " msg |-> [entries |-> <<[term |-> 1, value |-> 0, config |-> [voters |-> {2, 1}, outgoing |-> {1},"
        + " learners |-> {}]], [term |-> 1, value |-> 7]>>, ids |-> <<3, 1>>]]", text.toString());
  }

  private static Value field(Value record, String name) {
    return ((RecordValue) record).select(new StringValue(name));
  }

  private static Value set(int... ids) {
    Value[] elements = new Value[ids.length];
    for (int k = 0; k < ids.length; k++) {
      elements[k] = IntValue.gen(ids[k]);
    }
    return new SetEnumValue(elements, false).normalize();
  }

  @Test
  void malformedConfigurationsAreRejected() throws IOException {
    String state = "\"state\":{\"currentTerm\":0,\"votedFor\":0,\"role\":\"Follower\",\"commitIndex\":0,\"logLength\":0,"
        + "\"lastLogTerm\":0,\"durableLength\":0,\"appliedIndex\":0";
    assertRejected("{\"event\":\"Timeout\",\"node\":1," + state
        + ",\"config\":{\"voters\":[1,1],\"outgoing\":[],\"learners\":[]}}}", "state.config.voters must be distinct");
    assertRejected("{\"event\":\"Timeout\",\"node\":1," + state + ",\"config\":{\"voters\":[1]}}}", "state.config must be");
    assertRejected("{\"event\":\"ProposeConfig\",\"node\":1," + state + "}}", "ProposeConfig lacks \"config\"");
    assertRejected("{\"servers\":3,\"voters\":[4]}", "header's \"voters\" must name some of the servers 1..3");
    assertRejected("{\"servers\":3,\"voters\":[]}", "header's \"voters\" must name some");
    assertRejected("{\"servers\":3,\"voters\":[1,\"2\"]}", "header's \"voters\" must be distinct server ids");
  }

  @Test
  void malformedDropLinesAreRejected() throws IOException {
    String drop = "{\"event\":\"DropUnreceived\",\"msgs\":";
    assertRejected(drop + "[]}", "DropUnreceived lacks a non-empty \"msgs\" array");
    assertRejected(drop + "[3]}", "msgs holds something that is no message: 3");
    assertRejected(drop + "[{\"type\":\"AppendEntriesRequest\",\"from\":0,\"to\":2}]}", "\"from\" must be a server id");
    assertRejected(drop + "[{\"from\":1,\"to\":2}]}", "msgs[] lacks \"type\"");
    assertRejected(drop + "[{\"type\":\"AppendEntriesRequest\",\"from\":1,\"to\":2,\"entries\":[{\"term\":1,"
        + "\"config\":{\"voters\":[2,2],\"outgoing\":[],\"learners\":[]}}]}]}", "msgs[].entries[].config.voters must be distinct");
  }

  private void assertRejected(String content, String expected) throws IOException {
    Path file = Files.writeString(dir.resolve("bad.ndjson"), content);
    Trace.TraceFormatException error = assertThrows(Trace.TraceFormatException.class, () -> Trace.read(file));
    assertTrue(error.getMessage().startsWith(file.toString()), error.getMessage());
    assertTrue(error.getMessage().contains(expected), error.getMessage());
    assertFalse(error.getMessage().isBlank());
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    Iterator<String> fields = object.fieldNames();
    fields.forEachRemaining(names::add);
    return names;
  }
}
