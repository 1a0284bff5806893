package io.raftkv.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One keep-alive HTTP/1.1 connection to one endpoint, used by one thread at a time: a request is
 * written, then its whole response read, with a deadline on everything. It is small on purpose:
 * the server it talks to always answers with a Content-Length, so no chunked decoding is needed,
 * and a blocking socket means the client library starts no thread of its own.
 *
 * <p>What the caller needs to know for exactly-once accounting is whether a request may have
 * reached the server: {@link NotSentException} says it certainly did not (the connection could not
 * be opened); any other IOException leaves it open.
 */
final class HttpConnection implements Closeable {
    static final int MAX_LINE_BYTES = 16 * 1024;
    static final int MAX_HEADERS = 64;
    static final int MAX_BODY_BYTES = 64 << 20;

    /** The request certainly did not reach the server. */
    static final class NotSentException extends IOException {
        NotSentException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Endpoint endpoint;
    private final int connectTimeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    HttpConnection(Endpoint endpoint, int connectTimeoutMillis) {
        this.endpoint = endpoint;
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    /**
     * Sends one request and reads its response. A kept-alive connection the server closed while idle
     * fails before any response byte; the request is then sent once more on a fresh connection,
     * which is what HTTP clients do (RFC 9110 §9.2.2) and is safe here because every request the
     * client library sends either is idempotent or carries a session sequence number.
     */
    HttpReply exchange(String method, String target, Map<String, String> headers, byte[] body, long deadlineNanos)
            throws IOException {
        if (deadlineNanos - System.nanoTime() <= 0) {
            throw new NotSentException("the deadline passed before the request to " + endpoint + " was sent", null);
        }
        if (socket == null) {
            open(deadlineNanos);
            return exchangeOnce(method, target, headers, body, deadlineNanos);
        }
        try {
            return exchangeOnce(method, target, headers, body, deadlineNanos);
        } catch (EOFException | SocketException staleConnection) {
            try {
                open(deadlineNanos);
            } catch (NotSentException notSent) {
                // The first copy went out on the old connection and may have been processed.
                IOException lost = new IOException("connection to " + endpoint + " lost ("
                        + staleConnection.getMessage() + ") and cannot be reopened: " + notSent.getMessage());
                lost.addSuppressed(notSent);
                throw lost;
            }
            return exchangeOnce(method, target, headers, body, deadlineNanos);
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing a socket we are abandoning: nothing to do about a failure.
            }
        }
        socket = null;
        in = null;
        out = null;
    }

    private void open(long deadlineNanos) throws NotSentException {
        Socket fresh = new Socket();
        try {
            fresh.setTcpNoDelay(true);
            fresh.connect(new InetSocketAddress(endpoint.host(), endpoint.port()),
                    Math.min(connectTimeoutMillis, remainingMillis(deadlineNanos)));
            socket = fresh;
            in = new BufferedInputStream(fresh.getInputStream(), 16 * 1024);
            // Buffered like the input: a request's head and body then leave in one write (one segment,
            // one read on the server) unless the body alone fills the buffer, which it then bypasses.
            out = new BufferedOutputStream(fresh.getOutputStream(), 16 * 1024);
        } catch (IOException failed) {
            try {
                fresh.close();
            } catch (IOException ignored) {
                // The connection never opened.
            }
            throw new NotSentException("cannot connect to " + endpoint + ": " + failed.getMessage(), failed);
        }
    }

    private HttpReply exchangeOnce(String method, String target, Map<String, String> headers, byte[] body,
            long deadlineNanos) throws IOException {
        try {
            socket.setSoTimeout(Math.max(1, (int) Math.min(Integer.MAX_VALUE,
                    (deadlineNanos - System.nanoTime()) / 1_000_000)));
            write(method, target, headers, body);
            HttpReply reply = read(deadlineNanos);
            if ("close".equalsIgnoreCase(reply.header("connection"))) {
                close();
            }
            return reply;
        } catch (IOException | RuntimeException failed) {
            close();
            throw failed;
        }
    }

    private void write(String method, String target, Map<String, String> headers, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder(256);
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(endpoint).append("\r\n");
        head.append("Content-Length: ").append(body.length).append("\r\n");
        for (Map.Entry<String, String> header : headers.entrySet()) {
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    private HttpReply read(long deadlineNanos) throws IOException {
        String statusLine = readLine();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response from " + endpoint + ": '" + statusLine + "'");
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException notNumber) {
            throw new IOException("bad status line from " + endpoint + ": '" + statusLine + "'");
        }
        Map<String, String> headers = readHeaders();
        socket.setSoTimeout(remainingMillis(deadlineNanos));
        return new HttpReply(status, headers, readBody(headers));
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new TreeMap<>();
        for (int count = 0; count <= MAX_HEADERS; count++) {
            String line = readLine();
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("bad header line from " + endpoint + ": '" + line + "'");
            }
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        throw new IOException("more than " + MAX_HEADERS + " headers from " + endpoint);
    }

    private byte[] readBody(Map<String, String> headers) throws IOException {
        if (headers.containsKey("transfer-encoding")) {
            throw new IOException("unsupported Transfer-Encoding from " + endpoint + ": "
                    + headers.get("transfer-encoding"));
        }
        String length = headers.get("content-length");
        if (length == null) {
            throw new IOException("a response without Content-Length from " + endpoint);
        }
        long bytes;
        try {
            bytes = Long.parseLong(length);
        } catch (NumberFormatException notNumber) {
            throw new IOException("bad Content-Length from " + endpoint + ": " + length);
        }
        if (bytes < 0 || bytes > MAX_BODY_BYTES) {
            throw new IOException("a response body of " + bytes + " bytes from " + endpoint);
        }
        byte[] body = in.readNBytes((int) bytes);
        if (body.length != bytes) {
            throw new EOFException("the body from " + endpoint + " ended after " + body.length + " of " + bytes
                    + " bytes");
        }
        return body;
    }

    /** A CRLF- (or LF-) terminated line in ISO-8859-1, without the terminator. */
    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection to " + endpoint + " closed before a full response");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= MAX_LINE_BYTES) {
                throw new IOException("a response line longer than " + MAX_LINE_BYTES + " bytes from " + endpoint);
            }
            line.write(b);
        }
    }

    private static int remainingMillis(long deadlineNanos) throws SocketTimeoutException {
        long remaining = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (remaining <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, remaining);
    }
}
