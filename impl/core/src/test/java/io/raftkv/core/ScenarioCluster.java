package io.raftkv.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A small, fully scripted cluster for scenario files: every message waits in one ordered in-flight
 * list until a command delivers, drops, duplicates or reorders it; nothing happens on its own. Each
 * node's Ready is handled right after every input, as a driver with asynchronous writes would:
 * submit the write to the node's {@link ScenarioDisk}, queue the messages, apply the committed
 * entries, advance; then, unless the scenario holds the node's persistence back, the write
 * completes at once and is reported with {@link RaftNode#persisted}. A sync Ready always completes
 * at once, after every write submitted before it.
 *
 * <p>This is not the randomized simulator (io.raftkv.sim); it is the datadriven harness that lets a
 * scenario file force one precise interleaving and print what the nodes did.
 */
final class ScenarioCluster {
    private final Config config;
    private final long seed;
    private final StringBuilder out;
    private final TreeMap<Integer, RaftNode> nodes = new TreeMap<>();
    private final TreeMap<Integer, ScenarioDisk> disks = new TreeMap<>();
    private final TreeSet<Integer> crashed = new TreeSet<>();
    private final TreeMap<Integer, Integer> restarts = new TreeMap<>();
    /** Directed links that lose every message ("from->to"); a partition cuts both directions. */
    private final TreeSet<String> cutLinks = new TreeSet<>();
    final List<Message> inFlight = new ArrayList<>();
    boolean printEvents = true;

    ScenarioCluster(Config config, long seed, StringBuilder out) {
        this(config, 0, seed, out);
    }

    /** The initial members and {@code spares} more nodes after them, which start as no member. */
    ScenarioCluster(Config config, int spares, long seed, StringBuilder out) {
        this.config = config;
        this.seed = seed;
        this.out = out;
        List<Integer> ids = new ArrayList<>(config.members());
        int last = config.members().get(config.members().size() - 1);
        for (int k = 1; k <= spares; k++) {
            ids.add(last + k);
        }
        for (int id : ids) {
            disks.put(id, new ScenarioDisk());
            nodes.put(id, RaftNode.create(config, id, nodeSeed(id), this::record));
        }
    }

    Config config() {
        return config;
    }

    RaftNode node(int id) {
        RaftNode node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no node " + id);
        }
        if (crashed.contains(id)) {
            throw new IllegalArgumentException("node " + id + " is crashed");
        }
        return node;
    }

    boolean isCrashed(int id) {
        return crashed.contains(id);
    }

    ScenarioDisk disk(int id) {
        return disks.get(id);
    }

    private long nodeSeed(int id) {
        return seed * 1_000_003L + id * 7919L + restarts.getOrDefault(id, 0) * 104_729L;
    }

    void record(RaftEvent event) {
        if (printEvents) {
            out.append(Describe.event(event)).append('\n');
        }
    }

    /** Runs an input on a live node and then handles its Ready batches. */
    void onNode(int id, java.util.function.Consumer<RaftNode> input) {
        RaftNode node = node(id);
        input.accept(node);
        handleReady(id);
    }

    void handleReady(int id) {
        RaftNode node = nodes.get(id);
        ScenarioDisk disk = disks.get(id);
        while (node.hasReady()) {
            Ready ready = node.ready();
            ScenarioDisk.Write write = new ScenarioDisk.Write(ready.hardState(), ready.entriesToPersist());
            Entry flushed = null;
            if (ready.mustSync()) {
                flushed = disk.completeUpTo(Long.MAX_VALUE); // a sync write goes after every earlier one
                if (ready.snapshot() != null) {
                    disk.log.saveSnapshot(ready.snapshot(), !ready.snapshotKeepsLog());
                    disk.restore(ready.snapshot());
                }
                disk.complete(write);
            } else if (disk.holding) {
                disk.pending.addLast(write);
            } else {
                disk.complete(write);
            }
            inFlight.addAll(ready.messages());
            disk.applied.addAll(ready.committedEntries());
            for (Ready.ReadState read : ready.readStates()) {
                out.append(id).append(" answers read ctx=").append(read.ctx()).append(" at applied index ")
                        .append(read.index()).append('\n');
            }
            for (long ctx : ready.readsAborted()) {
                out.append(id).append(" aborts read ctx=").append(ctx).append('\n');
            }
            node.advance(ready);
            List<Entry> entries = ready.entriesToPersist();
            if (!disk.holding && !entries.isEmpty()) {
                report(node, entries.get(entries.size() - 1));
            }
            report(node, flushed);
            checkDurable(node, disk);
        }
    }

    /** Completes {@code id}'s pending writes up to {@code upTo}, reports them, and handles what follows. */
    Entry releasePersist(int id, long upTo) {
        ScenarioDisk disk = disks.get(id);
        Entry last = disk.completeUpTo(upTo);
        onNode(id, node -> report(node, last));
        return last;
    }

    private static void report(RaftNode node, Entry written) {
        if (written != null) {
            node.persisted(written.index(), written.term());
        }
    }

    /**
     * What the node claims durable must be on its disk. Checking the last durable entry suffices:
     * an entry equal on both sides means an equal prefix (Log Matching, paper §5.3).
     */
    private static void checkDurable(RaftNode node, ScenarioDisk disk) {
        long durable = node.durableIndex();
        Assert.check(disk.log.lastIndex() >= durable, "node %d: durable index %d beyond the disk's %d", node.id(),
                durable, disk.log.lastIndex());
        Assert.check(durable < node.firstIndex()
                        || disk.log.entries(durable, durable, Long.MAX_VALUE).get(0).equals(node.entry(durable)),
                "node %d: durable entry %d differs from the disk's", node.id(), durable);
    }

    /** Delivers, in order, the messages in flight now that match; messages they cause wait. */
    int deliver(Predicate<Message> which) {
        List<Message> batch = new ArrayList<>();
        inFlight.removeIf(message -> which.test(message) && batch.add(message));
        for (Message message : batch) {
            deliverOne(message);
        }
        return batch.size();
    }

    private void deliverOne(Message message) {
        int to = message.to();
        if (cutLinks.contains(message.from() + "->" + to)) {
            record(new RaftEvent.DropMessage(message, stateOf(to), "network: link cut"));
        } else if (crashed.contains(to)) {
            record(new RaftEvent.DropMessage(message, stateOf(to), "network: destination crashed"));
        } else {
            onNode(to, node -> node.step(message));
        }
    }

    /** Delivers until nothing is in flight (bounded, so a livelock fails instead of hanging). */
    int stabilize() {
        int rounds = 0;
        while (!inFlight.isEmpty()) {
            Assert.check(++rounds <= 1000, "no quiescence after 1000 delivery rounds");
            deliver(message -> true);
        }
        return rounds;
    }

    int drop(Predicate<Message> which) {
        List<Message> batch = new ArrayList<>();
        inFlight.removeIf(message -> which.test(message) && batch.add(message));
        for (Message message : batch) {
            record(new RaftEvent.DropMessage(message, stateOf(message.to()), "network: dropped by scenario"));
        }
        return batch.size();
    }

    int duplicate(Predicate<Message> which) {
        List<Message> copies = inFlight.stream().filter(which).toList();
        for (Message message : copies) {
            inFlight.add(message);
            record(new RaftEvent.DuplicateMessage(message, stateOf(message.to())));
        }
        return copies.size();
    }

    /** Reverses the order of the matching in-flight messages among themselves. */
    void reorder(Predicate<Message> which) {
        List<Integer> positions = new ArrayList<>();
        for (int k = 0; k < inFlight.size(); k++) {
            if (which.test(inFlight.get(k))) {
                positions.add(k);
            }
        }
        List<Message> picked = positions.stream().map(inFlight::get).toList();
        for (int k = 0; k < positions.size(); k++) {
            inFlight.set(positions.get(k), picked.get(picked.size() - 1 - k));
        }
    }

    NodeState stateOf(int id) {
        return crashed.contains(id) ? disks.get(id).restartState() : nodes.get(id).state();
    }

    void partition(List<List<Integer>> groups) {
        cutLinks.clear();
        for (List<Integer> a : groups) {
            for (List<Integer> b : groups) {
                if (a != b) {
                    for (int from : a) {
                        for (int to : b) {
                            cutLinks.add(from + "->" + to);
                        }
                    }
                }
            }
        }
    }

    void cut(int from, int to) {
        cutLinks.add(from + "->" + to);
    }

    void heal() {
        cutLinks.clear();
    }

    List<String> cutLinks() {
        return new ArrayList<>(cutLinks);
    }

    void crash(int id) {
        node(id);
        crashed.add(id);
        disks.get(id).crash();
    }

    /** Restarts a crashed node from its disk (spec Restart). */
    void restart(int id) {
        Assert.check(crashed.contains(id), "node %d is not crashed", id);
        crashed.remove(id);
        restarts.merge(id, 1, Integer::sum);
        ScenarioDisk disk = disks.get(id);
        disk.applied.clear(); // the state machine is rebuilt from its snapshot and the log
        if (disk.log.snapshot() != null) {
            disk.restore(disk.log.snapshot());
        }
        nodes.put(id, RaftNode.restart(config, id, nodeSeed(id), disk.hardState, disk.log, this::record));
        handleReady(id);
    }

    /**
     * Node {@code id} snapshots its state machine at its applied index: the driver saves it (the
     * disk's log drops what it covers), then the core compacts (spec TakeSnapshot).
     */
    boolean compact(int id) {
        RaftNode node = node(id);
        ScenarioDisk disk = disks.get(id);
        long index = node.appliedIndex();
        Snapshot snapshot = new Snapshot(index, node.termAt(index), disk.snapshotOfApplied());
        if (index <= disk.log.snapshotIndex()) {
            return false;
        }
        disk.log.saveSnapshot(snapshot, false);
        boolean compacted = node.compact(snapshot);
        handleReady(id);
        return compacted;
    }

    /** Replaces a node's disk and restarts it from there: how a scenario sets up a given log. */
    void restartWith(int id, HardState hardState, long snapshotIndex, long snapshotTerm, long[] terms) {
        ScenarioDisk disk = new ScenarioDisk();
        disk.hardState = hardState;
        disk.log = new MemoryLogStorage();
        if (snapshotIndex > 0) {
            // A snapshot of entries the scenario never shows: its state machine content is empty.
            disk.log.saveSnapshot(new Snapshot(snapshotIndex, snapshotTerm, disk.snapshotOfApplied()), true);
        }
        List<Entry> entries = new ArrayList<>();
        for (int k = 0; k < terms.length; k++) {
            long index = snapshotIndex + k + 1;
            byte[] data = ("v" + index + "." + terms[k]).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            entries.add(new Entry(index, terms[k], EntryType.COMMAND, data));
        }
        disk.log.write(entries);
        disks.put(id, disk);
        crashed.add(id);
        restart(id);
    }

    /**
     * Cross-node safety after every command (paper Figure 3): at most one leader per term; Log
     * Matching (same index and term means the same entry, and so does every earlier index both
     * hold); committed prefixes agree; applied sequences are prefixes of one another.
     */
    void checkSafety() {
        TreeMap<Long, Integer> leaders = new TreeMap<>();
        List<Integer> live = new ArrayList<>();
        for (int id : nodes.keySet()) {
            if (crashed.contains(id)) {
                continue;
            }
            live.add(id);
            RaftNode node = nodes.get(id);
            if (node.role() == Role.LEADER) {
                Integer other = leaders.put(node.currentTerm(), id);
                Assert.check(other == null, "two leaders in term %d: %d and %d", node.currentTerm(), other, id);
            }
        }
        for (int a : live) {
            for (int b : live) {
                if (a < b) {
                    checkPair(nodes.get(a), nodes.get(b));
                }
                // Spec LeaseExcludesLaterLeader: no leader of a later term while a lease holds.
                RaftNode holder = nodes.get(a);
                RaftNode other = nodes.get(b);
                Assert.check(holder.state().lease() <= 0 || other.role() != Role.LEADER
                        || other.currentTerm() <= holder.currentTerm(),
                        "node %d leads in term %d while node %d holds a lease of term %d", b, other.currentTerm(), a,
                        holder.currentTerm());
            }
        }
        TreeMap<Long, Entry> appliedAt = new TreeMap<>();
        for (int id : disks.keySet()) {
            for (Entry entry : disks.get(id).applied) {
                Entry other = appliedAt.putIfAbsent(entry.index(), entry);
                Assert.check(other == null || other.equals(entry), "node %d applied %s where another applied %s", id,
                        entry, other);
            }
        }
    }

    private static void checkPair(RaftNode a, RaftNode b) {
        long from = Math.max(a.firstIndex(), b.firstIndex());
        long to = Math.min(a.lastIndex(), b.lastIndex());
        boolean matchedBelow = false;
        for (long index = to; index >= from; index--) {
            boolean sameTerm = a.termAt(index) == b.termAt(index);
            if (sameTerm || matchedBelow) {
                Assert.check(a.entry(index).equals(b.entry(index)), "Log Matching broken between %d and %d at %d: %s vs %s",
                        a.id(), b.id(), index, a.entry(index), b.entry(index));
                matchedBelow = true;
            }
        }
        long committed = Math.min(Math.min(a.commitIndex(), b.commitIndex()), to);
        for (long index = from; index <= committed; index++) {
            Assert.check(a.entry(index).equals(b.entry(index)), "committed entry %d differs on %d and %d", index, a.id(),
                    b.id());
        }
    }

    Iterable<Integer> ids() {
        return nodes.keySet();
    }

    static long[] parseTerms(String csv) {
        if (csv.isEmpty()) {
            return new long[0];
        }
        return Arrays.stream(csv.split(",")).mapToLong(Long::parseLong).toArray();
    }
}
