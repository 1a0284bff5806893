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
import io.raftkv.core.Message.AppendEntriesRequest;
import io.raftkv.core.Message.AppendEntriesResponse;
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
        "appliedIndex", "snapshotIndex"), names(timeout.get("state")));
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
