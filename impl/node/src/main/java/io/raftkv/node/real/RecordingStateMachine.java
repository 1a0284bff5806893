package io.raftkv.node.real;

import io.raftkv.core.Entry;
import io.raftkv.node.StateMachine;
import java.util.ArrayList;
import java.util.List;

/**
 * A trivial state machine for tests: it records every entry it is given. Applied on the runner's
 * thread, read from others, so access is synchronized.
 */
public final class RecordingStateMachine implements StateMachine {
    private final List<Entry> applied = new ArrayList<>();

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
}
