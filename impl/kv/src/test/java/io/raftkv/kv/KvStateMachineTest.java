package io.raftkv.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Assert;
import io.raftkv.core.Entry;
import io.raftkv.core.EntryType;
import io.raftkv.kv.KvCommand.Operation;
import io.raftkv.kv.KvResult.Reason;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * One test per rule of the state machine, each on a short hand-written log: versions and the
 * revision, both compare-and-sets, a malformed entry as a no-op, the session rules (registration
 * by index, retries, acknowledgements, the pending limit, unknown clients, eviction, expiry by
 * log time) and the contract with the node loop (indexes in order, non-command entries). The
 * property classes then check the same rules on random logs.
 */
class KvStateMachineTest {
    static final Bytes A = Bytes.utf8("a");
    static final Bytes X = Bytes.utf8("x");
    static final Bytes Y = Bytes.utf8("y");

    private final KvStateMachine machine = new KvStateMachine(new KvConfig(100, 3, 2));

    /** Applies {@code command} at the next index. */
    private KvResult apply(KvCommand command) {
        return machine.apply(machine.appliedIndex() + 1, command);
    }

    private KvResult request(long client, long sequence, long acknowledged, Operation operation) {
        return apply(new KvCommand.Request(0, client, sequence, acknowledged, operation));
    }

    private long register() {
        return ((KvResult.Registered) apply(new KvCommand.Register(0))).clientId();
    }

    private static Reason reason(KvResult result) {
        return assertInstanceOf(KvResult.Rejected.class, result).reason();
    }

    @Test
    void versionsAreWriteIndexesAndTheRevisionFollowsWrites() {
        long client = register();
        assertEquals(1, client, "the client id is the index of the Register entry");
        assertEquals(new KvResult.Written(2), request(client, 1, 0, new KvCommand.Put(A, X)));
        assertEquals(new KvResult.Found(X, 2), request(client, 2, 1, new KvCommand.Get(A)));
        assertEquals(2, machine.revision(), "a read does not move the revision");
        assertEquals(new KvResult.Written(4), request(client, 3, 2, new KvCommand.Put(A, X)));
        assertEquals(Optional.of(new Versioned(X, 4)), machine.get(A), "rewriting a value still moves its version");
        assertEquals(new KvResult.Deleted(5), request(client, 4, 3, new KvCommand.Delete(A)));
        assertEquals(new KvResult.NotFound(), request(client, 5, 4, new KvCommand.Delete(A)));
        assertEquals(5, machine.revision(), "deleting an absent key writes nothing");
        assertEquals(new KvResult.NotFound(), request(client, 6, 5, new KvCommand.Get(A)));
        assertEquals(7, machine.appliedIndex());
    }

    @Test
    void compareAndSetOnValue() {
        long client = register();
        assertEquals(new KvResult.CompareFailed(0, Bytes.EMPTY),
                request(client, 1, 0, new KvCommand.CompareAndSetValue(A, Bytes.EMPTY, X)), "absent never matches");
        request(client, 2, 1, new KvCommand.Put(A, X));
        assertEquals(new KvResult.CompareFailed(3, X),
                request(client, 3, 2, new KvCommand.CompareAndSetValue(A, Y, Y)));
        assertEquals(new KvResult.Written(5), request(client, 4, 3, new KvCommand.CompareAndSetValue(A, X, Y)));
        assertEquals(Optional.of(new Versioned(Y, 5)), machine.get(A));
        assertEquals(5, machine.revision());
    }

    @Test
    void compareAndSetOnVersionWithZeroMeaningAbsent() {
        long client = register();
        assertEquals(new KvResult.Written(2), request(client, 1, 0, new KvCommand.CompareAndSetVersion(A, 0, X)));
        assertEquals(new KvResult.CompareFailed(2, X),
                request(client, 2, 1, new KvCommand.CompareAndSetVersion(A, 0, Y)));
        assertEquals(new KvResult.CompareFailed(2, X),
                request(client, 3, 2, new KvCommand.CompareAndSetVersion(A, 3, Y)));
        assertEquals(new KvResult.Written(5), request(client, 4, 3, new KvCommand.CompareAndSetVersion(A, 2, Y)));
        assertEquals(2, machine.sessionCount() + machine.keyCount());
    }

    @Test
    void aMalformedEntryIsANoOpWithTheSameResultOnEveryReplica() {
        KvStateMachine other = new KvStateMachine(machine.config());
        KvStateMachine skipped = new KvStateMachine(machine.config());
        byte[] garbage = {1, 3, 0, 1};
        byte[] here = machine.apply(1, garbage);
        assertArrayEquals(here, other.apply(1, garbage));
        skipped.applyWithoutCommand(1);
        assertEquals(skipped, machine, "only the applied index moved");
        assertEquals(Reason.MALFORMED_COMMAND, reason(KvResult.decode(here).orElseThrow()));
    }

    @Test
    void aRetryReturnsTheFirstResultAndIsNotAppliedAgain() {
        long client = register();
        KvCommand.Put put = new KvCommand.Put(A, X);
        assertEquals(new KvResult.Written(2), request(client, 1, 0, put));
        request(client, 2, 0, new KvCommand.Put(A, Y));
        assertEquals(new KvResult.Written(2), request(client, 1, 0, put), "the cached first result");
        assertEquals(Optional.of(new Versioned(Y, 3)), machine.get(A), "the retry did not write again");
        assertEquals(3, machine.revision());
    }

    @Test
    void requestsMayArriveOutOfOrder() {
        long client = register();
        assertEquals(new KvResult.Written(2), request(client, 2, 0, new KvCommand.Put(A, Y)));
        assertEquals(new KvResult.Found(Y, 2), request(client, 1, 0, new KvCommand.Get(A)));
        assertEquals(new KvResult.Written(2), request(client, 2, 1, new KvCommand.Put(A, Y)));
        assertEquals(2, machine.revision());
    }

    @Test
    void acknowledgedResultsAreDroppedAndTheirSequencesRefused() {
        long client = register();
        request(client, 1, 0, new KvCommand.Put(A, X));
        request(client, 2, 0, new KvCommand.Put(A, Y));
        assertEquals(new KvResult.Found(Y, 3), request(client, 3, 2, new KvCommand.Get(A)));
        assertEquals(Reason.STALE_SEQUENCE, reason(request(client, 1, 0, new KvCommand.Put(A, X))));
        assertEquals(Reason.STALE_SEQUENCE, reason(request(client, 2, 1, new KvCommand.Put(A, X))));
        assertEquals(Optional.of(new Versioned(Y, 3)), machine.get(A), "a stale copy is not applied");
        assertEquals(new KvResult.Found(Y, 3), request(client, 3, 0, new KvCommand.Get(A)), "not yet acknowledged");
    }

    @Test
    void aSessionCachesAtMostTheLimitOfUnacknowledgedResults() {
        long client = register();
        request(client, 1, 0, new KvCommand.Put(A, X));
        request(client, 2, 0, new KvCommand.Put(A, X));
        assertEquals(Reason.TOO_MANY_PENDING, reason(request(client, 3, 0, new KvCommand.Put(A, Y))));
        assertEquals(Optional.of(new Versioned(X, 3)), machine.get(A), "a refused request is not applied");
        assertEquals(new KvResult.Written(5), request(client, 3, 1, new KvCommand.Put(A, Y)),
                "after an acknowledgement");
        assertEquals(new KvResult.Written(3), request(client, 2, 1, new KvCommand.Put(A, X)), "a retry never counts");
    }

    @Test
    void unknownAndClosedSessionsAreRefused() {
        assertEquals(Reason.UNKNOWN_SESSION, reason(request(42, 1, 0, new KvCommand.Put(A, X))));
        long client = register();
        assertEquals(new KvResult.Unregistered(), apply(new KvCommand.Unregister(0, client)));
        assertEquals(Reason.UNKNOWN_SESSION, reason(apply(new KvCommand.Unregister(0, client))));
        assertEquals(Reason.UNKNOWN_SESSION, reason(request(client, 1, 0, new KvCommand.Put(A, X))));
        assertEquals(0, machine.keyCount());
        assertEquals(0, machine.revision());
    }

    @Test
    void registeringBeyondTheLimitEvictsTheLeastRecentlyUsedSession() {
        long first = ((KvResult.Registered) apply(new KvCommand.Register(10))).clientId();
        long second = ((KvResult.Registered) apply(new KvCommand.Register(20))).clientId();
        long third = ((KvResult.Registered) apply(new KvCommand.Register(30))).clientId();
        apply(new KvCommand.Request(40, first, 1, 0, new KvCommand.Get(A)));
        long fourth = ((KvResult.Registered) apply(new KvCommand.Register(50))).clientId();
        assertTrue(machine.hasSession(first) && machine.hasSession(third) && machine.hasSession(fourth));
        assertFalse(machine.hasSession(second), "unused since time 20, the oldest");
        assertEquals(3, machine.sessionCount());
    }

    @Test
    void sessionsExpireByLogTimeWhichNeverMovesBack() {
        long client = ((KvResult.Registered) apply(new KvCommand.Register(1000))).clientId();
        long idle = ((KvResult.Registered) apply(new KvCommand.Register(1000))).clientId();
        apply(new KvCommand.Request(500, client, 1, 0, new KvCommand.Get(A)));
        assertEquals(1000, machine.logTimeMillis(), "a smaller stamp (a leader with a slower clock) is ignored");
        apply(new KvCommand.Request(1100, client, 2, 1, new KvCommand.Get(A)));
        assertTrue(machine.hasSession(idle), "unused for exactly the timeout: still live");
        apply(new KvCommand.Request(1101, client, 3, 2, new KvCommand.Get(A)));
        assertFalse(machine.hasSession(idle), "unused for more than the timeout");
        assertTrue(machine.hasSession(client));
        KvResult late = apply(new KvCommand.Request(1300, client, 4, 3, new KvCommand.Put(A, X)));
        assertEquals(Reason.UNKNOWN_SESSION, reason(late), "the command's own stamp expires its session first");
        assertEquals(0, machine.keyCount());
    }

    @Test
    void entriesAreAppliedInIndexOrderEachOnce() {
        assertThrows(Assert.InvariantViolation.class, () -> machine.applyWithoutCommand(2));
        machine.applyWithoutCommand(1);
        assertThrows(Assert.InvariantViolation.class, () -> machine.apply(1, new KvCommand.Register(0)));
        assertEquals(1, machine.appliedIndex());
    }

    @Test
    void theNodeLoopHandsOverEveryEntry() {
        assertArrayEquals(new byte[0], machine.apply(Entry.noop(1, 1)));
        assertArrayEquals(new byte[0], machine.apply(new Entry(2, 1, EntryType.CONFIG, new byte[] {7})));
        byte[] result = machine.apply(Entry.command(3, 1, new KvCommand.Register(0).encode()));
        assertEquals(new KvResult.Registered(3), KvResult.decode(result).orElseThrow());
        assertEquals(3, machine.appliedIndex());
    }
}
