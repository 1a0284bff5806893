package io.raftkv.transport;

/**
 * Bad input from the other end of a connection: a malformed, truncated, oversized or unexpected
 * frame, or a handshake that does not match. It is checked so that every decoding path has to
 * decide what to do with it; the answer is always the same (log one line, drop that connection),
 * and it never means a bug of this node.
 */
final class ProtocolException extends Exception {
    ProtocolException(String message) {
        super(message);
    }

    ProtocolException(String format, Object... arguments) {
        super(String.format(format, arguments));
    }
}
