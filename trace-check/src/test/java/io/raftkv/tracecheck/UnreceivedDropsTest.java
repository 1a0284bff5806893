package io.raftkv.tracecheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The merge's DropUnreceived lines: placed after the last mention of what they drop, naming
 * messages as TraceRaft matches them, accepted by TLC inside a valid trace, and with teeth: a drop
 * of a message a later line receives makes TLC refuse that line.
 */
class UnreceivedDropsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aDropLineListsWhatNoLaterLineMentions() throws IOException {
    ObjectNode a = msg("{\"type\":\"AppendEntriesRequest\",\"term\":1,\"from\":1,\"to\":2,\"entries\":[]}");
    ObjectNode b = msg("{\"type\":\"AppendEntriesRequest\",\"term\":1,\"from\":1,\"to\":3,\"entries\":[]}");
    List<ObjectNode> events = List.of(line("SendAppendEntries", a), line("SendAppendEntries", b),
        line("Timeout", null), line("HandleAppendEntriesRequest", a), line("Timeout", null), line("Timeout", null),
        line("HandleAppendEntriesRequest", b), line("Timeout", null));
    List<ObjectNode> out = UnreceivedDrops.add(events, 3);
    // Before event 3 (0-based): nothing is behind its last mention. Before event 6: a (last at 3).
    assertEquals(events.size() + 1, out.size());
    ObjectNode drop = out.get(6);
    assertEquals(TraceFormat.DROP_UNRECEIVED, drop.get(TraceFormat.EVENT).asText());
    assertEquals(List.of(a), list(drop));
    assertEquals(events, out.stream().filter(e -> e != drop).toList());
  }

  @Test
  void messagesAreNamedAsTlcComparesThem() throws IOException {
    // Field order and the order of a configuration's sets do not matter; a tuple's order does.
    assertEquals(UnreceivedDrops.key(msg("{\"type\":\"AppendEntriesRequest\",\"term\":1,\"entries\":[{\"term\":1,"
            + "\"value\":2,\"config\":{\"voters\":[1,2],\"outgoing\":[],\"learners\":[]}}]}")),
        UnreceivedDrops.key(msg("{\"term\":1,\"type\":\"AppendEntriesRequest\",\"entries\":[{\"value\":2,\"term\":1,"
            + "\"config\":{\"learners\":[],\"voters\":[2,1],\"outgoing\":[]}}]}")));
    assertNotEquals(UnreceivedDrops.key(msg("{\"type\":\"AppendEntriesRequest\",\"entries\":[{\"term\":1},{\"term\":2}]}")),
        UnreceivedDrops.key(msg("{\"type\":\"AppendEntriesRequest\",\"entries\":[{\"term\":2},{\"term\":1}]}")));
    // Ghost-carrying types by their spec fields: ctx and nextOffset are no spec fields.
    assertEquals(UnreceivedDrops.key(msg("{\"type\":\"ReadIndexRequest\",\"term\":2,\"from\":1,\"to\":2,\"ctx\":7}")),
        UnreceivedDrops.key(msg("{\"type\":\"ReadIndexRequest\",\"term\":2,\"from\":1,\"to\":2,\"ctx\":9}")));
    assertNotEquals(UnreceivedDrops.key(msg("{\"type\":\"ReadIndexResponse\",\"term\":2,\"from\":1,\"to\":2,\"index\":3}")),
        UnreceivedDrops.key(msg("{\"type\":\"ReadIndexResponse\",\"term\":2,\"from\":1,\"to\":2,\"index\":4}")));
    assertEquals(UnreceivedDrops.key(msg("{\"type\":\"InstallSnapshotResponse\",\"term\":2,\"from\":1,\"to\":2,"
            + "\"snapshotIndex\":5,\"done\":false,\"nextOffset\":10}")),
        UnreceivedDrops.key(msg("{\"type\":\"InstallSnapshotResponse\",\"term\":2,\"from\":1,\"to\":2,"
            + "\"snapshotIndex\":5,\"done\":false,\"nextOffset\":20}")));
  }

  @Test
  void tlcAcceptsTheDropsAndRefusesADropOfAMessageReceivedLater() throws IOException, InterruptedException {
    SimTraces.Run run = SimTraces.run(1, SimTraces.OPTIONS, dir);
    List<ObjectNode> events = run.trace().events();
    List<ObjectNode> withDrops = UnreceivedDrops.add(events, 40);
    int added = withDrops.size() - events.size();
    assertTrue(added > 5, added + " drop lines");

    // The first receive of a message sent at least two lines before it: drop it just before.
    int receive = -1;
    for (int k = 2; k < events.size() && receive < 0; k++) {
      Object received = events.get(k).get("msg");
      if (events.get(k).path(TraceFormat.EVENT).asText().equals("HandleAppendEntriesRequest")
          && events.subList(0, k - 1).stream().anyMatch(e -> received.equals(e.get("msg")))) {
        receive = k;
      }
    }
    assertTrue(receive > 0, "the trace receives an AppendEntriesRequest");
    List<ObjectNode> corrupted = new ArrayList<>(events);
    ObjectNode drop = JSON.createObjectNode().put(TraceFormat.EVENT, TraceFormat.DROP_UNRECEIVED);
    drop.putArray(TraceFormat.MSGS).add(events.get(receive).get("msg").deepCopy());
    corrupted.add(receive, drop);

    TraceValidator validator = new TraceValidator(TraceValidator.Options.defaults().withDiagnose(false));
    List<TraceValidator.Verdict> verdicts = validator.validate(List.of(
        SimTraces.write(dir.resolve("drops.ndjson"), run.trace(), withDrops),
        SimTraces.write(dir.resolve("early-drop.ndjson"), run.trace(), corrupted)));
    assertTrue(verdicts.get(0).ok(), verdicts.get(0).summary());
    assertFalse(verdicts.get(1).ok(), "a drop of a message received later was accepted");
    assertEquals(receive + 2, verdicts.get(1).failedEvent(), verdicts.get(1).summary());
  }

  private static List<ObjectNode> list(ObjectNode drop) {
    List<ObjectNode> msgs = new ArrayList<>();
    drop.get(TraceFormat.MSGS).forEach(m -> msgs.add((ObjectNode) m));
    return msgs;
  }

  private static ObjectNode msg(String json) throws IOException {
    return (ObjectNode) JSON.readTree(json);
  }

  private static ObjectNode line(String event, ObjectNode msg) {
    ObjectNode line = JSON.createObjectNode().put(TraceFormat.EVENT, event).put("node", 1);
    if (msg != null) {
      line.set("msg", msg);
    }
    return line;
  }
}
