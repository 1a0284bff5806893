package io.raftkv.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** A node's client address: host and port of its HTTP API. */
public record Endpoint(String host, int port) {

    public Endpoint {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("an endpoint needs a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in 1..65535, got " + port);
        }
    }

    /** Parses {@code host:port} (an {@code http://} prefix and a trailing path are tolerated). */
    public static Endpoint parse(String text) {
        String trimmed = text.trim();
        if (trimmed.startsWith("http://")) {
            URI uri = URI.create(trimmed);
            if (uri.getHost() == null || uri.getPort() < 0) {
                throw new IllegalArgumentException("expected http://host:port, got '" + text + "'");
            }
            return new Endpoint(uri.getHost(), uri.getPort());
        }
        int colon = trimmed.lastIndexOf(':');
        if (colon <= 0 || colon == trimmed.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got '" + text + "'");
        }
        try {
            return new Endpoint(trimmed.substring(0, colon), Integer.parseInt(trimmed.substring(colon + 1)));
        } catch (NumberFormatException notNumber) {
            throw new IllegalArgumentException("expected host:port with a numeric port, got '" + text + "'");
        }
    }

    /** Parses a comma-separated list of {@code host:port}. */
    public static List<Endpoint> parseList(String text) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                endpoints.add(parse(part));
            }
        }
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no endpoint in '" + text + "'");
        }
        return List.copyOf(endpoints);
    }

    public String url() {
        return "http://" + host + ":" + port;
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
