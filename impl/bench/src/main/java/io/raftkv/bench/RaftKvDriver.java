package io.raftkv.bench;

import io.raftkv.client.Endpoint;
import io.raftkv.client.Outcome;
import io.raftkv.client.RaftKvClient;
import java.time.Duration;
import java.util.List;

/**
 * raftkv through {@link RaftKvClient}: one client (one session, one keep-alive connection per node)
 * per generator client, as an application would use it.
 */
public final class RaftKvDriver implements KvDriver {
    private final List<Endpoint> endpoints;

    public RaftKvDriver(List<Endpoint> endpoints) {
        this.endpoints = List.copyOf(endpoints);
    }

    @Override
    public String name() {
        return "raftkv";
    }

    @Override
    public Connection connect(Duration operationTimeout) {
        RaftKvClient.Options options = RaftKvClient.Options.defaults(endpoints).withOperationTimeout(operationTimeout);
        if (operationTimeout.compareTo(options.attemptTimeout()) < 0) {
            // Short operations (the failover probe) also retry often, as cluster failover does.
            options = options.withAttemptTimeout(operationTimeout).withRetryPauseMax(Duration.ofMillis(10));
        }
        RaftKvClient client = RaftKvClient.connect(options);
        return new Connection() {
            @Override
            public String put(String key, byte[] value) {
                return error(client.put(key, value));
            }

            @Override
            public String get(String key) {
                return error(client.get(key));
            }

            @Override
            public String compareAndSet(String key, byte[] expected, byte[] replacement) {
                return error(client.compareAndSet(key, expected, replacement));
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }

    private static String error(Outcome<?> outcome) {
        return outcome.isOk() ? null : outcome.describe();
    }

    @Override
    public void close() {
        // Nothing shared: each connection closes its own client.
    }
}
