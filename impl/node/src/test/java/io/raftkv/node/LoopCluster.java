package io.raftkv.node;

import io.raftkv.core.Config;
import io.raftkv.core.Entry;
import io.raftkv.core.Message;
import io.raftkv.core.RaftNode;
import io.raftkv.core.RaftObserver;
import io.raftkv.core.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A few NodeLoops over {@link HeldStore}s and a network the test drives by hand: messages wait in
 * {@link #inFlight} until delivered, writes wait in the stores until completed. Single-threaded and
 * deterministic; every write and every send is appended to one {@link #journal} in the order it
 * happened.
 */
final class LoopCluster {
    final List<String> journal = new ArrayList<>();
    final List<Message> inFlight = new ArrayList<>();
    final TreeMap<Integer, HeldStore> stores = new TreeMap<>();
    final TreeMap<Integer, NodeLoop> loops = new TreeMap<>();
    final TreeMap<Integer, List<Entry>> applied = new TreeMap<>();

    LoopCluster(int size) {
        Config config = Config.ofSize(size);
        for (int id : config.members()) {
            HeldStore store = new HeldStore(id, journal);
            List<Entry> machine = new ArrayList<>();
            RaftNode raft = RaftNode.create(config, id, 1000 + id, RaftObserver.NONE);
            stores.put(id, store);
            applied.put(id, machine);
            loops.put(id, new NodeLoop(raft, store, this::send, new ListMachine(machine)));
        }
    }

    private void send(Message message) {
        journal.add("send " + message);
        inFlight.add(message);
    }

    NodeLoop loop(int id) {
        return loops.get(id);
    }

    HeldStore store(int id) {
        return stores.get(id);
    }

    /** Delivers (and removes) every message in flight that matches, in send order; returns how many. */
    int deliver(Predicate<Message> which) {
        List<Message> chosen = inFlight.stream().filter(which).toList();
        inFlight.removeAll(chosen);
        for (Message message : chosen) {
            loops.get(message.to()).receive(message);
        }
        return chosen.size();
    }

    /** Makes every held write of node {@code id} durable and reports it to its loop. */
    void complete(int id) {
        HeldStore store = stores.get(id);
        if (store.makeDurable(Long.MAX_VALUE) > 0) {
            loops.get(id).writeCompleted(store.lastSequence());
        }
    }

    /** Completes writes and delivers messages until nothing moves (bounded, a test must settle). */
    void settle() {
        for (int round = 0; round < 1000; round++) {
            int moved = 0;
            for (int id : loops.keySet()) {
                moved += stores.get(id).held().size();
                complete(id);
            }
            moved += deliver(message -> true);
            if (moved == 0) {
                return;
            }
        }
        throw new AssertionError("the cluster did not settle in 1000 rounds");
    }

    /** Node {@code id} campaigns and the cluster settles; it must then lead. */
    void elect(int id) {
        loops.get(id).campaign();
        settle();
        if (loops.get(id).raft().role() != Role.LEADER) {
            throw new AssertionError("node " + id + " did not become leader: " + loops.get(id).raft().state());
        }
    }
}
