package io.raftkv.node;

import io.raftkv.core.Entry;
import io.raftkv.core.EntryType;
import io.raftkv.core.Snapshot;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A state machine whose state is the list of every entry applied, in order; its snapshot is that
 * list, encoded, so a node restored from one holds exactly the entries the snapshot covers.
 */
final class ListMachine implements StateMachine {
    final List<Entry> applied;

    ListMachine(List<Entry> applied) {
        this.applied = applied;
    }

    @Override
    public void apply(Entry entry) {
        applied.add(entry);
    }

    @Override
    public byte[] snapshot() {
        int bytes = 4;
        for (Entry entry : applied) {
            bytes += 8 + 8 + 4 + 4 + entry.data().length;
        }
        ByteBuffer out = ByteBuffer.allocate(bytes).putInt(applied.size());
        for (Entry entry : applied) {
            out.putLong(entry.index()).putLong(entry.term()).putInt(entry.type().ordinal())
                    .putInt(entry.data().length).put(entry.data());
        }
        return out.array();
    }

    @Override
    public void restore(Snapshot snapshot) {
        ByteBuffer in = ByteBuffer.wrap(snapshot.data());
        List<Entry> restored = new ArrayList<>();
        for (int count = in.getInt(); count > 0; count--) {
            long index = in.getLong();
            long term = in.getLong();
            EntryType type = EntryType.values()[in.getInt()];
            byte[] data = new byte[in.getInt()];
            in.get(data);
            restored.add(new Entry(index, term, type, data));
        }
        if (in.hasRemaining() || (!restored.isEmpty() && restored.get(restored.size() - 1).index() != snapshot.index())) {
            throw new IllegalArgumentException("snapshot " + snapshot + " does not end at its index");
        }
        applied.clear();
        applied.addAll(restored);
    }
}
