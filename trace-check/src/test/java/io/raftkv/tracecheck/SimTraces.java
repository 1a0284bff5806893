package io.raftkv.tracecheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftkv.sim.Fault;
import io.raftkv.sim.Simulation;
import io.raftkv.sim.SimulationOptions;
import io.raftkv.sim.SimulationResult;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** Simulator runs written as NDJSON traces, and what a trace contains, for the tests. */
final class SimTraces {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** An event as the trace file holds it (one line). */
  static final java.util.function.Function<JsonNode, String> JSON_LINE = event -> {
    try {
      return JSON.writeValueAsString(event);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  };

  /**
   * Every fault but a full disk, phases short enough that a trace has hundreds to a few thousand
   * events. A full disk is left out because a node that fail-stops on a failed synchronous write
   * has already emitted the term or vote change that never reached its disk, and its Restart then
   * shows the older state, which the spec's Restart (term and vote are written synchronously)
   * rejects. Marking that input's events optional (as the merge of real-cluster traces does) is not
   * enough here: the simulator's DropMessage and DuplicateMessage lines for a node that is down
   * carry the last state it emitted, which then is the uncertain one, and TraceRaft compares it
   * (seed 69 with these options shows it). Those lines would need to say that the destination is
   * down and its state unknown.
   */
  static final SimulationOptions OPTIONS = SimulationOptions.defaults().withSafetyTicks(150).withLivenessTicks(100)
      .withFaults(everyFaultButFullDisk());

  private static java.util.EnumSet<Fault> everyFaultButFullDisk() {
    java.util.EnumSet<Fault> faults = Fault.all();
    faults.remove(Fault.DISK_FULL);
    return faults;
  }

  private SimTraces() {}

  /** A simulated seed and its trace. */
  record Run(long seed, SimulationResult result, Path file, Trace trace, Facts facts) {}

  /**
   * Runs {@code seed} and writes its trace, starting with the header that names the seed's cluster
   * (servers, PreVote, initial voters), which the seed draws: known once the run is over, so the
   * events are held in memory and written after the header.
   */
  static Run run(long seed, SimulationOptions options, Path dir) {
    Path file = dir.resolve("seed" + seed + ".ndjson");
    try {
      ByteArrayOutputStream events = new ByteArrayOutputStream();
      SimulationResult result;
      try (NdjsonTraceWriter writer = new NdjsonTraceWriter(events, (NdjsonTraceWriter.Header) null)) {
        result = Simulation.run(seed, options, writer);
      }
      try (OutputStream out = Files.newOutputStream(file)) {
        new NdjsonTraceWriter(out, header(seed, options)).close(); // the header line alone
      }
      Files.write(file, events.toByteArray(), java.nio.file.StandardOpenOption.APPEND);
      Trace trace = Trace.read(file);
      return new Run(seed, result, file, trace, Facts.of(trace));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What the simulator draws for a seed: its servers (spares included), PreVote, initial voters and
   * whether it runs lease reads.
   */
  static NdjsonTraceWriter.Header header(long seed, SimulationOptions options) {
    Simulation.ClusterShape shape = Simulation.shape(seed, options);
    return new NdjsonTraceWriter.Header(shape.servers(), shape.preVote(), shape.initialVoters(), shape.leaseReads());
  }

  /** {@code run}'s trace read without its header: what the checker infers from the events alone. */
  static Trace inferred(Run run, Path dir) throws IOException {
    Path file = dir.resolve("seed" + run.seed() + "-headerless.ndjson");
    return Trace.read(write(file, (ObjectNode) null, run.trace().events()));
  }

  /**
   * Writes {@code events} as a trace file (the corrupted traces), after the header of
   * {@code like} (the trace they were made from) unless it is null.
   */
  static Path write(Path file, Trace like, List<ObjectNode> events) throws IOException {
    return write(file, like == null ? null : header(like.servers(), like.preVote(), like.voters(), like.leaseReads()),
        events);
  }

  /** A trace header line: the cluster's size, PreVote, the initial voters and lease reads. */
  static ObjectNode header(int servers, boolean preVote, List<Integer> voters, boolean leaseReads) {
    ObjectNode header = JSON.createObjectNode();
    header.put(TraceFormat.SERVERS, servers);
    header.put(TraceFormat.PRE_VOTE, preVote);
    voters.forEach(header.putArray(TraceFormat.VOTERS)::add);
    header.put(TraceFormat.LEASE_READS, leaseReads);
    return header;
  }

  /** Writes {@code events} to {@code file}, after {@code header} unless it is null. */
  static Path write(Path file, ObjectNode header, List<ObjectNode> events) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      if (header != null) {
        out.write(JSON.writeValueAsString(header));
        out.write('\n');
      }
      for (ObjectNode event : events) {
        out.write(JSON.writeValueAsString(event));
        out.write('\n');
      }
    }
    return file;
  }

  /**
   * The faults a trace shows: restarts after crashes, messages lost to a partition or to the
   * network, duplications, and reordering (a message handled after one sent later on the same
   * link; only messages whose send is logged, i.e. not the vote requests of a broadcast); and the
   * asynchronous persistence: acknowledgements held until their write completed, and restarts that
   * came back with a shorter log than the node had (a crash lost writes not yet fsynced); the
   * configuration changes leaders proposed (ProposeConfig); and the lease events, among them the
   * ExpirePromise lines logged while a leader that is down (its next own line is a Restart, or it
   * has none) last logged a lease: those TraceRaft may read as that leader's unlogged ExpireLease
   * first.
   */
  record Facts(int restarts, int partitionDrops, int losses, int duplicates, int reorderings, int heldAcks,
      int lostTails, int configChanges, int renewLeases, int leaseReads, int expireLeases, int expirePromises,
      int promisesUnderCrashedLeases, FollowerReads followerReads) {

    boolean hasEveryFault() {
      return restarts > 0 && partitionDrops > 0 && losses > 0 && duplicates > 0 && reorderings > 0
          && heldAcks > 0;
    }

    static Facts of(Trace trace) {
      int restarts = 0;
      int partitionDrops = 0;
      int losses = 0;
      int duplicates = 0;
      int reorderings = 0;
      Map<String, Deque<Long>> sent = new HashMap<>();
      Map<String, Long> lastHandled = new HashMap<>();
      long sequence = 0;
      int heldAcks = 0;
      int lostTails = 0;
      int configChanges = 0;
      int renewLeases = 0;
      int leaseReads = 0;
      int expireLeases = 0;
      int expirePromises = 0;
      int promisesUnderCrashedLeases = 0;
      Map<Integer, Long> logLength = new HashMap<>();
      Map<Integer, Long> lease = new HashMap<>();
      List<ObjectNode> events = trace.events();
      for (int k = 0; k < events.size(); k++) {
        ObjectNode event = events.get(k);
        String name = event.get("event").asText();
        int node = event.get("node").asInt();
        long length = event.at("/state/logLength").asLong();
        if (name.equals("Restart") && length < logLength.getOrDefault(node, 0L)) {
          lostTails++;
        }
        if (name.equals("HandleAppendEntriesRequest") && event.at("/reply/success").asBoolean()
            && event.at("/state/durableLength").asLong() < event.at("/reply/matchIndex").asLong()) {
          heldAcks++;
        }
        if (!name.equals("DropMessage") && !name.equals("DuplicateMessage")) {
          logLength.put(node, length);
          lease.put(node, event.at("/state/lease").asLong());
        }
        if (name.equals("ExpirePromise")) {
          for (Map.Entry<Integer, Long> held : lease.entrySet()) {
            if (held.getKey() != node && held.getValue() > 0 && downAfter(events, k, held.getKey())) {
              promisesUnderCrashedLeases++;
            }
          }
        }
        switch (name) {
          case "Restart" -> restarts++;
          case "ProposeConfig" -> configChanges++;
          case "RenewLease" -> renewLeases++;
          case "LeaseRead" -> leaseReads++;
          case "ExpireLease" -> expireLeases++;
          case "ExpirePromise" -> expirePromises++;
          case "DuplicateMessage" -> duplicates++;
          case "DropMessage" -> {
            String reason = event.path("reason").asText();
            partitionDrops += reason.contains("partition") ? 1 : 0;
            losses += reason.equals("lost") ? 1 : 0;
          }
          default -> {}
        }
        JsonNode msg = event.get("msg");
        if (name.startsWith("Send")) {
          sent.computeIfAbsent(msg.toString(), key -> new ArrayDeque<>()).add(++sequence);
        }
        JsonNode reply = event.get("reply");
        if (reply != null) {
          sent.computeIfAbsent(reply.toString(), key -> new ArrayDeque<>()).add(++sequence);
        }
        if (name.startsWith("Handle")) {
          Deque<Long> copies = sent.get(msg.toString());
          if (copies != null && !copies.isEmpty()) {
            long order = copies.poll();
            String link = msg.get("from").asText() + ">" + msg.get("to").asText();
            Long previous = lastHandled.get(link);
            if (previous != null && previous > order) {
              reorderings++;
            }
            lastHandled.merge(link, order, Math::max);
          }
        }
      }
      return new Facts(restarts, partitionDrops, losses, duplicates, reorderings, heldAcks, lostTails, configChanges,
          renewLeases, leaseReads, expireLeases, expirePromises, promisesUnderCrashedLeases, FollowerReads.of(events));
    }

    /** Whether {@code node} logs nothing of its own after event {@code k} (0-based) before a Restart. */
    private static boolean downAfter(List<ObjectNode> events, int k, int node) {
      for (int m = k + 1; m < events.size(); m++) {
        ObjectNode event = events.get(m);
        String name = event.get("event").asText();
        if (event.get("node").asInt() == node && !name.equals("DropMessage") && !name.equals("DuplicateMessage")) {
          return name.equals("Restart");
        }
      }
      return true;
    }
  }

  /**
   * The follower-read events of a trace: reads forwarded (ForwardRead), rounds leaders began for
   * them (HandleReadIndexRequest), answers sent (SendReadIndexResponse), reads served at the
   * follower (HandleReadIndexResponse); and {@code twins}, the receipts and drops of a
   * ReadIndexRequest or ReadIndexResponse while a message of another read with the same spec
   * fields (all but ctx) was in flight: there TraceRaft cannot tell which of them the line takes.
   */
  record FollowerReads(int forwarded, int roundsBegun, int answered, int served, int twins) {

    private static final List<String> NAMES = List.of("ForwardRead", "HandleReadIndexRequest",
        "SendReadIndexResponse", "HandleReadIndexResponse");

    static FollowerReads of(List<ObjectNode> events) {
      int[] counts = new int[4];
      int twins = 0;
      Map<String, List<Long>> inFlight = new HashMap<>(); // spec fields -> the ctx of each copy
      for (ObjectNode event : events) {
        String name = event.get("event").asText();
        int k = NAMES.indexOf(name);
        if (k >= 0) {
          counts[k]++;
        }
        JsonNode msg = event.path("msg");
        if (!msg.path("type").asText().startsWith("ReadIndex")) {
          continue;
        }
        ObjectNode fields = ((ObjectNode) msg).deepCopy();
        long ctx = fields.remove(TraceFormat.CTX).asLong();
        List<Long> copies = inFlight.computeIfAbsent(fields.toString(), key -> new ArrayList<>());
        if (name.startsWith("Handle") || name.equals("DropMessage")) {
          twins += copies.stream().anyMatch(other -> other != ctx) ? 1 : 0;
          copies.remove(Long.valueOf(ctx));
        } else {
          copies.add(ctx); // ForwardRead, SendReadIndexResponse, DuplicateMessage
        }
      }
      return new FollowerReads(counts[0], counts[1], counts[2], counts[3], twins);
    }

    FollowerReads plus(FollowerReads other) {
      return new FollowerReads(forwarded + other.forwarded, roundsBegun + other.roundsBegun,
          answered + other.answered, served + other.served, twins + other.twins);
    }
  }

  static List<Path> files(List<Run> runs) {
    List<Path> files = new ArrayList<>();
    runs.forEach(run -> files.add(run.file()));
    return files;
  }
}
