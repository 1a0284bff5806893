package io.raftkv.server;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request refused while it is being read, before anything reaches the log: bad input from
 * outside (DESIGN.md "Errors"), answered with {@code status} and an error body; the connection and
 * the node carry on.
 */
final class ApiException extends RuntimeException {
    final HttpResponseStatus status;
    final String code;
    /** The methods the path allows, for a 405's Allow header; null otherwise. */
    final String allow;

    ApiException(HttpResponseStatus status, String code, String message) {
        this(status, code, message, null);
    }

    ApiException(HttpResponseStatus status, String code, String message, String allow) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.allow = allow;
    }
}
