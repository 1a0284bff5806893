package io.raftkv.kv;

import io.raftkv.kv.KvCommand.CompareAndSetValue;
import io.raftkv.kv.KvCommand.CompareAndSetVersion;
import io.raftkv.kv.KvCommand.Delete;
import io.raftkv.kv.KvCommand.Get;
import io.raftkv.kv.KvCommand.Put;
import io.raftkv.kv.KvCommand.Register;
import io.raftkv.kv.KvCommand.Request;
import io.raftkv.kv.KvCommand.Unregister;
import io.raftkv.kv.KvResult.Reason;
import java.util.TreeMap;

/**
 * The reference model for differential tests, written straight from the rules in package-info
 * and kept naive on purpose: it never forgets a result (it keeps every result a client ever got
 * and consults the acknowledgement only to decide staleness and the pending count), and it has no
 * expiry or eviction, so tests that use it keep every stamp at 0 and the limits out of reach.
 */
final class NaiveKv {
    final int maxPending;
    final TreeMap<Bytes, Versioned> data = new TreeMap<>();
    final TreeMap<Long, TreeMap<Long, KvResult>> resultsByClient = new TreeMap<>();
    final TreeMap<Long, Long> acknowledgedByClient = new TreeMap<>();
    long revision;

    NaiveKv(int maxPending) {
        this.maxPending = maxPending;
    }

    /** The expected result; a rejection is compared by its reason only. */
    KvResult apply(long index, KvCommand command) {
        switch (command) {
            case Register register -> {
                resultsByClient.put(index, new TreeMap<>());
                acknowledgedByClient.put(index, 0L);
                return new KvResult.Registered(index);
            }
            case Unregister unregister -> {
                boolean live = resultsByClient.remove(unregister.clientId()) != null;
                acknowledgedByClient.remove(unregister.clientId());
                return live ? new KvResult.Unregistered() : rejected(Reason.UNKNOWN_SESSION);
            }
            case Request request -> {
                return request(index, request);
            }
        }
    }

    private KvResult request(long index, Request request) {
        TreeMap<Long, KvResult> results = resultsByClient.get(request.clientId());
        if (results == null) {
            return rejected(Reason.UNKNOWN_SESSION);
        }
        long acknowledged = acknowledgedByClient.get(request.clientId());
        if (request.sequence() <= acknowledged) {
            return rejected(Reason.STALE_SEQUENCE);
        }
        acknowledged = Math.max(acknowledged, request.acknowledgedThrough());
        acknowledgedByClient.put(request.clientId(), acknowledged);
        if (results.containsKey(request.sequence())) {
            return results.get(request.sequence());
        }
        if (results.tailMap(acknowledged, false).size() >= maxPending) {
            return rejected(Reason.TOO_MANY_PENDING);
        }
        KvResult result = execute(index, request.operation());
        results.put(request.sequence(), result);
        return result;
    }

    private KvResult execute(long index, KvCommand.Operation operation) {
        Bytes key = operation.key();
        Versioned current = data.get(key);
        long currentVersion = current == null ? 0 : current.version();
        KvResult failed = new KvResult.CompareFailed(currentVersion, current == null ? Bytes.EMPTY : current.value());
        switch (operation) {
            case Get get -> {
                return current == null ? new KvResult.NotFound() : new KvResult.Found(current.value(), currentVersion);
            }
            case Put put -> {
                return write(index, key, put.value());
            }
            case Delete delete -> {
                if (current == null) {
                    return new KvResult.NotFound();
                }
                data.remove(key);
                revision = index;
                return new KvResult.Deleted(index);
            }
            case CompareAndSetValue cas -> {
                return current != null && current.value().equals(cas.expected())
                        ? write(index, key, cas.replacement()) : failed;
            }
            case CompareAndSetVersion cas -> {
                return currentVersion == cas.expectedVersion() ? write(index, key, cas.replacement()) : failed;
            }
        }
    }

    private KvResult write(long index, Bytes key, Bytes value) {
        data.put(key, new Versioned(value, index));
        revision = index;
        return new KvResult.Written(index);
    }

    static KvResult rejected(Reason reason) {
        return new KvResult.Rejected(reason, "");
    }

    /** Equal, or both rejections for the same reason. */
    static boolean sameOutcome(KvResult expected, KvResult actual) {
        if (expected instanceof KvResult.Rejected want && actual instanceof KvResult.Rejected got) {
            return want.reason() == got.reason();
        }
        return expected.equals(actual);
    }
}
