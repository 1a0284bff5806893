package io.raftkv.core;

import io.raftkv.core.Message.AppendEntriesResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * A follower's successful AppendEntries answers that vouch for entries not yet durable here (spec
 * pendingAcks[i]). A leader counts an acknowledgement toward a quorum that must survive crashes,
 * so it may leave only once every entry it acknowledges is on this node's disk (paper §5.3,
 * thesis §10.2.1); the core holds it rather than the driver, so the driver never has to match
 * messages to writes.
 *
 * <p>A set in hold order: an identical acknowledgement is held once, as in the spec. Discarded when
 * currentTerm changes (an acknowledgement of an older term could vouch for entries a leader of the
 * new term has since overwritten) and lost at a restart.
 */
final class PendingAcks {
    private final List<AppendEntriesResponse> held = new ArrayList<>();

    /** Holds {@code ack} until the entries up to its matchIndex are durable. */
    void hold(AppendEntriesResponse ack) {
        Assert.check(ack.success(), "only successful answers wait for durability: %s", ack);
        if (!held.contains(ack)) {
            held.add(ack);
        }
    }

    /** Moves every acknowledgement with matchIndex <= {@code durableIndex} to {@code outbox}, in hold order. */
    void release(long durableIndex, List<Message> outbox) {
        held.removeIf(ack -> ack.matchIndex() <= durableIndex && outbox.add(ack));
    }

    void discard() {
        held.clear();
    }

    boolean isEmpty() {
        return held.isEmpty();
    }

    /** Spec: every held acknowledgement is this node's, of its term, for entries in its log and not yet durable. */
    void checkInvariants(int id, long currentTerm, long durableIndex, long lastIndex) {
        for (AppendEntriesResponse ack : held) {
            Assert.check(ack.from() == id && ack.term() == currentTerm, "node %d holds a foreign or stale ack %s", id,
                    ack);
            Assert.check(ack.matchIndex() > durableIndex && ack.matchIndex() <= lastIndex,
                    "node %d holds %s outside (durable %d, last %d]", id, ack, durableIndex, lastIndex);
        }
    }
}
