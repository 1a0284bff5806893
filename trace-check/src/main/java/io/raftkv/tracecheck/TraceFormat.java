package io.raftkv.tracecheck;

import io.raftkv.core.Entry;
import io.raftkv.core.EntryType;
import io.raftkv.core.Role;
import java.util.HashMap;
import java.util.Map;
import java.nio.ByteBuffer;

/**
 * The NDJSON trace format: one JSON object per line, in the vocabulary of spec/README.md.
 *
 * <p>An event line is {@code {"event": <spec action>, "node": i, "state": {...}, ...}} with
 * {@code msg}, {@code reply}, {@code value} and {@code reason} where the table lists them. A trace
 * may start with a header line {@code {"servers": N, "preVote": true}} (no {@code event} field)
 * naming the cluster size and, optionally, whether PreVote is on; without it the checker takes the
 * largest server id the trace mentions and infers PreVote from the events (see {@link Trace}).
 *
 * <p>Numbers are TLC integers (32 bits): terms, indexes and values must stay below 2^31.
 */
public final class TraceFormat {

  /** The field that makes a line an event; a line without it is the header. */
  public static final String EVENT = "event";

  /** The header's optional field saying whether elections start with a pre-vote round. */
  public static final String PRE_VOTE = "preVote";

  /** The header's field giving the number of servers (ids 1..N). */
  public static final String SERVERS = "servers";

  /**
   * Command ids up to this bound are used as spec values as they are; other payloads are numbered
   * above it by first appearance.
   */
  public static final long MAX_COMMAND_ID = 1_000_000_000L;

  private TraceFormat() {}

  /** The spec's string for a role. */
  public static String roleName(Role role) {
    return switch (role) {
      case FOLLOWER -> "Follower";
      case PRE_CANDIDATE -> "PreCandidate";
      case CANDIDATE -> "Candidate";
      case LEADER -> "Leader";
    };
  }

  /**
   * Maps entries to the spec's {@code value}: the no-op is 0; a command whose payload is an 8-byte
   * big-endian id in 1..{@link #MAX_COMMAND_ID} (what the simulator and the test clients propose)
   * is that id, so traces of different nodes agree; any other payload gets a number above the id
   * range by first appearance in this trace. Configuration entries have no spec counterpart and map
   * to -1, which is no client value (Raft's Next proposes only v >= 1), so a trace in which a leader
   * appends one is rejected there.
   */
  public static final class EntryValues {
    private final Map<ByteBuffer, Long> numbers = new HashMap<>();

    public long valueOf(Entry entry) {
      if (entry.type() == EntryType.NOOP) {
        return 0;
      }
      if (entry.type() == EntryType.CONFIG) {
        return -1;
      }
      byte[] data = entry.data();
      if (data.length == Long.BYTES) {
        long id = ByteBuffer.wrap(data).getLong();
        if (id >= 1 && id <= MAX_COMMAND_ID) {
          return id;
        }
      }
      return numbers.computeIfAbsent(ByteBuffer.wrap(data.clone()), key -> MAX_COMMAND_ID + 1 + numbers.size());
    }
  }
}
