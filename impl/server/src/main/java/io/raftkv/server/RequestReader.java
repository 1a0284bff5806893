package io.raftkv.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.raftkv.client.Api;
import io.raftkv.core.MembershipChange;
import io.raftkv.kv.Bytes;
import io.raftkv.kv.KvCodec;
import io.raftkv.kv.KvCommand;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Reads the parts of a client request: key, value, compare-and-set body, session headers,
 * consistency. Everything is checked here, before anything is proposed, and bad input becomes an
 * {@link ApiException} (400 or 413) that names what is wrong.
 */
final class RequestReader {
    private RequestReader() {}

    /** The session a request brings in its headers. */
    record ClientSession(long clientId, long sequence, long acknowledgedThrough) {
        KvCommand.Request request(KvCommand.Operation operation) {
            return new KvCommand.Request(0, clientId, sequence, acknowledgedThrough, operation);
        }
    }

    /** The key named by the rest of the path after the prefix. */
    static Bytes key(String rawKey) {
        byte[] key = Api.decodePath(rawKey).orElseThrow(() -> badRequest(
                "the key in the path has a '%' not followed by two hex digits"));
        if (key.length == 0) {
            throw badRequest("the path names no key");
        }
        if (key.length > KvCodec.MAX_KEY_BYTES) {
            throw badRequest("the key has " + key.length + " bytes; at most " + KvCodec.MAX_KEY_BYTES + " are allowed");
        }
        return Bytes.copyOf(key);
    }

    /** The session headers if the request has them (all or none of client id and sequence). */
    static Optional<ClientSession> session(HttpHeaders headers) {
        String client = headers.get(Api.HEADER_CLIENT_ID);
        String sequence = headers.get(Api.HEADER_SEQUENCE);
        String acknowledged = headers.get(Api.HEADER_ACKNOWLEDGED);
        if (client == null && sequence == null && acknowledged == null) {
            return Optional.empty();
        }
        if (client == null || sequence == null) {
            throw badRequest("a session request needs both " + Api.HEADER_CLIENT_ID + " and " + Api.HEADER_SEQUENCE);
        }
        long clientId = positive(client, Api.HEADER_CLIENT_ID);
        long sequenceNumber = positive(sequence, Api.HEADER_SEQUENCE);
        long acknowledgedThrough = acknowledged == null ? 0 : number(acknowledged, Api.HEADER_ACKNOWLEDGED);
        if (acknowledgedThrough < 0 || acknowledgedThrough >= sequenceNumber) {
            throw badRequest(Api.HEADER_ACKNOWLEDGED + " must lie in [0, " + Api.HEADER_SEQUENCE + "), got "
                    + acknowledgedThrough + " with sequence " + sequenceNumber);
        }
        return Optional.of(new ClientSession(clientId, sequenceNumber, acknowledgedThrough));
    }

    /** A PUT's value: the raw body, or {"value": ...} when the body is declared JSON. */
    static Bytes putValue(FullHttpRequest request) {
        byte[] body = body(request);
        if (!isJson(request)) {
            return value(body, "the value");
        }
        JsonNode object = jsonObject(body);
        byte[] value = bytesField(object, Api.VALUE).orElseThrow(() -> badRequest(
                "a JSON PUT body needs \"value\" (or \"valueBase64\")"));
        return value(value, "the value");
    }

    /** A compare-and-set body: {"expected"|"expectedBase64"|"expectedVersion": ..., "value": ...}. */
    static KvCommand.Operation compareAndSet(Bytes key, FullHttpRequest request) {
        JsonNode object = jsonObject(body(request));
        Bytes replacement = value(bytesField(object, Api.VALUE).orElseThrow(() -> badRequest(
                "a compare-and-set body needs \"value\" (or \"valueBase64\")")), "value");
        Optional<byte[]> expected = bytesField(object, Api.EXPECTED);
        JsonNode version = object.get(Api.EXPECTED_VERSION);
        if (expected.isPresent() == (version != null)) {
            throw badRequest("a compare-and-set body needs exactly one of \"expected\" (or \"expectedBase64\") and"
                    + " \"expectedVersion\"");
        }
        if (version != null) {
            if (!version.canConvertToExactIntegral() || version.asLong() < 0) {
                throw badRequest("\"expectedVersion\" must be an integer >= 0 (0: the key is absent)");
            }
            return new KvCommand.CompareAndSetVersion(key, version.asLong(), replacement);
        }
        return new KvCommand.CompareAndSetValue(key, value(expected.get(), "expected"), replacement);
    }

    /** How a GET asks to be read (?consistency=...). */
    enum Consistency {
        /** ReadIndex: a heartbeat round confirms the leader (the default). */
        LINEARIZABLE,
        /** The leader's lease instead of the round while it holds one; otherwise as LINEARIZABLE. */
        LEASE,
        /** This node's own state machine, at once (may be stale). */
        LOCAL
    }

    /** The GET's ?consistency=linearizable|lease|local, LINEARIZABLE when absent. */
    static Consistency consistency(QueryStringDecoder query) {
        List<String> values = query.parameters().get(Api.CONSISTENCY_PARAMETER);
        if (values == null) {
            return Consistency.LINEARIZABLE;
        }
        if (values.size() == 1) {
            switch (values.get(0)) {
                case Api.CONSISTENCY_LINEARIZABLE -> {
                    return Consistency.LINEARIZABLE;
                }
                case Api.CONSISTENCY_LEASE -> {
                    return Consistency.LEASE;
                }
                case Api.CONSISTENCY_LOCAL -> {
                    return Consistency.LOCAL;
                }
                default -> { }
            }
        }
        throw badRequest("consistency must be '" + Api.CONSISTENCY_LINEARIZABLE + "', '" + Api.CONSISTENCY_LEASE
                + "' or '" + Api.CONSISTENCY_LOCAL + "' (once), got " + values);
    }

    /** {@code ?op=add-learner|promote|remove&id=N} as the core's change. */
    static MembershipChange membershipChange(QueryStringDecoder query) {
        String op = query.parameters().getOrDefault(Api.MEMBERS_OP_PARAMETER, List.of("")).get(0);
        String idText = query.parameters().getOrDefault(Api.MEMBERS_ID_PARAMETER, List.of("")).get(0);
        long id = positive(idText, "the server id (" + Api.MEMBERS_ID_PARAMETER + "=N)");
        if (id > Integer.MAX_VALUE) {
            throw badRequest("server id " + id + " is out of range");
        }
        return switch (op) {
            case Api.OP_ADD_LEARNER -> new MembershipChange.AddLearner((int) id);
            case Api.OP_PROMOTE -> new MembershipChange.Promote((int) id);
            case Api.OP_REMOVE -> new MembershipChange.Remove((int) id);
            default -> throw badRequest("expected " + Api.MEMBERS_OP_PARAMETER + "=" + Api.OP_ADD_LEARNER + "|"
                    + Api.OP_PROMOTE + "|" + Api.OP_REMOVE + ", got '" + op + "'");
        };
    }

    static long positive(String text, String name) {
        long value = number(text, name);
        if (value < 1) {
            throw badRequest(name + " must be >= 1, got " + value);
        }
        return value;
    }

    static ApiException badRequest(String message) {
        return new ApiException(HttpResponseStatus.BAD_REQUEST, Api.BAD_REQUEST, message);
    }

    private static long number(String text, String name) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException notNumber) {
            throw badRequest(name + " must be a decimal integer, got '" + text + "'");
        }
    }

    private static byte[] body(FullHttpRequest request) {
        byte[] body = new byte[request.content().readableBytes()];
        request.content().getBytes(request.content().readerIndex(), body);
        return body;
    }

    private static boolean isJson(FullHttpRequest request) {
        String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json");
    }

    private static JsonNode jsonObject(byte[] body) {
        try {
            JsonNode node = Replies.JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw badRequest("the body must be a JSON object");
            }
            return node;
        } catch (IOException malformed) {
            throw badRequest("the body is not valid JSON: " + firstLine(malformed.getMessage()));
        }
    }

    private static Optional<byte[]> bytesField(JsonNode object, String field) {
        try {
            return Api.readBytes(object, field);
        } catch (IllegalArgumentException wrong) {
            throw badRequest(wrong.getMessage());
        }
    }

    private static Bytes value(byte[] value, String what) {
        if (value.length > KvCodec.MAX_VALUE_BYTES) {
            throw new ApiException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Api.PAYLOAD_TOO_LARGE, what + " has "
                    + value.length + " bytes; at most " + KvCodec.MAX_VALUE_BYTES + " are allowed");
        }
        return Bytes.copyOf(value);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
