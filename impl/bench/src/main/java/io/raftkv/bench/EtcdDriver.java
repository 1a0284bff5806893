package io.raftkv.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * etcd through its native gRPC client, jetcd. One jetcd client is shared by every generator client
 * (as etcd's own benchmark tool shares its connections): gRPC multiplexes the requests over one
 * HTTP/2 connection per member and spreads them over the members, which forward writes to their
 * leader. Reads use jetcd's default, a linearizable range request.
 */
public final class EtcdDriver implements KvDriver {
    private final Client client;
    private final KV kv;

    /**
     * @param endpoints     the members' client URLs, {@code http://host:port}
     * @param retryPauseMax jetcd retries a request that failed for want of a member or a leader after
     *                      5 ms, doubling up to this: the same policy as raftkv's client (jetcd's own
     *                      default waits 500 ms, then up to 2.5 s, which would make etcd's failover
     *                      figures steps of 500 ms)
     */
    public EtcdDriver(List<String> endpoints, Duration retryPauseMax) {
        this.client = Client.builder().endpoints(endpoints.toArray(String[]::new))
                .retryDelay(Math.min(5, retryPauseMax.toMillis())).retryMaxDelay(retryPauseMax.toMillis()).build();
        this.kv = client.getKVClient();
    }

    @Override
    public String name() {
        return "etcd";
    }

    @Override
    public Connection connect(Duration operationTimeout) {
        long timeoutNanos = operationTimeout.toNanos();
        return new Connection() {
            @Override
            public String put(String key, byte[] value) {
                return await(kv.put(bytes(key), ByteSequence.from(value)), timeoutNanos);
            }

            @Override
            public String get(String key) {
                return await(kv.get(bytes(key)), timeoutNanos);
            }

            @Override
            public String compareAndSet(String key, byte[] expected, byte[] replacement) {
                ByteSequence name = bytes(key);
                var txn = kv.txn()
                        .If(new Cmp(name, Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.from(expected))))
                        .Then(Op.put(name, ByteSequence.from(replacement), PutOption.DEFAULT))
                        .commit();
                String error = await(txn, timeoutNanos);
                return error != null || txn.join().isSucceeded() ? error : "compare failed: " + key
                        + " did not hold the expected value";
            }

            @Override
            public void close() {
                // The jetcd client is shared; the driver closes it.
            }
        };
    }

    private static ByteSequence bytes(String key) {
        return ByteSequence.from(key, StandardCharsets.UTF_8);
    }

    private static String await(CompletableFuture<?> answer, long timeoutNanos) {
        try {
            answer.get(timeoutNanos, TimeUnit.NANOSECONDS);
            return null;
        } catch (TimeoutException late) {
            answer.cancel(true);
            return "no answer within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms";
        } catch (ExecutionException failed) {
            Throwable cause = failed.getCause() == null ? failed : failed.getCause();
            return cause.getClass().getSimpleName() + ": " + cause.getMessage();
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
