package io.raftkv.node;

import io.raftkv.core.Entry;

/**
 * The replicated state machine. The node loop hands it every committed entry (no-ops and
 * configuration entries included, so it sees every index) in index order, each exactly once per
 * incarnation of the node; after a restart it sees the committed entries again from the start of
 * the log, as the core hands them out again to rebuild the state.
 */
@FunctionalInterface
public interface StateMachine {
    void apply(Entry entry);
}
