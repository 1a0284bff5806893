package io.raftkv.core;

import io.raftkv.core.Message.ReadIndexResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A non-leader's reads forwarded to its leader (thesis §6.4, etcd's MsgReadIndex): those waiting
 * for the leader's answer, and those answered and waiting for the state machine to reach the
 * answer's index. The rules are {@link FollowerReplication}'s; this class keeps the books. An
 * answer stays valid whatever the node's role or term becomes (the read began before the leader's
 * round did), so only an unanswered read is given up when the term rises, and every read is given
 * up once it has waited Config.electionTimeoutTicksMax() ticks (a lost request or answer).
 */
final class ForwardedReads {
    /** An answer held until applied: the message and the tick its read was forwarded at. */
    record Answered(ReadIndexResponse response, long sentTick) {}

    /** Reads sent to the leader and not answered yet: ctx to the tick they were forwarded at. */
    final Map<Long, Long> unanswered = new LinkedHashMap<>();
    /** Answers whose index the state machine has not reached yet, in arrival order. */
    final List<Answered> answered = new ArrayList<>();

    /** The term rose: no answer is coming from the leader these reads were sent to. */
    void abortUnanswered(List<Long> aborted) {
        aborted.addAll(unanswered.keySet());
        unanswered.clear();
    }

    /** Gives up every read forwarded {@code limit} or more ticks before {@code now}. */
    void abortOlderThan(long now, long limit, List<Long> aborted) {
        unanswered.entrySet().removeIf(read -> {
            boolean late = now - read.getValue() >= limit;
            if (late) {
                aborted.add(read.getKey());
            }
            return late;
        });
        answered.removeIf(read -> {
            boolean late = now - read.sentTick() >= limit;
            if (late) {
                aborted.add(read.response().ctx());
            }
            return late;
        });
    }
}
