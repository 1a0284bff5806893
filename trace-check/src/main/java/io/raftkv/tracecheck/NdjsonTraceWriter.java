package io.raftkv.tracecheck;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import io.raftkv.cli.TraceWriterFactory.TraceWriter;
import io.raftkv.core.Entry;
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

/**
 * A {@link io.raftkv.core.RaftObserver} that writes each event as one NDJSON line in the
 * vocabulary of spec/README.md (see {@link TraceFormat}).
 *
 * <p>Messages are written with exactly the spec record's fields, so the checker can compare a
 * logged message with the spec's one as a whole: a message identified by fewer fields than the
 * spec has would let TLC match it in several ways and multiply the states to explore.
 *
 * <p>Not thread-safe: the core and the simulator call observers from one thread.
 */
public final class NdjsonTraceWriter implements TraceWriter {

  private static final JsonFactory JSON = new JsonFactory();

  private final JsonGenerator out;
  private final TraceFormat.EntryValues values = new TraceFormat.EntryValues();
  private long events;

  /**
   * The optional first line: the cluster's size and whether PreVote is on. Without it the checker
   * infers both from the events (see {@link Trace}).
   */
  public record Header(int servers, boolean preVote) {
    public Header {
      if (servers < 1) {
        throw new IllegalArgumentException("servers must be >= 1, got " + servers);
      }
    }
  }

  /** Writes to {@code stream} (closed with this writer), starting with {@code header} unless null. */
  public NdjsonTraceWriter(OutputStream stream, Header header) throws IOException {
    out = JSON.createGenerator(stream, JsonEncoding.UTF8);
    out.setPrettyPrinter(new MinimalPrettyPrinter("\n"));
    if (header != null) {
      out.writeStartObject();
      out.writeNumberField(TraceFormat.SERVERS, header.servers());
      out.writeBooleanField(TraceFormat.PRE_VOTE, header.preVote());
      out.writeEndObject();
    }
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
  public void on(RaftEvent event) {
    try {
      write(event);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write trace event " + event.name(), e);
    }
    events++;
  }

  private void write(RaftEvent event) throws IOException {
    out.writeStartObject();
    out.writeStringField(TraceFormat.EVENT, event.name());
    out.writeNumberField("node", event.node());
    writeState(event.state());
    switch (event) {
      case RaftEvent.ClientRequest e -> out.writeNumberField("value", values.valueOf(e.entry()));
      case RaftEvent.SendAppendEntries e -> writeMessage("msg", e.msg());
      case RaftEvent.SendHeartbeat e -> writeMessage("msg", e.msg());
      case RaftEvent.HandleAppendEntriesRequest e -> {
        writeMessage("msg", e.msg());
        writeMessage("reply", e.reply());
      }
      case RaftEvent.HandleAppendEntriesResponse e -> writeMessage("msg", e.msg());
      case RaftEvent.HandleRequestVoteRequest e -> {
        writeMessage("msg", e.msg());
        writeMessage("reply", e.reply());
      }
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
    }
    out.writeEndObject();
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
    out.writeEndObject();
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
      }
      case RequestVoteResponse m -> {
        out.writeBooleanField("prevote", m.prevote());
        out.writeBooleanField("voteGranted", m.voteGranted());
      }
      case AppendEntriesRequest m -> {
        out.writeNumberField("prevLogIndex", m.prevLogIndex());
        out.writeNumberField("prevLogTerm", m.prevLogTerm());
        out.writeArrayFieldStart("entries");
        for (Entry entry : m.entries()) {
          out.writeStartObject();
          out.writeNumberField("term", entry.term());
          out.writeNumberField("value", values.valueOf(entry));
          out.writeEndObject();
        }
        out.writeEndArray();
        out.writeNumberField("commitIndex", m.commitIndex());
      }
      case AppendEntriesResponse m -> {
        out.writeBooleanField("success", m.success());
        out.writeNumberField("matchIndex", m.matchIndex());
        out.writeNumberField("conflictTerm", m.conflictTerm());
        out.writeNumberField("conflictIndex", m.conflictIndex());
      }
    }
    out.writeEndObject();
  }

  /** Pushes buffered lines to the file (the simulator calls this before reporting a failure). */
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.writeRaw('\n');
    out.close();
  }
}
