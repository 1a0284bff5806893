package io.raftkv.bench;

import java.time.Duration;

/**
 * A store the generator can drive: raftkv through its client library, etcd through jetcd. The
 * generator knows nothing else about either, so both are measured by the same code.
 */
public interface KvDriver extends AutoCloseable {

    /** One client's view of the store; used by one thread at a time, one request at a time. */
    interface Connection extends AutoCloseable {
        /** Writes {@code value}; null when acknowledged, else one line saying why not. */
        String put(String key, byte[] value);

        /** A linearizable read; null when answered (found or not), else one line saying why not. */
        String get(String key);

        /** Writes {@code replacement} if the key holds {@code expected}; null when it did, else why not. */
        String compareAndSet(String key, byte[] expected, byte[] replacement);

        @Override
        void close();
    }

    /** "raftkv" or "etcd". */
    String name();

    /** A new client whose operations give up after {@code operationTimeout}, retries included. */
    Connection connect(Duration operationTimeout);

    @Override
    void close();
}
