package io.raftkv.tracecheck;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import io.raftkv.cli.TraceWriterFactory.NodeTrace;
import io.raftkv.cli.TraceWriterFactory.NodeTraceWriter;
import io.raftkv.core.Entry;
import io.raftkv.core.EntryType;
import io.raftkv.core.Membership;
import io.raftkv.core.Message;
import io.raftkv.core.Message.AppendEntriesRequest;
import io.raftkv.core.Message.AppendEntriesResponse;
import io.raftkv.core.Message.RequestVoteRequest;
import io.raftkv.core.Message.RequestVoteResponse;
import io.raftkv.core.NodeState;
import io.raftkv.core.RaftEvent;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link io.raftkv.core.RaftObserver} that writes each event as one NDJSON line in the
 * vocabulary of spec/README.md (see {@link TraceFormat}).
 *
 * <p>Messages are written with exactly the spec record's fields, so the checker can compare a
 * logged message with the spec's one as a whole: a message identified by fewer fields than the
 * spec has would let TLC match it in several ways and multiply the states to explore. The
 * exceptions are ghost fields, which the core does not have (an InstallSnapshotRequest's log, a
 * forwarded read's start), and the core's fields beside the spec's (an InstallSnapshotRequest's
 * offset and bytes, a forwarded read's ctx): TraceRaft matches those messages by the spec fields
 * they carry.
 *
 * <p>Not thread-safe: the core and the simulator call observers from one thread.
 */
public final class NdjsonTraceWriter implements NodeTraceWriter {

  private static final JsonFactory JSON = new JsonFactory();

  private final JsonGenerator out;
  private final TraceFormat.EntryValues values = new TraceFormat.EntryValues();
  /** Set for one node's trace of a real cluster (see {@link #openNode}), null for a simulator's. */
  private final NodeTrace node;
  private long events;
  /** The input the next events belong to (node traces only). */
  private long input;
  /** Why the node stopped on its own, or null (node traces only). */
  private String failStop;

  /**
   * The optional first line: the cluster's size (ids 1..servers, spares included), whether PreVote
   * is on, the initial voters (the spec's InitVoters; null writes none, which means every server)
   * and whether the servers run lease reads (the spec's LeaseReads). Without it the checker infers
   * the first three from the events (see {@link Trace}) and takes LeaseReads as false.
   */
  public record Header(int servers, boolean preVote, List<Integer> voters, boolean leaseReads) {
    public Header {
      if (servers < 1) {
        throw new IllegalArgumentException("servers must be >= 1, got " + servers);
      }
      if (voters != null) {
        voters = Membership.initial(voters).voters(); // ascending, distinct, >= 1, nonempty
        if (voters.get(voters.size() - 1) > servers) {
          throw new IllegalArgumentException("voters " + voters + " are not among servers 1.." + servers);
        }
      }
    }

    /** A header of a cluster without lease reads. */
    public Header(int servers, boolean preVote, List<Integer> voters) {
      this(servers, preVote, voters, false);
    }

    /** A header of a cluster whose every server is an initial voter (no voters field), no lease reads. */
    public Header(int servers, boolean preVote) {
      this(servers, preVote, null);
    }
  }

  /** Writes to {@code stream} (closed with this writer), starting with {@code header} unless null. */
  public NdjsonTraceWriter(OutputStream stream, Header header) throws IOException {
    node = null;
    out = JSON.createGenerator(stream, JsonEncoding.UTF8);
    out.setPrettyPrinter(new MinimalPrettyPrinter("\n"));
    if (header != null) {
      out.writeStartObject();
      out.writeNumberField(TraceFormat.SERVERS, header.servers());
      out.writeBooleanField(TraceFormat.PRE_VOTE, header.preVote());
      if (header.voters() != null) {
        writeIds(TraceFormat.VOTERS, header.voters());
      }
      out.writeBooleanField(TraceFormat.LEASE_READS, header.leaseReads());
      out.writeEndObject();
    }
  }

  /**
   * One node's trace of a real cluster (TraceWriterFactory.openNode): the header line names the
   * node, the cluster's size, PreVote, the initial voters, lease reads and the incarnation's start;
   * each event line adds {@code lamport} (a stamp of the process's hybrid logical clock) and
   * {@code input}, and ends with its newline; a payload that is not a command id is written as its digest
   * ({@link TraceFormat.EntryValues#nodeValueOf}). Every line is handed to the operating system as
   * soon as it is written (the core emits an event before the driver writes or sends anything of
   * that step, so a process killed with SIGKILL leaves every line whose effects were seen). A clean
   * close ends the file with {@code {"closed":true}}.
   */
  public NdjsonTraceWriter(OutputStream stream, NodeTrace node) throws IOException {
    if (node == null) {
      throw new IllegalArgumentException("a node trace needs its node");
    }
    this.node = node;
    out = JSON.createGenerator(stream, JsonEncoding.UTF8);
    out.setPrettyPrinter(new MinimalPrettyPrinter(""));
    out.writeStartObject();
    out.writeNumberField(TraceFormat.SERVERS, node.servers());
    out.writeBooleanField(TraceFormat.PRE_VOTE, node.preVote());
    writeIds(TraceFormat.VOTERS, node.voters());
    out.writeBooleanField(TraceFormat.LEASE_READS, node.leaseReads());
    out.writeNumberField(TraceFormat.NODE, node.node());
    out.writeNumberField(TraceFormat.STARTED_MICROS, node.startedMicros());
    out.writeEndObject();
    endLine();
  }

  /** Creates (or truncates) {@code file} for one node's trace of a real cluster. */
  public static NdjsonTraceWriter openNode(Path file, NodeTrace node) throws IOException {
    return new NdjsonTraceWriter(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), node);
  }

  /** Creates (or truncates) {@code file}; a trace without header. */
  public static NdjsonTraceWriter open(Path file) throws IOException {
    return open(file, null);
  }

  /** Creates (or truncates) {@code file}, starting with {@code header} unless null. */
  public static NdjsonTraceWriter open(Path file, Header header) throws IOException {
    return new NdjsonTraceWriter(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), header);
  }

  /** Number of events written so far. */
  public long events() {
    return events;
  }

  @Override
  public void nextInput() {
    input++;
  }

  @Override
  public void failStopped(String cause) {
    failStop = cause == null ? "unknown" : cause;
  }


  @Override
  public void on(RaftEvent event) {
    try {
      write(event);
      if (node != null) {
        endLine();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write trace event " + event.name(), e);
    }
    events++;
  }

  private void write(RaftEvent event) throws IOException {
    out.writeStartObject();
    out.writeStringField(TraceFormat.EVENT, event.name());
    out.writeNumberField("node", event.node());
    if (node != null) {
      out.writeNumberField(TraceFormat.LAMPORT, node.lamport().getAsLong());
      out.writeNumberField(TraceFormat.INPUT, input);
    }
    writeState(event.state());
    writeDetails(event);
    out.writeEndObject();
  }

  /** The fields an event has besides node and state. */
  private void writeDetails(RaftEvent event) throws IOException {
    switch (event) {
      case RaftEvent.ClientRequest e -> writeValue(e.entry());
      case RaftEvent.ProposeConfig e -> writeConfig(e.config());
      case RaftEvent.SendAppendEntries e -> writeMessage("msg", e.msg());
      case RaftEvent.SendHeartbeat e -> writeMessage("msg", e.msg());
      case RaftEvent.HandleAppendEntriesRequest e -> writeExchange(e.msg(), e.reply());
      case RaftEvent.HandleAppendEntriesResponse e -> writeMessage("msg", e.msg());
      case RaftEvent.HandleRequestVoteRequest e -> writeExchange(e.msg(), e.reply());
      case RaftEvent.HandleRequestVoteResponse e -> writeMessage("msg", e.msg());
      case RaftEvent.StepDown e -> out.writeStringField("reason", e.reason());
      case RaftEvent.DropMessage e -> {
        writeMessage("msg", e.msg());
        out.writeStringField("reason", e.reason());
      }
      case RaftEvent.DuplicateMessage e -> writeMessage("msg", e.msg());
      case RaftEvent.Timeout e -> {}
      case RaftEvent.BecomeCandidate e -> {}
      case RaftEvent.BecomeLeader e -> {}
      case RaftEvent.AdvanceCommitIndex e -> {}
      case RaftEvent.PersistLog e -> {}
      case RaftEvent.Restart e -> {}
      case RaftEvent.Apply e -> {}
      case RaftEvent.SendTimeoutNow e -> writeMessage("msg", e.msg());
      case RaftEvent.HandleTimeoutNow e -> writeMessage("msg", e.msg());
      case RaftEvent.ReadIndex e -> writeRound(e.readId(), e.index());
      case RaftEvent.ServeRead e -> writeRound(e.readId(), e.index());
      case RaftEvent.RenewLease e -> out.writeNumberField(TraceFormat.READ_ID, e.readId());
      case RaftEvent.ExpireLease e -> {}
      case RaftEvent.ExpirePromise e -> {}
      case RaftEvent.LeaseRead e -> writeRound(e.readId(), e.index());
      case RaftEvent.ForwardRead e -> writeMessage("msg", e.msg());
      case RaftEvent.HandleReadIndexRequest e -> {
        writeMessage("msg", e.msg());
        writeRound(e.readId(), e.index());
      }
      case RaftEvent.SendReadIndexResponse e -> writeMessageAnd(e.msg(), TraceFormat.READ_ID, e.readId());
      case RaftEvent.HandleReadIndexResponse e -> writeMessageAnd(e.msg(), TraceFormat.INDEX, e.index());
      case RaftEvent.TakeSnapshot e -> {}
      case RaftEvent.SendInstallSnapshot e -> writeMessage("msg", e.msg());
      case RaftEvent.HandleInstallSnapshotRequest e -> writeExchange(e.msg(), e.reply());
      case RaftEvent.HandleInstallSnapshotResponse e -> writeMessage("msg", e.msg());
    }
  }

  /** A handler's received message and its reply. */
  private void writeExchange(Message msg, Message reply) throws IOException {
    writeMessage("msg", msg);
    writeMessage("reply", reply);
  }

  /** A message and one number beside it (a forwarded read's readId or served index). */
  private void writeMessageAnd(Message msg, String field, long value) throws IOException {
    writeMessage("msg", msg);
    out.writeNumberField(field, value);
  }

  /** A read round's id and index (ReadIndex, ServeRead, LeaseRead, HandleReadIndexRequest). */
  private void writeRound(long readId, long index) throws IOException {
    out.writeNumberField(TraceFormat.READ_ID, readId);
    out.writeNumberField(TraceFormat.INDEX, index);
  }

  private void writeState(NodeState state) throws IOException {
    out.writeObjectFieldStart("state");
    out.writeNumberField("currentTerm", state.currentTerm());
    out.writeNumberField("votedFor", state.votedFor());
    out.writeStringField("role", TraceFormat.roleName(state.role()));
    out.writeNumberField("commitIndex", state.commitIndex());
    out.writeNumberField("logLength", state.logLength());
    out.writeNumberField("lastLogTerm", state.lastLogTerm());
    out.writeNumberField("durableLength", state.durableLength());
    out.writeNumberField("appliedIndex", state.appliedIndex());
    out.writeNumberField("snapshotIndex", state.snapshotIndex());
    out.writeNumberField(TraceFormat.LEASE, state.lease());
    if (state.config() != null) {
      writeConfig(state.config());
    }
    out.writeEndObject();
  }

  /**
   * {@code "config": {"voters": [..], "outgoing": [..], "learners": [..]}}, ids ascending: the
   * spec's configuration record, whose three arrays the reader turns into sets.
   */
  private void writeConfig(Membership config) throws IOException {
    out.writeObjectFieldStart(TraceFormat.CONFIG);
    writeIds(TraceFormat.VOTERS, config.voters());
    writeIds(TraceFormat.OUTGOING, config.outgoing());
    writeIds(TraceFormat.LEARNERS, config.learners());
    out.writeEndObject();
  }

  private void writeIds(String field, List<Integer> ids) throws IOException {
    out.writeArrayFieldStart(field);
    for (int id : ids) {
      out.writeNumber(id);
    }
    out.writeEndArray();
  }

  /** The spec's message record: type, term, from, to and the type's own fields, nothing else. */
  private void writeMessage(String field, Message message) throws IOException {
    out.writeObjectFieldStart(field);
    out.writeStringField("type", message.getClass().getSimpleName());
    out.writeNumberField("term", message.term());
    out.writeNumberField("from", message.from());
    out.writeNumberField("to", message.to());
    switch (message) {
      case RequestVoteRequest m -> {
        out.writeBooleanField("prevote", m.prevote());
        out.writeNumberField("lastLogIndex", m.lastLogIndex());
        out.writeNumberField("lastLogTerm", m.lastLogTerm());
        out.writeBooleanField("transfer", m.transfer());
      }
      case Message.TimeoutNow m -> {}
      case RequestVoteResponse m -> {
        out.writeBooleanField("prevote", m.prevote());
        out.writeBooleanField("voteGranted", m.voteGranted());
      }
      case AppendEntriesRequest m -> writeAppendEntries(m);
      case AppendEntriesResponse m -> {
        out.writeBooleanField("success", m.success());
        out.writeNumberField("matchIndex", m.matchIndex());
        out.writeNumberField("conflictTerm", m.conflictTerm());
        out.writeNumberField("conflictIndex", m.conflictIndex());
        out.writeNumberField(TraceFormat.READ_ID, m.readId());
      }
      case Message.InstallSnapshotRequest m -> writeInstallSnapshot(m);
      case Message.InstallSnapshotResponse m -> {
        out.writeNumberField("snapshotIndex", m.snapshotIndex());
        out.writeNumberField("nextOffset", m.nextOffset());
        out.writeBooleanField("done", m.done());
      }
      // ctx, the core's name for the follower's read, is not a spec field (TraceRaft matches these
      // messages by the others; the spec's ghost start is not logged).
      case Message.ReadIndexRequest m -> out.writeNumberField(TraceFormat.CTX, m.ctx());
      case Message.ReadIndexResponse m -> {
        out.writeNumberField(TraceFormat.CTX, m.ctx());
        out.writeNumberField(TraceFormat.INDEX, m.index());
      }
    }
    out.writeEndObject();
  }

  /**
   * The spec's fields but its ghost log (the snapshot's content), and offset and bytes, which are
   * not the spec's: TraceRaft matches the message by its spec fields.
   */
  private void writeInstallSnapshot(Message.InstallSnapshotRequest m) throws IOException {
    out.writeNumberField("snapshotIndex", m.snapshotIndex());
    out.writeNumberField("snapshotTerm", m.snapshotTerm());
    out.writeNumberField("offset", m.offset());
    out.writeNumberField("bytes", m.data().length);
    out.writeBooleanField("done", m.done());
    if (m.membership() != null) {
      // Not a spec field: TraceRaft checks it is the configuration at the snapshot's index.
      writeConfig(m.membership());
    }
  }

  private void writeAppendEntries(AppendEntriesRequest m) throws IOException {
    out.writeNumberField("prevLogIndex", m.prevLogIndex());
    out.writeNumberField("prevLogTerm", m.prevLogTerm());
    out.writeArrayFieldStart("entries");
    for (Entry entry : m.entries()) {
      out.writeStartObject();
      out.writeNumberField("term", entry.term());
      writeValue(entry);
      if (entry.type() == EntryType.CONFIG) {
        writeConfig(Membership.decode(entry.data())); // the spec's [term, value |-> 0, config]
      }
      out.writeEndObject();
    }
    out.writeEndArray();
    out.writeNumberField("commitIndex", m.commitIndex());
    out.writeNumberField(TraceFormat.READ_ID, m.readId());
  }

  private void writeValue(Entry entry) throws IOException {
    if (node == null) {
      out.writeNumberField("value", values.valueOf(entry));
    } else if (values.nodeValueOf(entry) instanceof String digest) {
      out.writeStringField("value", digest);
    } else {
      out.writeNumberField("value", values.valueOf(entry));
    }
  }

  /** A node trace's line ends here and goes to the operating system now, whole. */
  private void endLine() throws IOException {
    out.writeRaw('\n');
    out.flush();
  }

  /** Pushes buffered lines to the file (the simulator calls this before reporting a failure). */
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (node != null) {
      out.writeStartObject();
      if (failStop == null) {
        out.writeBooleanField(TraceFormat.CLOSED, true);
      } else {
        out.writeStringField(TraceFormat.FAIL_STOP, failStop);
      }
      out.writeEndObject();
    }
    out.writeRaw('\n');
    out.close();
  }
}
