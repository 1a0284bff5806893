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
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * A trace read from an NDJSON file and checked for shape (not for meaning: that is TLC's job).
 *
 * @param file    where it was read from
 * @param servers the number of servers, ids 1..servers (from the header, else the largest id seen)
 * @param preVote whether elections start with a pre-vote round (the spec's PreVote): from the
 *                header, else TRUE when the trace has a Timeout or a pre-vote message, FALSE when
 *                it has an election (BecomeCandidate, a vote request) without those, TRUE when it
 *                has no election at all (then PreVote makes no difference)
 * @param leaseReads whether the servers run lease reads (the spec's LeaseReads): from the header,
 *                false when it does not say (traces written before leases; a trace without a header)
 * @param voters  the initial voters (the spec's InitVoters), ascending: from the header, else the
 *                voters of the first logged configuration of a node with an empty log and no
 *                snapshot (whose configuration is the initial one), else every server (a trace
 *                written before membership changes)
 * @param events  the event lines, parsed; event k (1-based) is {@code events.get(k - 1)}
 * @param lines   the event lines as logged, for messages
 * @param lineNumbers the file line of each event (1-based), for messages
 */
public record Trace(Path file, int servers, boolean preVote, boolean leaseReads, List<Integer> voters,
    List<ObjectNode> events, List<String> lines, int[] lineNumbers) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Fields every event of that name must have besides event, node and state. */
  private static final Map<String, List<String>> FIELDS = Map.ofEntries(
      Map.entry("Timeout", List.of()),
      Map.entry("BecomeCandidate", List.of()),
      Map.entry("BecomeLeader", List.of()),
      Map.entry("ClientRequest", List.of("value")),
      Map.entry("ProposeConfig", List.of(TraceFormat.CONFIG)),
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
      Map.entry("ReadIndex", List.of(TraceFormat.READ_ID, TraceFormat.INDEX)),
      Map.entry("ServeRead", List.of(TraceFormat.READ_ID, TraceFormat.INDEX)),
      Map.entry("RenewLease", List.of(TraceFormat.READ_ID)),
      Map.entry("ExpireLease", List.of()),
      Map.entry("ExpirePromise", List.of()),
      Map.entry("LeaseRead", List.of(TraceFormat.READ_ID, TraceFormat.INDEX)),
      Map.entry("ForwardRead", List.of("msg")),
      Map.entry("HandleReadIndexRequest", List.of("msg", TraceFormat.READ_ID, TraceFormat.INDEX)),
      Map.entry("SendReadIndexResponse", List.of("msg", TraceFormat.READ_ID)),
      Map.entry("HandleReadIndexResponse", List.of("msg", TraceFormat.INDEX)),
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
    Header header = null;
    List<Integer> initialVoters = null;
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
        ObjectNode object = parseLine(file, lineNumber, text);
        if (!object.has(TraceFormat.EVENT)) {
          if (!events.isEmpty() || header != null) {
            throw new TraceFormatException(file, lineNumber, "a line without \"event\" may only be the first (header)");
          }
          header = Header.read(file, lineNumber, object);
          continue;
        }
        maxId = Math.max(maxId, checkEvent(file, lineNumber, object));
        if (initialVoters == null && object.has("state")) {
          initialVoters = initialVoters(object.get("state"));
        }
        String name = object.get(TraceFormat.EVENT).asText();
        preVoteSeen |= name.equals("Timeout") || object.path("msg").path("prevote").asBoolean(false);
        candidateSeen |= name.equals("BecomeCandidate")
            || object.path("msg").path("type").asText().equals("RequestVoteRequest");
        events.add(object);
        lines.add(text);
        numbers.add(lineNumber);
      }
    }
    if (header != null && maxId > header.servers()) {
      throw new TraceFormatException(file, 1, "header says " + header.servers() + " servers but the trace names server " + maxId);
    }
    int servers = header != null ? header.servers() : Math.max(maxId, 1);
    boolean preVote = header != null && header.preVote() != null ? header.preVote() : preVoteSeen || !candidateSeen;
    List<Integer> voters = header != null && header.voters() != null ? header.voters()
        : initialVoters != null ? initialVoters
        : IntStream.rangeClosed(1, servers).boxed().toList();
    return new Trace(file, servers, preVote, header != null && header.leaseReads(), voters, List.copyOf(events),
        List.copyOf(lines), numbers.stream().mapToInt(Integer::intValue).toArray());
  }

  /** A header line's fields: preVote and voters null when absent. */
  private record Header(int servers, Boolean preVote, boolean leaseReads, List<Integer> voters) {
    static Header read(Path file, int lineNumber, ObjectNode object) {
      int servers = headerServers(file, lineNumber, object);
      return new Header(servers, headerPreVote(file, lineNumber, object), headerLeaseReads(file, lineNumber, object),
          headerVoters(file, lineNumber, object, servers));
    }
  }

  /** One line as a JSON object, or a {@link TraceFormatException} naming the line. */
  private static ObjectNode parseLine(Path file, int lineNumber, String text) {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new TraceFormatException(file, lineNumber, "not JSON: " + e.getOriginalMessage());
    }
    if (!(node instanceof ObjectNode object)) {
      throw new TraceFormatException(file, lineNumber, "not a JSON object");
    }
    return object;
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

  /** The header's lease reads: false when it does not say (a trace written before leases). */
  private static boolean headerLeaseReads(Path file, int lineNumber, ObjectNode header) {
    JsonNode leaseReads = header.get(TraceFormat.LEASE_READS);
    if (leaseReads == null) {
      return false;
    }
    if (!leaseReads.isBoolean()) {
      throw new TraceFormatException(file, lineNumber, "header's \"" + TraceFormat.LEASE_READS + "\" must be true or false");
    }
    return leaseReads.asBoolean();
  }

  /**
   * The header's initial voters, or null when it does not say: a nonempty array of distinct ids
   * among 1..servers, returned ascending.
   */
  private static List<Integer> headerVoters(Path file, int lineNumber, ObjectNode header, int servers) {
    JsonNode voters = header.get(TraceFormat.VOTERS);
    if (voters == null) {
      return null;
    }
    List<Integer> ids = ids(file, lineNumber, voters, "header's \"" + TraceFormat.VOTERS + "\"");
    if (ids.isEmpty() || ids.get(ids.size() - 1) > servers) {
      throw new TraceFormatException(file, lineNumber, "header's \"" + TraceFormat.VOTERS
          + "\" must name some of the servers 1.." + servers + ", got " + voters);
    }
    return ids;
  }

  /**
   * The initial voters a state shows, or null if it cannot: a node whose log is empty and that has
   * no snapshot is in the initial configuration (no CONFIG entry in force), so its logged
   * configuration's voters are InitVoters.
   */
  private static List<Integer> initialVoters(JsonNode state) {
    JsonNode config = state.get(TraceFormat.CONFIG);
    if (config == null || state.path("logLength").asLong(-1) != 0 || state.path("snapshotIndex").asLong(-1) != 0) {
      return null;
    }
    List<Integer> voters = new ArrayList<>();
    config.get(TraceFormat.VOTERS).forEach(id -> voters.add(id.asInt()));
    return List.copyOf(new TreeSet<>(voters));
  }

  /** Distinct server ids, ascending; a JSON array of anything else is malformed. */
  private static List<Integer> ids(Path file, int lineNumber, JsonNode array, String what) {
    if (array == null || !array.isArray()) {
      throw new TraceFormatException(file, lineNumber, what + " must be an array of server ids");
    }
    TreeSet<Integer> ids = new TreeSet<>();
    for (JsonNode id : array) {
      if (!id.canConvertToInt() || id.isFloatingPointNumber() || id.asInt() < 1 || !ids.add(id.asInt())) {
        throw new TraceFormatException(file, lineNumber, what + " must be distinct server ids >= 1, got " + array);
      }
    }
    return List.copyOf(ids);
  }

  /**
   * Checks a configuration's shape ({"voters": [..], "outgoing": [..], "learners": [..]}, each a
   * set of distinct ids, nothing else: the reader makes the arrays sets, so a duplicate would
   * otherwise vanish unseen); returns the largest id it names.
   */
  private static int checkConfig(Path file, int lineNumber, JsonNode config, String where) {
    if (config == null || !config.isObject() || config.size() != 3) {
      throw new TraceFormatException(file, lineNumber, where + " must be {\"voters\": [..], \"outgoing\": [..],"
          + " \"learners\": [..]}");
    }
    int maxId = 0;
    for (String key : List.of(TraceFormat.VOTERS, TraceFormat.OUTGOING, TraceFormat.LEARNERS)) {
      for (int id : ids(file, lineNumber, config.get(key), where + "." + key)) {
        maxId = Math.max(maxId, id);
      }
    }
    return maxId;
  }

  /** Checks one event's shape; returns the largest server id it names. */
  private static int checkEvent(Path file, int lineNumber, ObjectNode event) {
    String name = event.path(TraceFormat.EVENT).asText();
    if (name.equals(TraceFormat.DROP_UNRECEIVED)) {
      return checkDropUnreceived(file, lineNumber, event);
    }
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
    if (state.has(TraceFormat.CONFIG)) {
      maxId = Math.max(maxId, checkConfig(file, lineNumber, state.get(TraceFormat.CONFIG), "state.config"));
    }
    for (String field : fields) {
      JsonNode value = event.get(field);
      if (value == null) {
        throw new TraceFormatException(file, lineNumber, name + " lacks \"" + field + "\"");
      }
      if (field.equals(TraceFormat.CONFIG)) {
        maxId = Math.max(maxId, checkConfig(file, lineNumber, value, field));
      } else if (value.isObject()) {
        maxId = Math.max(maxId, checkMessage(file, lineNumber, value, field));
      }
    }
    return maxId;
  }

  /** A merge's DropUnreceived line: a non-empty array of messages, no node or state. */
  private static int checkDropUnreceived(Path file, int lineNumber, ObjectNode event) {
    JsonNode msgs = event.get(TraceFormat.MSGS);
    if (msgs == null || !msgs.isArray() || msgs.isEmpty()) {
      throw new TraceFormatException(file, lineNumber, TraceFormat.DROP_UNRECEIVED + " lacks a non-empty \"msgs\" array");
    }
    int maxId = 0;
    for (JsonNode msg : msgs) {
      if (!msg.isObject()) {
        throw new TraceFormatException(file, lineNumber, "msgs holds something that is no message: " + msg);
      }
      maxId = Math.max(maxId, checkMessage(file, lineNumber, msg, TraceFormat.MSGS + "[]"));
    }
    return maxId;
  }

  /** A message (an event's msg or reply, or one a drop line lists): sender, receiver, type, configurations. */
  private static int checkMessage(Path file, int lineNumber, JsonNode msg, String field) {
    int maxId = Math.max(positiveInt(file, lineNumber, msg, "from"), positiveInt(file, lineNumber, msg, "to"));
    if (!msg.path("type").isTextual()) {
      throw new TraceFormatException(file, lineNumber, field + " lacks \"type\"");
    }
    return Math.max(maxId, checkMessageConfigs(file, lineNumber, msg, field));
  }

  /** The configurations a message carries: its CONFIG entries', an InstallSnapshotRequest's. */
  private static int checkMessageConfigs(Path file, int lineNumber, JsonNode msg, String field) {
    int maxId = 0;
    if (msg.has(TraceFormat.CONFIG)) {
      maxId = checkConfig(file, lineNumber, msg.get(TraceFormat.CONFIG), field + ".config");
    }
    for (JsonNode entry : msg.path("entries")) {
      if (entry.has(TraceFormat.CONFIG)) {
        maxId = Math.max(maxId, checkConfig(file, lineNumber, entry.get(TraceFormat.CONFIG), field + ".entries[].config"));
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
