package io.raftkv.tracecheck;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A trace read from an NDJSON file and checked for shape (not for meaning: that is TLC's job).
 *
 * @param file    where it was read from
 * @param servers the number of servers, ids 1..servers (from the header, else the largest id seen)
 * @param preVote whether elections start with a pre-vote round (the spec's PreVote): from the
 *                header, else TRUE when the trace has a Timeout or a pre-vote message, FALSE when
 *                it has an election (BecomeCandidate, a vote request) without those, TRUE when it
 *                has no election at all (then PreVote makes no difference)
 * @param events  the event lines, parsed; event k (1-based) is {@code events.get(k - 1)}
 * @param lines   the event lines as logged, for messages
 * @param lineNumbers the file line of each event (1-based), for messages
 */
public record Trace(Path file, int servers, boolean preVote, List<ObjectNode> events, List<String> lines, int[] lineNumbers) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Fields every event of that name must have besides event, node and state. */
  private static final Map<String, List<String>> FIELDS = Map.ofEntries(
      Map.entry("Timeout", List.of()),
      Map.entry("BecomeCandidate", List.of()),
      Map.entry("BecomeLeader", List.of()),
      Map.entry("ClientRequest", List.of("value")),
      Map.entry("SendAppendEntries", List.of("msg")),
      Map.entry("SendHeartbeat", List.of("msg")),
      Map.entry("HandleAppendEntriesRequest", List.of("msg", "reply")),
      Map.entry("HandleAppendEntriesResponse", List.of("msg")),
      Map.entry("AdvanceCommitIndex", List.of()),
      Map.entry("HandleRequestVoteRequest", List.of("msg", "reply")),
      Map.entry("HandleRequestVoteResponse", List.of("msg")),
      Map.entry("StepDown", List.of()),
      Map.entry("PersistLog", List.of()),
      Map.entry("Restart", List.of()),
      Map.entry("Apply", List.of()),
      Map.entry("SendTimeoutNow", List.of("msg")),
      Map.entry("HandleTimeoutNow", List.of("msg")),
      Map.entry("ReadIndex", List.of("readId", "index")),
      Map.entry("ServeRead", List.of("readId", "index")),
      Map.entry("TakeSnapshot", List.of()),
      Map.entry("SendInstallSnapshot", List.of("msg")),
      Map.entry("HandleInstallSnapshotRequest", List.of("msg", "reply")),
      Map.entry("HandleInstallSnapshotResponse", List.of("msg")),
      Map.entry("DropMessage", List.of("msg")),
      Map.entry("DuplicateMessage", List.of("msg")));

  private static final List<String> STATE_FIELDS =
      List.of("currentTerm", "votedFor", "role", "commitIndex", "logLength", "lastLogTerm", "durableLength",
          "appliedIndex");

  public int size() {
    return events.size();
  }

  /** Event {@code k} (1-based) as logged. */
  public String line(int k) {
    return lines.get(k - 1);
  }

  /** Reads and shape-checks {@code file}; a malformed line is a {@link TraceFormatException}. */
  public static Trace read(Path file) throws IOException {
    List<ObjectNode> events = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    List<Integer> numbers = new ArrayList<>();
    int headerServers = 0;
    Boolean headerPreVote = null;
    boolean preVoteSeen = false;
    boolean candidateSeen = false;
    int maxId = 0;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String text;
      int lineNumber = 0;
      while ((text = reader.readLine()) != null) {
        lineNumber++;
        if (text.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
          throw new TraceFormatException(file, lineNumber, "not JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode object)) {
          throw new TraceFormatException(file, lineNumber, "not a JSON object");
        }
        if (!object.has(TraceFormat.EVENT)) {
          if (!events.isEmpty() || headerServers != 0) {
            throw new TraceFormatException(file, lineNumber, "a line without \"event\" may only be the first (header)");
          }
          headerServers = headerServers(file, lineNumber, object);
          headerPreVote = headerPreVote(file, lineNumber, object);
          continue;
        }
        maxId = Math.max(maxId, checkEvent(file, lineNumber, object));
        String name = object.get(TraceFormat.EVENT).asText();
        preVoteSeen |= name.equals("Timeout") || object.path("msg").path("prevote").asBoolean(false);
        candidateSeen |= name.equals("BecomeCandidate")
            || object.path("msg").path("type").asText().equals("RequestVoteRequest");
        events.add(object);
        lines.add(text);
        numbers.add(lineNumber);
      }
    }
    if (headerServers != 0 && maxId > headerServers) {
      throw new TraceFormatException(file, 1, "header says " + headerServers + " servers but the trace names server " + maxId);
    }
    int servers = headerServers != 0 ? headerServers : Math.max(maxId, 1);
    boolean preVote = headerPreVote != null ? headerPreVote : preVoteSeen || !candidateSeen;
    return new Trace(file, servers, preVote, List.copyOf(events), List.copyOf(lines),
        numbers.stream().mapToInt(Integer::intValue).toArray());
  }

  private static int headerServers(Path file, int lineNumber, ObjectNode header) {
    if (header.has(TraceFormat.NODE) && header.has(TraceFormat.STARTED_MICROS)) {
      throw new TraceFormatException(file, lineNumber, "one node's trace of a real cluster: check the run's"
          + " traces together with raftkv trace-check --cluster DIR");
    }
    JsonNode servers = header.get(TraceFormat.SERVERS);
    if (servers == null || !servers.canConvertToInt() || servers.asInt() < 1) {
      throw new TraceFormatException(file, lineNumber, "header needs \"servers\": a positive integer");
    }
    return servers.asInt();
  }

  /** The header's PreVote, or null when it does not say. */
  private static Boolean headerPreVote(Path file, int lineNumber, ObjectNode header) {
    JsonNode preVote = header.get(TraceFormat.PRE_VOTE);
    if (preVote == null) {
      return null;
    }
    if (!preVote.isBoolean()) {
      throw new TraceFormatException(file, lineNumber, "header's \"preVote\" must be true or false");
    }
    return preVote.asBoolean();
  }

  /** Checks one event's shape; returns the largest server id it names. */
  private static int checkEvent(Path file, int lineNumber, ObjectNode event) {
    String name = event.path(TraceFormat.EVENT).asText();
    List<String> fields = FIELDS.get(name);
    if (fields == null) {
      throw new TraceFormatException(file, lineNumber, "unknown event \"" + name + "\" (spec/README.md lists the events)");
    }
    int maxId = positiveInt(file, lineNumber, event, "node");
    JsonNode state = event.get("state");
    if (state == null || !state.isObject()) {
      throw new TraceFormatException(file, lineNumber, name + " lacks \"state\"");
    }
    for (String field : STATE_FIELDS) {
      if (!state.has(field)) {
        throw new TraceFormatException(file, lineNumber, "state lacks \"" + field + "\"");
      }
    }
    if (!state.has("snapshotIndex")) {
      ((ObjectNode) state).put("snapshotIndex", 0); // written before snapshots existed: none taken
    }
    for (String field : fields) {
      JsonNode value = event.get(field);
      if (value == null) {
        throw new TraceFormatException(file, lineNumber, name + " lacks \"" + field + "\"");
      }
      if (value.isObject()) {
        maxId = Math.max(maxId, positiveInt(file, lineNumber, value, "from"));
        maxId = Math.max(maxId, positiveInt(file, lineNumber, value, "to"));
        if (!value.path("type").isTextual()) {
          throw new TraceFormatException(file, lineNumber, field + " lacks \"type\"");
        }
      }
    }
    return maxId;
  }

  private static int positiveInt(Path file, int lineNumber, JsonNode object, String field) {
    JsonNode value = object.get(field);
    if (value == null || !value.canConvertToInt() || value.asInt() < 1) {
      throw new TraceFormatException(file, lineNumber, "\"" + field + "\" must be a server id >= 1");
    }
    return value.asInt();
  }

  /** A trace file that is not a trace: which file, which line, what is wrong. */
  public static final class TraceFormatException extends IllegalArgumentException {
    public TraceFormatException(Path file, int lineNumber, String problem) {
      super(file + ":" + lineNumber + ": " + problem);
    }
  }
}
