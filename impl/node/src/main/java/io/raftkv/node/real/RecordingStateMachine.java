package io.raftkv.node.real;

import io.raftkv.core.Entry;
import io.raftkv.core.EntryType;
import io.raftkv.core.Snapshot;
import io.raftkv.node.StateMachine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A trivial state machine for tests: it records every entry it is given. Its snapshot is the whole
 * record, so a node restored from one (at a restart, or from a leader's) still lists every entry
 * applied before it. Applied on the runner's thread, read from others, so access is synchronized.
 */
public final class RecordingStateMachine implements StateMachine {
    private final List<Entry> applied = new ArrayList<>();
    private int restores;

    @Override
    public synchronized void apply(Entry entry) {
        if (!applied.isEmpty() && entry.index() != applied.get(applied.size() - 1).index() + 1) {
            throw new IllegalStateException("entry " + entry + " does not follow " + applied.get(applied.size() - 1));
        }
        applied.add(entry);
    }

    /** A copy of the entries applied so far, in order. */
    public synchronized List<Entry> applied() {
        return List.copyOf(applied);
    }

    /** Index of the last applied entry, 0 if none. */
    public synchronized long lastIndex() {
        return applied.isEmpty() ? 0 : applied.get(applied.size() - 1).index();
    }

    /** How often the machine was restored from a snapshot. */
    public synchronized int restores() {
        return restores;
    }

    /** Every entry applied so far: count, then (index, term, type ordinal, data length, data) each. */
    @Override
    public synchronized byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(applied.size());
            for (Entry entry : applied) {
                out.writeLong(entry.index());
                out.writeLong(entry.term());
                out.writeByte(entry.type().ordinal());
                out.writeInt(entry.data().length);
                out.write(entry.data());
            }
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return bytes.toByteArray();
    }

    /** Replaces the record with the snapshot's, which must end at the snapshot's index. */
    @Override
    public synchronized void restore(Snapshot snapshot) {
        List<Entry> restored = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot.data()))) {
            int count = in.readInt();
            for (int k = 0; k < count; k++) {
                long index = in.readLong();
                long term = in.readLong();
                EntryType type = EntryType.values()[in.readByte()];
                byte[] data = in.readNBytes(in.readInt());
                restored.add(new Entry(index, term, type, data));
            }
        } catch (IOException | RuntimeException bad) {
            throw new IllegalStateException("cannot restore " + snapshot + ": " + bad, bad);
        }
        long last = restored.isEmpty() ? 0 : restored.get(restored.size() - 1).index();
        if (last != snapshot.index()) {
            throw new IllegalStateException(snapshot + " holds entries up to " + last);
        }
        applied.clear();
        applied.addAll(restored);
        restores++;
    }
}
