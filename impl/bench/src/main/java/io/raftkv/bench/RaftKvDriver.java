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
    private final Duration retryPauseMax;

    /**
     * @param retryPauseMax the client's pause between attempts starts at 5 ms and doubles up to this
     *                      (100 ms is the client library's default)
     */
    public RaftKvDriver(List<Endpoint> endpoints, Duration retryPauseMax) {
        this.endpoints = List.copyOf(endpoints);
        this.retryPauseMax = retryPauseMax;
    }

    @Override
    public String name() {
        return "raftkv";
    }

    @Override
    public Connection connect(Duration operationTimeout) {
        RaftKvClient.Options options = RaftKvClient.Options.defaults(endpoints).withOperationTimeout(operationTimeout)
                .withRetryPauseMax(retryPauseMax);
        if (operationTimeout.compareTo(options.attemptTimeout()) < 0) {
            options = options.withAttemptTimeout(operationTimeout);
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
