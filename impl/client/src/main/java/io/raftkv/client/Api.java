package io.raftkv.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The HTTP/JSON client API, written down once for both ends: the server answers with these paths,
 * headers and fields, and {@link RaftKvClient} reads them. The full description, with examples, is
 * in impl/server/README.md.
 *
 * <h2>Paths</h2>
 * <pre>
 * GET    /v1/status                 the node's view: role, term, leader, indexes, members
 * POST   /v1/sessions               opens a client session; answers {"clientId": N}
 * DELETE /v1/sessions/{clientId}    closes it
 * PUT    /v1/kv/{key}               body: the value (raw bytes; or {"value": "..."} with
 *                                   Content-Type application/json)
 * GET    /v1/kv/{key}               linearizable: the leader confirms it still leads with a
 *                                   heartbeat round (ReadIndex), no log entry; a follower that
 *                                   knows its leader answers it itself, after forwarding it to
 *                                   the leader (the leader's round gives the index, the follower
 *                                   answers once it has applied that far: no redirect);
 *                                   ?consistency=lease: linearizable too, answered without the
 *                                   round while the leader holds a lease (servers started with
 *                                   --lease-reads; on a server without it, and on a follower, a
 *                                   ReadIndex read);
 *                                   ?consistency=local reads the node's own state machine
 *                                   instead (may be stale)
 * DELETE /v1/kv/{key}
 * POST   /v1/cas/{key}              body: {"expected": "old", "value": "new"} or
 *                                   {"expectedVersion": 3, "value": "new"} (0 = create if absent)
 * POST   /v1/admin/transfer?to=N    the leader hands leadership to node N
 * POST   /v1/admin/members?op=add-learner|promote|remove&amp;id=N
 *                                   a configuration change (thesis §4.3), on the leader; 200 with
 *                                   the CONFIG entry's index once appended, 409 membership_refused
 *                                   with the leader's reason
 * GET    /v1/admin/members          this node's configuration ({@link MembershipReport})
 * </pre>
 * Keys are percent-encoded in the path (every byte outside {@code A-Z a-z 0-9 - . _ ~} may be
 * written %XX; '/' may also appear as is and is part of the key). Values in JSON are a UTF-8
 * string under {@code value}, or, when the bytes are not UTF-8, base64 under {@code valueBase64}.
 *
 * <h2>Sessions (exactly-once)</h2>
 * A request may carry {@link #HEADER_CLIENT_ID}, {@link #HEADER_SEQUENCE} and
 * {@link #HEADER_ACKNOWLEDGED}; the store then applies each (client, sequence) at most once and
 * answers a retry with the first result. Without them the node uses a session of its own, which
 * makes each request apply at most once but gives the caller no way to retry safely.
 *
 * <h2>Errors</h2>
 * Every error is a JSON object with {@code error} (a code below), {@code message} and
 * {@code outcome}: {@code failed} when the request certainly had no effect, {@code unknown} when
 * it may have had one. A follower answers writes, session requests and admin requests with 307,
 * {@code Location} and the body's {@code leader} and {@code leaderUrl} (a linearizable read too
 * when it knows no leader: then 503 {@code no_leader}). A linearizable read that could not be
 * confirmed (the leader changed, the forwarded read got no answer in time) is 503
 * {@code read_aborted}, outcome failed: retry it, here or at another node.
 */
public final class Api {
    private Api() {}

    public static final String STATUS_PATH = "/v1/status";
    public static final String SESSIONS_PATH = "/v1/sessions";
    public static final String KV_PREFIX = "/v1/kv/";
    public static final String CAS_PREFIX = "/v1/cas/";
    /** POST with {@code ?to=N}: the leader hands leadership to node N (200 once the handover began). */
    public static final String TRANSFER_PATH = "/v1/admin/transfer";
    public static final String TRANSFER_TARGET_PARAMETER = "to";
    public static final String TRANSFERRING_TO = "transferringTo";
    /** POST {@code ?op=...&id=N}: a configuration change; GET: the node's configuration. */
    public static final String MEMBERS_PATH = "/v1/admin/members";
    public static final String MEMBERS_OP_PARAMETER = "op";
    public static final String MEMBERS_ID_PARAMETER = "id";
    public static final String OP_ADD_LEARNER = "add-learner";
    public static final String OP_PROMOTE = "promote";
    public static final String OP_REMOVE = "remove";
    public static final String TERM = "term";
    public static final String CONSISTENCY_PARAMETER = "consistency";
    public static final String CONSISTENCY_LOCAL = "local";
    public static final String CONSISTENCY_LINEARIZABLE = "linearizable";
    /**
     * A linearizable read the leader may answer from its lease (thesis §6.4.1) instead of a heartbeat
     * round; correct while no server's clock runs slower than another's by more than the servers'
     * --lease-drift-ms per election timeout. Asked of a server without --lease-reads it is a ReadIndex
     * read: the guarantee asked for is linearizability, which that server gives the slower way.
     */
    public static final String CONSISTENCY_LEASE = "lease";

    public static final String HEADER_CLIENT_ID = "Raftkv-Client-Id";
    public static final String HEADER_SEQUENCE = "Raftkv-Sequence";
    public static final String HEADER_ACKNOWLEDGED = "Raftkv-Acknowledged-Through";

    // JSON fields.
    public static final String ERROR = "error";
    public static final String MESSAGE = "message";
    public static final String OUTCOME = "outcome";
    public static final String LEADER = "leader";
    public static final String LEADER_URL = "leaderUrl";
    public static final String KEY = "key";
    public static final String VALUE = "value";
    public static final String VALUE_BASE64 = "valueBase64";
    public static final String EXPECTED = "expected";
    public static final String EXPECTED_BASE64 = "expectedBase64";
    public static final String EXPECTED_VERSION = "expectedVersion";
    public static final String VERSION = "version";
    public static final String REVISION = "revision";
    public static final String FOUND = "found";
    public static final String DELETED = "deleted";
    public static final String CLIENT_ID = "clientId";
    public static final String CURRENT_VERSION = "currentVersion";
    public static final String CURRENT_VALUE = "currentValue";
    public static final String APPLIED_INDEX = "appliedIndex";
    public static final String INDEX = "index";

    // Outcomes of a request that did not succeed.
    public static final String OUTCOME_FAILED = "failed";
    public static final String OUTCOME_UNKNOWN = "unknown";

    // Error codes.
    public static final String BAD_REQUEST = "bad_request";
    public static final String NOT_FOUND = "not_found";
    public static final String METHOD_NOT_ALLOWED = "method_not_allowed";
    public static final String PAYLOAD_TOO_LARGE = "payload_too_large";
    public static final String KEY_NOT_FOUND = "key_not_found";
    public static final String COMPARE_FAILED = "compare_failed";
    public static final String NOT_LEADER = "not_leader";
    public static final String NO_LEADER = "no_leader";
    public static final String DROPPED = "dropped";
    public static final String OVERLOADED = "overloaded";
    public static final String NODE_STOPPED = "node_stopped";
    public static final String TIMEOUT = "timeout";
    public static final String OVERWRITTEN = "overwritten";
    public static final String UNKNOWN_SESSION = "unknown_session";
    public static final String STALE_SEQUENCE = "stale_sequence";
    public static final String TOO_MANY_PENDING = "too_many_pending";
    public static final String INTERNAL = "internal";
    /** The leader refused a configuration change (not caught up, a change in progress, ...). */
    public static final String MEMBERSHIP_REFUSED = "membership_refused";
    /** The node is not a member of the configuration it knows and knows no leader: ask another. */
    public static final String NOT_MEMBER = "not_member";
    /**
     * A linearizable read was given up before it was confirmed (the leader stepped down, or the read a
     * follower forwarded got no answer in time): it had no effect; retry, here or elsewhere.
     */
    public static final String READ_ABORTED = "read_aborted";

    private static final String UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

    /** Percent-encodes a key's UTF-8 bytes for the path (everything but unreserved characters). */
    public static String encodeKey(byte[] key) {
        StringBuilder out = new StringBuilder(key.length * 3);
        for (byte b : key) {
            if (b >= 0 && UNRESERVED.indexOf(b) >= 0) {
                out.append((char) b);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }

    public static String encodeKey(String key) {
        return encodeKey(key.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The bytes a path segment stands for: %XX decoded, everything else taken as its UTF-8 bytes
     * ('+' is a plus, as in paths). Empty when a '%' is not followed by two hex digits.
     */
    public static Optional<byte[]> decodePath(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        byte[] utf8 = raw.getBytes(StandardCharsets.UTF_8);
        for (int k = 0; k < utf8.length; k++) {
            if (utf8[k] != '%') {
                out.write(utf8[k]);
                continue;
            }
            int high = k + 1 < utf8.length ? Character.digit(utf8[k + 1], 16) : -1;
            int low = k + 2 < utf8.length ? Character.digit(utf8[k + 2], 16) : -1;
            if (high < 0 || low < 0) {
                return Optional.empty();
            }
            out.write(high * 16 + low);
            k += 2;
        }
        return Optional.of(out.toByteArray());
    }

    /** Writes {@code bytes} as {@code field} (UTF-8 text) or {@code field + "Base64"} (anything else). */
    public static void putBytes(ObjectNode node, String field, byte[] bytes) {
        Optional<String> text = utf8(bytes);
        if (text.isPresent()) {
            node.put(field, text.get());
        } else {
            node.put(field + "Base64", Base64.getEncoder().encodeToString(bytes));
        }
    }

    /**
     * Reads bytes written by {@link #putBytes}: {@code field} as UTF-8 text, else
     * {@code field + "Base64"}; empty if neither is present.
     *
     * @throws IllegalArgumentException if a field is not a string or not valid base64
     */
    public static Optional<byte[]> readBytes(JsonNode node, String field) {
        JsonNode text = node.get(field);
        JsonNode base64 = node.get(field + "Base64");
        if (text != null && base64 != null) {
            throw new IllegalArgumentException("give either " + field + " or " + field + "Base64, not both");
        }
        if (text != null) {
            if (!text.isTextual()) {
                throw new IllegalArgumentException(field + " must be a string");
            }
            return Optional.of(text.asText().getBytes(StandardCharsets.UTF_8));
        }
        if (base64 != null) {
            if (!base64.isTextual()) {
                throw new IllegalArgumentException(field + "Base64 must be a string");
            }
            return Optional.of(Base64.getDecoder().decode(base64.asText()));
        }
        return Optional.empty();
    }

    /** The bytes as text if they are well-formed UTF-8. */
    public static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException notText) {
            return Optional.empty();
        }
    }
}
