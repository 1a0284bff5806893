package io.raftkv.client;

import java.util.Map;

/**
 * A response as read off the wire.
 *
 * @param status  HTTP status code
 * @param headers header values by lower-case name (the last one when repeated)
 * @param body    the body, empty if none
 */
record HttpReply(int status, Map<String, String> headers, byte[] body) {

    String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
