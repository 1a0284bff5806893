package io.raftkv.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.raftkv.client.Api;

/** JSON responses of the client API: bodies, errors with their outcome, redirects. */
final class Replies {
    private Replies() {}

    static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    static FullHttpResponse json(HttpResponseStatus status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("cannot write a response as JSON", impossible);
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(bytes, new byte[] {'\n'}));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length + 1);
        return response;
    }

    /** An error body: {"error": code, "message": ..., "outcome": failed|unknown}. */
    static ObjectNode errorBody(String code, String message, String outcome) {
        ObjectNode body = object();
        body.put(Api.ERROR, code);
        body.put(Api.MESSAGE, message);
        body.put(Api.OUTCOME, outcome);
        return body;
    }

    /** The request certainly had no effect. */
    static FullHttpResponse failed(HttpResponseStatus status, String code, String message) {
        return json(status, errorBody(code, message, Api.OUTCOME_FAILED));
    }

    /** The request may or may not take effect. */
    static FullHttpResponse unknown(HttpResponseStatus status, String code, String message) {
        return json(status, errorBody(code, message, Api.OUTCOME_UNKNOWN));
    }

    /** 307 to the leader's client URL with the same path and query (curl -L follows it, method and body kept). */
    static FullHttpResponse redirect(int leader, String leaderUrl, String uri) {
        ObjectNode body = errorBody(Api.NOT_LEADER, "this node is not the leader; node " + leader + " is, at "
                + leaderUrl, Api.OUTCOME_FAILED);
        body.put(Api.LEADER, leader);
        body.put(Api.LEADER_URL, leaderUrl);
        FullHttpResponse response = json(HttpResponseStatus.TEMPORARY_REDIRECT, body);
        response.headers().set(HttpHeaderNames.LOCATION, leaderUrl + uri);
        return response;
    }

    static FullHttpResponse noLeader(String why) {
        return failed(HttpResponseStatus.SERVICE_UNAVAILABLE, Api.NO_LEADER, why);
    }
}
