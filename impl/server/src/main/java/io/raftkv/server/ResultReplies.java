package io.raftkv.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.raftkv.client.Api;
import io.raftkv.kv.Bytes;
import io.raftkv.kv.KvResult;
import io.raftkv.kv.Versioned;
import io.raftkv.server.Proposer.Proposal;

/**
 * How a proposal's end becomes an HTTP answer. The status code and the body's {@code outcome} say
 * what the client may conclude: 2xx, 404 (absent key) and 412 (failed comparison) are answers;
 * {@code failed} means the command certainly had no effect (it was never appended, or the store
 * refused it); {@code unknown} means it may still take effect (a timeout, an overwritten entry).
 */
final class ResultReplies {
    private ResultReplies() {}

    static FullHttpResponse of(Proposal proposal, Bytes key, boolean get, ServerConfig config, String uri) {
        return switch (proposal) {
            case Proposal.Applied applied -> applied(applied.result(), key, get);
            case Proposal.NotLeader notLeader -> notLeader(notLeader.leaderHint(), config, uri);
            case Proposal.Refused refused -> Replies.failed(HttpResponseStatus.SERVICE_UNAVAILABLE, Api.DROPPED,
                    "the leader did not take the command: " + refused.reason() + "; retry");
            case Proposal.NodeDown down -> Replies.failed(HttpResponseStatus.SERVICE_UNAVAILABLE, Api.NODE_STOPPED,
                    "node " + config.id() + " is down: " + down.reason());
            case Proposal.Overwritten overwritten -> Replies.unknown(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    Api.OVERWRITTEN, "the command appended at index " + overwritten.index() + " in term "
                            + overwritten.term() + " was replaced by a newer leader's entry; retry (with the same"
                            + " session sequence number to stay exactly-once)");
            case Proposal.TimedOut timedOut -> Replies.unknown(HttpResponseStatus.GATEWAY_TIMEOUT, Api.TIMEOUT,
                    timedOut.reason() + " (" + config.requestTimeoutMillis() + " ms); the command may still take"
                            + " effect");
        };
    }

    /** 307 to the leader, or 503 when this node knows of none. */
    static FullHttpResponse notLeader(int leaderHint, ServerConfig config, String uri) {
        if (leaderHint == 0 || leaderHint == config.id() || config.clientUrl(leaderHint) == null) {
            return Replies.noLeader("node " + config.id() + " is not the leader and knows of none (an election may"
                    + " be under way); retry shortly");
        }
        return Replies.redirect(leaderHint, config.clientUrl(leaderHint), uri);
    }

    static boolean isUnknownSession(Proposal proposal) {
        return proposal instanceof Proposal.Applied applied && applied.result() instanceof KvResult.Rejected rejected
                && rejected.reason() == KvResult.Reason.UNKNOWN_SESSION;
    }

    static ObjectNode found(Bytes key, Versioned value) {
        ObjectNode body = keyed(key);
        body.put(Api.FOUND, true);
        Api.putBytes(body, Api.VALUE, value.value().toByteArray());
        body.put(Api.VERSION, value.version());
        return body;
    }

    static ObjectNode absent(Bytes key) {
        ObjectNode body = Replies.errorBody(Api.KEY_NOT_FOUND, "no such key", Api.OUTCOME_FAILED);
        Api.putBytes(body, Api.KEY, key.toByteArray());
        body.put(Api.FOUND, false);
        return body;
    }

    private static FullHttpResponse applied(KvResult result, Bytes key, boolean get) {
        HttpResponseStatus ok = HttpResponseStatus.OK;
        return switch (result) {
            case KvResult.Registered registered -> Replies.json(ok, Replies.object().put(Api.CLIENT_ID,
                    registered.clientId()));
            case KvResult.Unregistered unregistered -> Replies.json(ok, Replies.object().put("closed", true));
            case KvResult.Written written -> Replies.json(ok, keyed(key).put(Api.VERSION, written.version()));
            case KvResult.Deleted deleted -> Replies.json(ok, keyed(key).put(Api.DELETED, true)
                    .put(Api.REVISION, deleted.revision()));
            case KvResult.Found found -> Replies.json(ok, found(key, new Versioned(found.value(), found.version())));
            case KvResult.NotFound notFound -> get ? Replies.json(HttpResponseStatus.NOT_FOUND, absent(key))
                    : Replies.json(ok, keyed(key).put(Api.DELETED, false));
            case KvResult.CompareFailed failed -> compareFailed(key, failed);
            case KvResult.Rejected rejected -> rejected(rejected);
        };
    }

    private static FullHttpResponse compareFailed(Bytes key, KvResult.CompareFailed failed) {
        ObjectNode body = Replies.errorBody(Api.COMPARE_FAILED, failed.currentVersion() == 0
                ? "the key is absent" : "the key holds version " + failed.currentVersion(), Api.OUTCOME_FAILED);
        Api.putBytes(body, Api.KEY, key.toByteArray());
        body.put(Api.CURRENT_VERSION, failed.currentVersion());
        if (failed.currentVersion() != 0) {
            Api.putBytes(body, Api.CURRENT_VALUE, failed.currentValue().toByteArray());
        }
        return Replies.json(HttpResponseStatus.PRECONDITION_FAILED, body);
    }

    private static FullHttpResponse rejected(KvResult.Rejected rejected) {
        String detail = rejected.detail();
        return switch (rejected.reason()) {
            case UNKNOWN_SESSION -> Replies.failed(HttpResponseStatus.CONFLICT, Api.UNKNOWN_SESSION, detail);
            // The sequence was acknowledged already: whether an earlier copy was applied is not known here.
            case STALE_SEQUENCE -> Replies.unknown(HttpResponseStatus.CONFLICT, Api.STALE_SEQUENCE, detail);
            case TOO_MANY_PENDING -> Replies.failed(HttpResponseStatus.TOO_MANY_REQUESTS, Api.TOO_MANY_PENDING, detail);
            case MALFORMED_COMMAND -> Replies.failed(HttpResponseStatus.INTERNAL_SERVER_ERROR, Api.INTERNAL, detail);
        };
    }

    private static ObjectNode keyed(Bytes key) {
        ObjectNode body = Replies.object();
        Api.putBytes(body, Api.KEY, key.toByteArray());
        return body;
    }
}
