package io.raftkv.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Exactly-once under a hostile network. Two clients send puts (each a distinct value, on three
 * shared keys) through a "network" that duplicates copies, delivers them in any order, keeps some
 * to deliver again much later, and loses responses; clients retry requests whose result they have
 * not seen, and acknowledge only a prefix of sequences whose results they hold, as a correct
 * client does. The log is the order in which copies reach the leader.
 *
 * <p>What must hold: the first copy of a request to be applied writes, at its own index; every
 * later copy returns that same first result, or is refused as stale when it arrives after the
 * client acknowledged it, and never writes; so the final key space is exactly "each request
 * applied once, at its first position in the log", which a version (the index of the last write)
 * would betray otherwise.
 */
class ExactlyOnceProperties {
    private record Copy(int client, long sequence, long acknowledged) {}

    private static final class Client {
        final long clientId;
        long nextSequence = 1;
        final TreeMap<Long, KvResult> seen = new TreeMap<>();

        Client(long clientId) {
            this.clientId = clientId;
        }

        /** The longest prefix 1..n of sequences whose results this client holds. */
        long acknowledgeable() {
            long through = 0;
            while (seen.containsKey(through + 1)) {
                through++;
            }
            return through;
        }
    }

    private static KvCommand.Put operation(int client, long sequence) {
        return new KvCommand.Put(Bytes.utf8("k" + sequence % 3), Bytes.utf8("c" + client + "s" + sequence));
    }

    @Property(tries = 500, seed = "20261202")
    void everyRequestTakesEffectOnceAtItsFirstPosition(
            @ForAll @Size(min = 1, max = 400) List<@IntRange(min = 0, max = 9999) Integer> choices) {
        KvStateMachine machine = new KvStateMachine();
        List<Client> clients = List.of(new Client(register(machine)), new Client(register(machine)));
        List<Copy> network = new ArrayList<>();
        TreeMap<String, KvResult> firstResult = new TreeMap<>();
        long[] acknowledgedMax = new long[2];
        TreeMap<Bytes, Versioned> expected = new TreeMap<>();
        for (int choice : choices) {
            int action = choice % 10;
            int pick = choice / 10;
            Client client = clients.get(pick % 2);
            if (action <= 2) {
                Copy copy = new Copy(pick % 2, client.nextSequence++, client.acknowledgeable());
                network.add(copy);
                if (pick % 3 == 0) {
                    network.add(copy); // the network duplicates it
                }
            } else if (action <= 4) {
                retryUnseen(client, pick % 2, pick, network);
            } else if (!network.isEmpty()) {
                Copy copy = pick % 4 == 0 ? network.get(pick % network.size()) // delivered, and kept for later
                        : network.remove(pick % network.size());
                long index = machine.appliedIndex() + 1;
                KvResult result = deliver(machine, clients.get(copy.client()), copy);
                String request = copy.client() + "/" + copy.sequence();
                if (!firstResult.containsKey(request)) {
                    assertEquals(new KvResult.Written(index), result, "first copy of " + request);
                    firstResult.put(request, result);
                    Statistics.collect("first copy");
                    KvCommand.Put put = operation(copy.client(), copy.sequence());
                    expected.put(put.key(), new Versioned(put.value(), index));
                } else if (result instanceof KvResult.Rejected rejected) {
                    assertEquals(KvResult.Reason.STALE_SEQUENCE, rejected.reason(), request);
                    assertTrue(copy.sequence() <= acknowledgedMax[copy.client()], "stale only once acknowledged");
                    Statistics.collect("stale copy");
                } else {
                    assertEquals(firstResult.get(request), result, "a later copy of " + request);
                    Statistics.collect("later copy, cached result");
                }
                acknowledgedMax[copy.client()] = Math.max(acknowledgedMax[copy.client()], copy.acknowledged());
                if (pick % 3 != 0 && !(result instanceof KvResult.Rejected)) {
                    clients.get(copy.client()).seen.put(copy.sequence(), result); // else the response is lost
                }
            }
        }
        assertEquals(expected.size(), machine.keyCount());
        for (Map.Entry<Bytes, Versioned> entry : expected.entrySet()) {
            assertEquals(entry.getValue(), machine.get(entry.getKey()).orElseThrow(), "key " + entry.getKey());
        }
        long lastFirstWrite = firstResult.values().stream().mapToLong(r -> ((KvResult.Written) r).version()).max()
                .orElse(0);
        assertEquals(lastFirstWrite, machine.revision(), "no later copy wrote anything");
        machine.checkInvariants();
    }

    private static void retryUnseen(Client client, int clientIndex, int pick, List<Copy> network) {
        List<Long> unseen = new ArrayList<>();
        for (long sequence = 1; sequence < client.nextSequence; sequence++) {
            if (!client.seen.containsKey(sequence)) {
                unseen.add(sequence);
            }
        }
        if (!unseen.isEmpty()) {
            long sequence = unseen.get(pick % unseen.size());
            long acknowledged = client.acknowledgeable();
            assertFalse(sequence <= acknowledged, "a client never acknowledges what it has not seen");
            network.add(new Copy(clientIndex, sequence, acknowledged));
        }
    }

    private static KvResult deliver(KvStateMachine machine, Client client, Copy copy) {
        KvCommand command = new KvCommand.Request(0, client.clientId, copy.sequence(), copy.acknowledged(),
                operation(copy.client(), copy.sequence()));
        byte[] result = machine.apply(machine.appliedIndex() + 1, command.encode());
        return KvResult.decode(result).orElseThrow();
    }

    private static long register(KvStateMachine machine) {
        byte[] result = machine.apply(machine.appliedIndex() + 1, new KvCommand.Register(0).encode());
        return ((KvResult.Registered) KvResult.decode(result).orElseThrow()).clientId();
    }
}
