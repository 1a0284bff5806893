package io.raftkv.tracecheck;

import io.raftkv.core.Entry;
import io.raftkv.core.EntryType;
import io.raftkv.core.Role;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * The NDJSON trace format: one JSON object per line, in the vocabulary of spec/README.md.
 *
 * <p>An event line is {@code {"event": <spec action>, "node": i, "state": {...}, ...}} with
 * {@code msg}, {@code reply}, {@code value}, {@code reason}, {@code readId} and {@code index} where
 * the table lists them. A trace may start with a header line
 * {@code {"servers": N, "preVote": true, "voters": [1, 2, 3], "leaseReads": false}} (no
 * {@code event} field) naming the cluster size and, optionally, whether PreVote is on, the initial
 * voters (the spec's InitVoters) and whether the servers run lease reads (the spec's LeaseReads);
 * without them the checker takes the largest server id the trace mentions, infers PreVote from the
 * events and the initial voters from the states (see {@link Trace}), and takes LeaseReads as false.
 *
 * <p>A configuration (a state's {@code config}, a ProposeConfig's {@code config}, a CONFIG entry's
 * {@code config}) is {@code {"voters": [..], "outgoing": [..], "learners": [..]}}. The arrays under
 * the keys of {@link #SET_KEYS} are sets in TLA+; every other array is a tuple.
 *
 * <p>Numbers are TLC integers (32 bits): terms, indexes and values must stay below 2^31. Numbers
 * under the keys of {@link #NAME_KEYS} (a read's ctx) are names, strings in TLA+.
 */
public final class TraceFormat {

  /** The field that makes a line an event; a line without it is the header. */
  public static final String EVENT = "event";

  /** The header's optional field saying whether elections start with a pre-vote round. */
  public static final String PRE_VOTE = "preVote";

  /** The header's field giving the number of servers (ids 1..N). */
  public static final String SERVERS = "servers";

  /**
   * The header's field listing the initial voters (the spec's InitVoters), ascending; absent in
   * traces written before membership changes, where every server is one.
   */
  public static final String VOTERS = "voters";

  /**
   * The header's field saying whether the servers run lease reads (the spec's LeaseReads); absent
   * in traces written before leases, which means false.
   */
  public static final String LEASE_READS = "leaseReads";

  /** A state's field: the read round the leader's lease rests on (the spec's lease[i]). */
  public static final String LEASE = "lease";

  /**
   * The read round of ReadIndex, ServeRead, RenewLease, LeaseRead, HandleReadIndexRequest and
   * SendReadIndexResponse (and of AppendEntries messages).
   */
  public static final String READ_ID = "readId";

  /**
   * The index of ReadIndex, ServeRead, LeaseRead and HandleReadIndexRequest (the commit index a
   * round began at, or the index served), of HandleReadIndexResponse (the applied index a forwarded
   * read is served at), and of a ReadIndexResponse message (its round's index).
   */
  public static final String INDEX = "index";

  /**
   * A ReadIndexRequest's and ReadIndexResponse's field naming the follower's read: not a spec field
   * (the spec's messages carry a ghost start instead, which is not logged); TraceRaft matches these
   * messages by their other fields.
   */
  public static final String CTX = "ctx";

  /** A configuration's outgoing voters (C_old's while joint, else empty). */
  public static final String OUTGOING = "outgoing";

  /** A configuration's learners. */
  public static final String LEARNERS = "learners";

  /** A state's, a ProposeConfig's and a CONFIG entry's configuration; an InstallSnapshotRequest's too. */
  public static final String CONFIG = "config";

  /**
   * The keys whose JSON arrays are sets in TLA+ (a configuration's three server sets), wherever
   * they occur in a line; every other array is a tuple (a message's entries, the trace itself).
   */
  public static final Set<String> SET_KEYS = Set.of(VOTERS, OUTGOING, LEARNERS);

  /**
   * Keys whose numbers are names, not quantities, and may exceed TLC's 32-bit integers (a real
   * node's read contexts are 64-bit, unique across its processes): TLA+ strings of their decimal
   * digits. No spec field is among them; TraceRaft never compares them.
   */
  public static final Set<String> NAME_KEYS = Set.of(CTX);

  /** A node trace's header: which node wrote it. */
  public static final String NODE = "node";

  /** A node trace's header: when the incarnation started, microseconds since the epoch. */
  public static final String STARTED_MICROS = "startedMicros";

  /**
   * A node trace's event field: the stamp of the node's hybrid logical clock at the event (a Lamport
   * clock that also follows the node's tick clock; HybridClock in impl/node).
   */
  public static final String LAMPORT = "lamport";

  /** A node trace's event field: the number of the node loop's input the event belongs to. */
  public static final String INPUT = "input";

  /** A node trace's last line after a clean close: {"closed": true}. */
  public static final String CLOSED = "closed";

  /** A node trace's last line after the node stopped on its own: {"failStop": "cause"}. */
  public static final String FAIL_STOP = "failStop";

  /**
   * A merged trace's event field: the step may be skipped (the last input of an incarnation that
   * was killed: its effects may never have reached the disk or the network).
   */
  public static final String OPTIONAL = "optional";

  /**
   * The event of a line a cluster merge adds, not the core's: the network drops the messages
   * listed under {@link #MSGS}, which no later line mentions (spec/TraceRaft.tla,
   * TraceDropUnreceived). It has no node and no state.
   */
  public static final String DROP_UNRECEIVED = "DropUnreceived";

  /** The messages of a {@link #DROP_UNRECEIVED} line. */
  public static final String MSGS = "msgs";

  /** A merged trace's event field: the node trace file and line the event was read from. */
  public static final String AT = "at";

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
   * range by first appearance in this trace. A configuration entry is value 0 like the no-op: the
   * spec's config entry is {@code [term, value |-> 0, config]}, and the writer adds the config.
   */
  public static final class EntryValues {
    private final Map<ByteBuffer, Long> numbers = new HashMap<>();

    public long valueOf(Entry entry) {
      if (entry.type() == EntryType.NOOP || entry.type() == EntryType.CONFIG) {
        return 0;
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

    /**
     * The value of {@code entry} in one node's trace of a real cluster: {@link #valueOf} where that
     * is the same in every node's trace (the no-op, a configuration entry, a command id), else a
     * string naming the payload by its digest ({@link #DIGEST_PREFIX} and 32 hex digits of its
     * SHA-256), which the merge of the nodes' traces numbers by first appearance, as valueOf does
     * within one trace. A number given per file would differ from node to node.
     */
    public Object nodeValueOf(Entry entry) {
      long value = valueOf(entry);
      if (value <= MAX_COMMAND_ID) {
        return value;
      }
      byte[] hash = SHA_256.get().digest(entry.data());
      return DIGEST_PREFIX + HexFormat.of().formatHex(hash, 0, 16);
    }
  }

  /** How a node's trace writes a payload that is not a command id (see EntryValues.nodeValueOf). */
  public static final String DIGEST_PREFIX = "sha256:";

  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException("every Java platform has SHA-256", impossible);
    }
  });
}
