package io.raftkv.kv;

import io.raftkv.kv.KvCommand.Operation;
import io.raftkv.kv.KvCommand.Request;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Turns a list of random {@link Step}s (which jqwik generates and shrinks) into a log of encoded
 * commands together with the results {@link NaiveKv} expects for them. Steps register and close
 * sessions, send new requests, retry earlier ones with the same sequence and operation, name
 * unknown clients, and append bytes that are not a command. Keys come from a small set so that
 * operations collide, and compare-and-set is aimed at the current value or version half the time
 * so that both outcomes are common. Leader stamps grow by 7 ms an entry: log time is part of the
 * state (and of snapshots), but stays far below the default session timeout, which the model,
 * having no expiry, relies on.
 */
final class LogGenerator {
    /** One random decision; the fields are interpreted by {@link #interpret}. */
    record Step(int kind, int client, int pick, int acknowledge, int operation, int key, int value, boolean match) {}

    /** One log entry: its bytes and what the model says applying them returns. */
    record Logged(byte[] command, KvResult expected) {}

    static final List<Bytes> KEYS = List.of(Bytes.utf8("a"), Bytes.utf8("b"), Bytes.utf8("c"), Bytes.EMPTY,
            Bytes.copyOf(new byte[] {(byte) 0xff, 0}));
    static final List<Bytes> VALUES = List.of(Bytes.EMPTY, Bytes.utf8("x"), Bytes.utf8("y"), Bytes.utf8("zz"));

    static Arbitrary<Step> steps() {
        return Combinators.combine(Arbitraries.integers().between(0, 19), Arbitraries.integers().between(0, 7),
                Arbitraries.integers().between(0, 63), Arbitraries.integers().between(0, 63),
                Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, KEYS.size() - 1),
                Arbitraries.integers().between(0, VALUES.size() - 1), Arbitraries.of(true, false)).as(Step::new);
    }

    private final NaiveKv model;
    private final List<Logged> log = new ArrayList<>();
    private final List<Long> clients = new ArrayList<>();
    private final TreeMap<Long, List<Request>> sentByClient = new TreeMap<>();

    LogGenerator(int maxPending) {
        this.model = new NaiveKv(maxPending);
    }

    /** The log for {@code steps}; the first two entries register two clients. */
    List<Logged> run(List<Step> steps) {
        append(new KvCommand.Register(stamp()));
        append(new KvCommand.Register(stamp()));
        for (Step step : steps) {
            interpret(step);
        }
        return log;
    }

    /** The log alone, for tests that need no model. */
    static List<Logged> generate(List<Step> steps, int maxPending) {
        return new LogGenerator(maxPending).run(steps);
    }

    NaiveKv model() {
        return model;
    }

    private void interpret(Step step) {
        int kind = step.kind();
        if (kind == 0) {
            append(new KvCommand.Register(stamp()));
        } else if (kind == 1 && !clients.isEmpty()) {
            append(new KvCommand.Unregister(stamp(), clients.get(step.client() % clients.size())));
        } else if (kind == 2) {
            append(request(1_000_000L + step.pick(), 1, 0, operation(step)));
        } else if (kind == 3) {
            appendMalformed(step);
        } else if (kind < 12 || clients.isEmpty()) {
            sendNew(step);
        } else {
            retry(step);
        }
    }

    private void sendNew(Step step) {
        if (clients.isEmpty()) {
            append(new KvCommand.Register(stamp()));
            return;
        }
        long client = clients.get(step.client() % clients.size());
        List<Request> sent = sentByClient.computeIfAbsent(client, c -> new ArrayList<>());
        long sequence = sent.size() + 1;
        Request request = request(client, sequence, acknowledgement(step, sequence), operation(step));
        append(request);
        sent.add(request);
    }

    /**
     * Bytes that are no command: an unsupported format version, or a valid command cut short by
     * one byte (the decoder needs every byte of an encoding, so a proper prefix never decodes).
     * The model expects a rejection and no other change.
     */
    private void appendMalformed(Step step) {
        byte[] garbage;
        if (step.match()) {
            garbage = new byte[] {(byte) (2 + step.pick()), (byte) step.acknowledge(), (byte) step.key()};
        } else {
            byte[] valid = request(1 + step.pick(), 1 + step.acknowledge(), 0, operation(step)).encode();
            garbage = Arrays.copyOf(valid, valid.length - 1);
        }
        log.add(new Logged(garbage, NaiveKv.rejected(KvResult.Reason.MALFORMED_COMMAND)));
    }

    private void retry(Step step) {
        long client = clients.get(step.client() % clients.size());
        List<Request> sent = sentByClient.getOrDefault(client, List.of());
        if (sent.isEmpty()) {
            sendNew(step);
            return;
        }
        Request original = sent.get(sent.size() - 1 - step.pick() % sent.size());
        append(request(client, original.sequence(), acknowledgement(step, original.sequence()),
                original.operation()));
    }

    /** Mostly "everything but the last few", sometimes 0, never the sequence itself. */
    private static long acknowledgement(Step step, long sequence) {
        return step.acknowledge() % 4 == 0 ? 0 : Math.max(0, sequence - 1 - step.acknowledge() % 3);
    }

    private Request request(long client, long sequence, long acknowledged, Operation operation) {
        return new Request(stamp(), client, sequence, acknowledged, operation);
    }

    private long stamp() {
        return 7L * (log.size() + 1);
    }

    private Operation operation(Step step) {
        Bytes key = KEYS.get(step.key());
        Bytes value = VALUES.get(step.value());
        Versioned current = model.data.get(key);
        return switch (step.operation()) {
            case 0 -> new KvCommand.Get(key);
            case 1 -> new KvCommand.Put(key, value);
            case 2 -> new KvCommand.Delete(key);
            case 3 -> new KvCommand.CompareAndSetValue(key,
                    step.match() && current != null ? current.value() : VALUES.get(step.pick() % VALUES.size()), value);
            default -> new KvCommand.CompareAndSetVersion(key,
                    step.match() ? (current == null ? 0 : current.version()) : step.pick() % 8, value);
        };
    }

    private void append(KvCommand command) {
        long index = log.size() + 1;
        KvResult expected = model.apply(index, command);
        log.add(new Logged(command.encode(), expected));
        if (command instanceof KvCommand.Register) {
            clients.add(index);
        } else if (command instanceof KvCommand.Unregister unregister) {
            clients.remove(Long.valueOf(unregister.clientId()));
        }
    }
}
