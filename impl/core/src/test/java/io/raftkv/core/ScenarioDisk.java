package io.raftkv.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One scenario node's disk, as a driver with asynchronous writes sees it: what is on disk (a hard
 * state and a {@link MemoryLogStorage}, which a restarted node reads its stable log from), the
 * writes submitted but not yet complete (while the scenario holds persistence back), and what the
 * state machine applied. Writes complete in the order they were submitted; a crash loses the
 * incomplete ones.
 */
final class ScenarioDisk {
    /** One Ready's write: its hard state (null if unchanged) and entries. */
    record Write(HardState hardState, List<Entry> entries) {}

    HardState hardState = HardState.EMPTY;
    MemoryLogStorage log = new MemoryLogStorage();
    final List<Entry> applied = new ArrayList<>();
    /** Writes submitted and not yet complete, oldest first; only while {@link #holding}. */
    final ArrayDeque<Write> pending = new ArrayDeque<>();
    /** Whether new writes wait for {@code release-persist} instead of completing at once. */
    boolean holding;

    /** Completes {@code write} on disk: entries from index k replace every stored entry at index >= k. */
    void complete(Write write) {
        if (write.hardState() != null) {
            hardState = write.hardState();
        }
        log.write(write.entries());
    }

    /**
     * Completes the pending writes, in order, as far as entries up to {@code upTo} go: a write whose
     * entries all lie at or below it completes; one that straddles it completes only its entries up
     * to it (its hard state waits with the rest); writes after it stay pending.
     *
     * @return the last entry now on disk because of this call, or null if none
     */
    Entry completeUpTo(long upTo) {
        Entry last = null;
        while (!pending.isEmpty()) {
            Write write = pending.peekFirst();
            List<Entry> entries = write.entries();
            if (entries.isEmpty() || entries.get(entries.size() - 1).index() <= upTo) {
                complete(pending.removeFirst());
                last = entries.isEmpty() ? last : entries.get(entries.size() - 1);
                continue;
            }
            List<Entry> done = entries.stream().filter(entry -> entry.index() <= upTo).toList();
            if (!done.isEmpty()) {
                log.write(done);
                last = done.get(done.size() - 1);
                List<Entry> rest = entries.subList(done.size(), entries.size());
                pending.removeFirst();
                pending.addFirst(new Write(write.hardState(), rest));
            }
            break;
        }
        return last;
    }

    /** The state machine's snapshot: the entries it applied, encoded (index, term, type, data each). */
    byte[] snapshotOfApplied() {
        int bytes = 4;
        for (Entry entry : applied) {
            bytes += 8 + 8 + 4 + 4 + entry.data().length;
        }
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(bytes).putInt(applied.size());
        for (Entry entry : applied) {
            out.putLong(entry.index()).putLong(entry.term()).putInt(entry.type().ordinal())
                    .putInt(entry.data().length).put(entry.data());
        }
        return out.array();
    }

    /** The state machine restored from {@code snapshot}: exactly the entries it covers. */
    void restore(Snapshot snapshot) {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(snapshot.data());
        applied.clear();
        for (int count = in.getInt(); count > 0; count--) {
            long index = in.getLong();
            long term = in.getLong();
            EntryType type = EntryType.values()[in.getInt()];
            byte[] data = new byte[in.getInt()];
            in.get(data);
            applied.add(new Entry(index, term, type, data));
        }
        Assert.check(applied.isEmpty() || applied.get(applied.size() - 1).index() == snapshot.index(),
                "snapshot %s does not end at its index", snapshot);
    }

    /** A crash: pending writes never reach the disk, and persistence is no longer held. */
    void crash() {
        pending.clear();
        holding = false;
    }

    /** The state a crashed node will restart with (commit clipped to the stored log, as restart does). */
    NodeState restartState() {
        long last = log.lastIndex();
        return new NodeState(hardState.currentTerm(), hardState.votedFor(), Role.FOLLOWER,
                Math.max(log.snapshotIndex(), Math.min(hardState.commitIndex(), last)), last, log.term(last), last,
                log.snapshotIndex(), log.snapshotIndex());
    }

    /** "held=[a..b]" while writes are pending, else "". */
    String describePending() {
        long first = Long.MAX_VALUE;
        long last = 0;
        for (Write write : pending) {
            for (Entry entry : write.entries()) {
                first = Math.min(first, entry.index());
                last = Math.max(last, entry.index());
            }
        }
        if (pending.isEmpty()) {
            return holding ? " held=none" : "";
        }
        return last == 0 ? " held=hardstate" : " held=[" + first + ".." + last + "]";
    }
}
