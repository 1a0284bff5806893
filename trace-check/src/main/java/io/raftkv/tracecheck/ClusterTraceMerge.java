package io.raftkv.tracecheck;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftkv.tracecheck.Trace.TraceFormatException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Merges the per-node traces of a real cluster's run into one trace the checker reads like a
 * simulator's (trace-check/README.md, "Traces of a real cluster", has the rule and why it is sound).
 *
 * <p>Each file is one incarnation of one node (TraceWriterFactory.openNode): a header with node,
 * servers, the initial voters, preVote, leaseReads (absent: false) and startedMicros; event lines with the node's clock stamp and input number;
 * {@code {"closed":true}} at the end after a clean stop ({@code {"failStop":...}} after the node
 * stopped on its own, which counts as a kill). The merge orders all events by
 * (lamport, node); gives every payload digest one number, by first appearance in that order; and
 * marks as optional the events of the last input of every incarnation that was killed and later
 * restarted (the spec may skip them: their writes may never have reached the disk).
 */
public final class ClusterTraceMerge {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One node trace file, read and checked. */
  record Incarnation(Path file, int node, int servers, List<Integer> voters, boolean preVote, boolean leaseReads,
      long startedMicros, List<ObjectNode> events, List<String> sources, boolean closed, boolean torn) {

    long firstLamport() {
      return events.get(0).get(TraceFormat.LAMPORT).asLong();
    }

    long lastLamport() {
      return events.get(events.size() - 1).get(TraceFormat.LAMPORT).asLong();
    }
  }

  /**
   * What a merge produced.
   *
   * @param merged       the merged trace file
   * @param files        node trace files read
   * @param nodes        distinct nodes among them
   * @param events       events in the merged trace
   * @param optional     events marked optional (last inputs of killed incarnations)
   * @param killed       incarnations that ended without a clean close and were restarted
   * @param tornLines    last lines cut mid-write by a kill, left out
   * @param dropLines    DropUnreceived lines added (messages no later line mentions, see UnreceivedDrops)
   */
  public record Result(Path merged, int files, int nodes, int events, int optional, int killed, int tornLines,
      int dropLines) {
    public String summary() {
      return String.format("merged %d node traces of %d nodes into %s: %d events, %d incarnations killed and"
          + " restarted (%d events of their last inputs optional), %d torn last lines left out, %d lines that"
          + " drop unreceived messages added", files, nodes, merged, events, killed, optional, tornLines, dropLines);
    }
  }

  private ClusterTraceMerge() {}

  /**
   * The node trace files of a run: {@code dir/traces/*.ndjson} if that directory exists (what
   * {@code raftkv cluster start --trace} writes), else {@code dir/*.ndjson}; files whose first line
   * is not a node trace's header (a merged trace, say) are not node traces and are skipped.
   */
  public static List<Path> nodeTraceFiles(Path dir) throws IOException {
    Path traces = Files.isDirectory(dir.resolve("traces")) ? dir.resolve("traces") : dir;
    if (!Files.isDirectory(traces)) {
      throw new IOException(dir + " is not a directory");
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> listing = Files.list(traces)) {
      for (Path file : listing.filter(f -> f.toString().endsWith(".ndjson")).sorted().toList()) {
        if (isNodeTrace(file)) {
          files.add(file);
        }
      }
    }
    if (files.isEmpty()) {
      throw new IOException("no node traces (*.ndjson with a node header) in " + traces
          + "; start the cluster with --trace");
    }
    return files;
  }

  private static boolean isNodeTrace(Path file) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = reader.readLine();
      if (first == null) {
        return false;
      }
      JsonNode header = JSON.readTree(first);
      return header.has(TraceFormat.NODE) && header.has(TraceFormat.STARTED_MICROS)
          && !header.has(TraceFormat.EVENT);
    } catch (JsonProcessingException notJson) {
      return false;
    }
  }

  /** Reads the node traces in {@code files}, merges them and writes the merged trace to {@code out}. */
  public static Result merge(List<Path> files, Path out) throws IOException {
    List<Incarnation> incarnations = new ArrayList<>();
    for (Path file : files) {
      incarnations.add(read(file));
    }
    checkSameCluster(incarnations);
    TreeMap<Integer, List<Incarnation>> byNode = new TreeMap<>();
    for (Incarnation incarnation : incarnations) {
      byNode.computeIfAbsent(incarnation.node(), node -> new ArrayList<>()).add(incarnation);
    }
    int killed = 0;
    int optional = 0;
    for (List<Incarnation> lives : byNode.values()) {
      lives.sort(Comparator.comparingLong(Incarnation::startedMicros));
      checkLives(lives);
      for (int k = 0; k + 1 < lives.size(); k++) {
        if (!lives.get(k).closed()) {
          killed++;
          optional += markLastInputOptional(lives.get(k));
        }
      }
    }
    List<ObjectNode> merged = order(incarnations);
    numberValues(merged);
    List<ObjectNode> withDrops = UnreceivedDrops.add(merged, UnreceivedDrops.EVERY);
    Incarnation any = incarnations.get(0);
    write(out, any.servers(), any.voters(), any.preVote(), any.leaseReads(), withDrops);
    int torn = (int) incarnations.stream().filter(Incarnation::torn).count();
    return new Result(out, files.size(), byNode.size(), merged.size(), optional, killed, torn,
        withDrops.size() - merged.size());
  }

  // ------------------------------------------------------------------------------------------
  // Reading one file

  static Incarnation read(Path file) throws IOException {
    boolean endsWithNewline = endsWithNewline(file);
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      throw new TraceFormatException(file, 1, "empty: not a node trace");
    }
    ObjectNode header = object(file, 1, lines.get(0));
    int node = intField(file, 1, header, TraceFormat.NODE);
    int servers = intField(file, 1, header, TraceFormat.SERVERS);
    JsonNode preVote = header.get(TraceFormat.PRE_VOTE);
    JsonNode started = header.get(TraceFormat.STARTED_MICROS);
    if (preVote == null || !preVote.isBoolean() || started == null || !started.canConvertToLong()) {
      throw new TraceFormatException(file, 1, "a node trace's header needs preVote (true/false) and startedMicros");
    }
    JsonNode leaseReads = header.get(TraceFormat.LEASE_READS); // absent in traces written before leases
    if (leaseReads != null && !leaseReads.isBoolean()) {
      throw new TraceFormatException(file, 1, "a node trace header's " + TraceFormat.LEASE_READS + " must be true or false");
    }
    List<Integer> voters = voters(file, header, servers);
    List<ObjectNode> events = new ArrayList<>();
    List<String> sources = new ArrayList<>();
    boolean closed = false;
    boolean ended = false;
    boolean torn = false;
    for (int k = 1; k < lines.size(); k++) {
      boolean last = k == lines.size() - 1;
      if (last && !endsWithNewline) {
        torn = true; // cut by a kill mid-write: the event's effects never left the process
        break;
      }
      if (ended) {
        throw new TraceFormatException(file, k + 1, "a line after the end ({\"closed\"} or {\"failStop\"})");
      }
      ObjectNode line = object(file, k + 1, lines.get(k));
      if (line.has(TraceFormat.CLOSED) || line.has(TraceFormat.FAIL_STOP)) {
        closed = line.has(TraceFormat.CLOSED); // a fail-stop is no clean close: its last write may have failed
        ended = true;
        continue;
      }
      checkEventLine(file, k + 1, line, node, events);
      events.add(line);
      sources.add(file.getFileName() + ":" + (k + 1));
    }
    return new Incarnation(file, node, servers, voters, preVote.asBoolean(),
        leaseReads != null && leaseReads.asBoolean(), started.asLong(), events, sources, closed, torn);
  }

  /**
   * A node trace header's initial voters: ascending distinct ids among 1..servers; absent (a trace
   * written before membership changes) means every server.
   */
  private static List<Integer> voters(Path file, JsonNode header, int servers) {
    JsonNode array = header.get(TraceFormat.VOTERS);
    if (array == null) {
      return java.util.stream.IntStream.rangeClosed(1, servers).boxed().toList();
    }
    List<Integer> voters = new ArrayList<>();
    for (JsonNode id : array.isArray() ? array : JSON.createArrayNode()) {
      if (!id.canConvertToInt() || id.asInt() < 1 || id.asInt() > servers
          || (!voters.isEmpty() && voters.get(voters.size() - 1) >= id.asInt())) {
        voters.clear();
        break;
      }
      voters.add(id.asInt());
    }
    if (voters.isEmpty()) {
      throw new TraceFormatException(file, 1, "\"" + TraceFormat.VOTERS + "\" must be ascending server ids among 1.."
          + servers + ", got " + array);
    }
    return List.copyOf(voters);
  }

  private static boolean endsWithNewline(Path file) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      if (raf.length() == 0) {
        return true;
      }
      raf.seek(raf.length() - 1);
      return raf.read() == '\n';
    }
  }

  private static ObjectNode object(Path file, int lineNumber, String text) {
    try {
      if (JSON.readTree(text) instanceof ObjectNode object) {
        return object;
      }
    } catch (JsonProcessingException e) {
      throw new TraceFormatException(file, lineNumber, "not JSON: " + e.getOriginalMessage());
    }
    throw new TraceFormatException(file, lineNumber, "not a JSON object");
  }

  private static int intField(Path file, int lineNumber, JsonNode object, String field) {
    JsonNode value = object.get(field);
    if (value == null || !value.canConvertToInt() || value.asInt() < 1) {
      throw new TraceFormatException(file, lineNumber, "\"" + field + "\" must be a positive integer");
    }
    return value.asInt();
  }

  private static void checkEventLine(Path file, int lineNumber, ObjectNode line, int node, List<ObjectNode> before) {
    if (!line.has(TraceFormat.EVENT) || line.path("node").asInt() != node) {
      throw new TraceFormatException(file, lineNumber, "not an event of node " + node);
    }
    JsonNode lamport = line.get(TraceFormat.LAMPORT);
    JsonNode input = line.get(TraceFormat.INPUT);
    if (lamport == null || !lamport.canConvertToLong() || input == null || !input.canConvertToLong()) {
      throw new TraceFormatException(file, lineNumber, "a node trace's event needs \"lamport\" and \"input\"");
    }
    if (!before.isEmpty()) {
      ObjectNode previous = before.get(before.size() - 1);
      if (lamport.asLong() <= previous.get(TraceFormat.LAMPORT).asLong()
          || input.asLong() < previous.get(TraceFormat.INPUT).asLong()) {
        throw new TraceFormatException(file, lineNumber, "the clock stamp or the input number goes backwards");
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Checks across files

  private static void checkSameCluster(List<Incarnation> incarnations) {
    Incarnation first = incarnations.get(0);
    for (Incarnation other : incarnations) {
      if (other.servers() != first.servers() || other.preVote() != first.preVote()
          || !other.voters().equals(first.voters()) || other.leaseReads() != first.leaseReads()) {
        throw new IllegalArgumentException(other.file() + " says " + other.servers() + " servers, voters "
            + other.voters() + ", preVote " + other.preVote() + ", leaseReads " + other.leaseReads() + "; "
            + first.file() + " says " + first.servers() + ", " + first.voters() + ", " + first.preVote() + ", "
            + first.leaseReads() + ": not traces of one cluster");
      }
      if (other.node() > first.servers()) {
        throw new IllegalArgumentException(other.file() + " is node " + other.node() + " of a cluster of "
            + first.servers());
      }
    }
  }

  /**
   * The incarnations of one node, in start order: the first starts from an empty disk (the traces
   * must cover the cluster from its birth: the spec starts there), each starts with Restart, and
   * each stamps above everything the one before stamped (else the merge could put a restarted
   * node's events before its earlier life's).
   */
  private static void checkLives(List<Incarnation> lives) {
    long previousLast = Long.MIN_VALUE;
    Path previousFile = null;
    for (Incarnation life : lives) {
      if (life.events().isEmpty()) {
        continue;
      }
      JsonNode first = life.events().get(0);
      if (!first.path(TraceFormat.EVENT).asText().equals("Restart")) {
        throw new IllegalArgumentException(life.sources().get(0) + ": a node's trace must start with Restart");
      }
      JsonNode state = first.path("state");
      if (previousFile == null && (state.path("currentTerm").asLong() != 0 || state.path("logLength").asLong() != 0)) {
        throw new IllegalArgumentException(life.sources().get(0) + ": node " + life.node() + "'s earliest trace"
            + " starts from a disk that already held term " + state.path("currentTerm") + " and "
            + state.path("logLength") + " entries; the traces must cover the cluster from its first start (a"
            + " fresh cluster directory with --trace)");
      }
      if (life.firstLamport() <= previousLast) {
        throw new IllegalArgumentException(life.file() + " starts at stamp " + life.firstLamport()
            + ", not above " + previousFile + "'s last " + previousLast
            + ": cannot order node " + life.node() + "'s incarnations");
      }
      previousLast = life.lastLamport();
      previousFile = life.file();
    }
  }

  /**
   * Marks the events of the last input of a killed (or fail-stopped) incarnation optional; returns
   * how many.
   */
  private static int markLastInputOptional(Incarnation life) {
    if (life.events().isEmpty()) {
      return 0;
    }
    long lastInput = life.events().get(life.events().size() - 1).get(TraceFormat.INPUT).asLong();
    int marked = 0;
    for (ObjectNode event : life.events()) {
      if (event.get(TraceFormat.INPUT).asLong() == lastInput && !event.path(TraceFormat.EVENT).asText()
          .equals("Restart")) {
        event.put(TraceFormat.OPTIONAL, true);
        marked++;
      }
    }
    return marked;
  }

  // ------------------------------------------------------------------------------------------
  // Merging

  /** All events by (lamport, node), each with where it came from instead of its clock and input. */
  private static List<ObjectNode> order(List<Incarnation> incarnations) {
    record Stamped(long lamport, int node, ObjectNode event) {}
    List<Stamped> all = new ArrayList<>();
    for (Incarnation life : incarnations) {
      for (int k = 0; k < life.events().size(); k++) {
        ObjectNode event = life.events().get(k);
        long lamport = event.get(TraceFormat.LAMPORT).asLong();
        event.remove(TraceFormat.LAMPORT);
        event.remove(TraceFormat.INPUT);
        event.put(TraceFormat.AT, life.sources().get(k));
        all.add(new Stamped(lamport, life.node(), event));
      }
    }
    all.sort(Comparator.comparingLong(Stamped::lamport).thenComparingInt(Stamped::node));
    return all.stream().map(Stamped::event).toList();
  }

  /** Gives each payload digest a number above the command ids, by first appearance. */
  private static void numberValues(List<ObjectNode> events) {
    Map<String, Long> numbers = new HashMap<>();
    for (ObjectNode event : events) {
      number(event, "value", numbers);
      for (String field : List.of("msg", "reply")) {
        if (event.get(field) instanceof ObjectNode message && message.get("entries") instanceof ArrayNode entries) {
          for (JsonNode entry : entries) {
            number((ObjectNode) entry, "value", numbers);
          }
        }
      }
    }
    if (TraceFormat.MAX_COMMAND_ID + numbers.size() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(numbers.size() + " distinct commands: more than TLC's integers can number");
    }
  }

  private static void number(ObjectNode holder, String field, Map<String, Long> numbers) {
    JsonNode value = holder.get(field);
    if (value == null || !value.isTextual()) {
      return;
    }
    String digest = value.asText();
    if (!digest.startsWith(TraceFormat.DIGEST_PREFIX)) {
      throw new IllegalArgumentException(holder.path(TraceFormat.AT).asText("a trace") + ": value " + value
          + " is neither a number nor a payload digest");
    }
    holder.put(field, numbers.computeIfAbsent(digest, d -> TraceFormat.MAX_COMMAND_ID + 1 + numbers.size()));
  }

  private static void write(Path out, int servers, List<Integer> voters, boolean preVote, boolean leaseReads,
      List<ObjectNode> events) throws IOException {
    try (BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      ObjectNode header = JSON.createObjectNode();
      header.put(TraceFormat.SERVERS, servers);
      header.put(TraceFormat.PRE_VOTE, preVote);
      voters.forEach(header.putArray(TraceFormat.VOTERS)::add);
      header.put(TraceFormat.LEASE_READS, leaseReads);
      writer.write(JSON.writeValueAsString(header));
      writer.newLine();
      for (ObjectNode event : events) {
        writer.write(JSON.writeValueAsString(event));
        writer.newLine();
      }
    }
  }
}
