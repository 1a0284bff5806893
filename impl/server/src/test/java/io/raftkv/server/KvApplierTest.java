package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Entry;
import io.raftkv.core.EntryType;
import io.raftkv.core.Membership;
import io.raftkv.core.Snapshot;
import io.raftkv.kv.Bytes;
import io.raftkv.kv.KvCommand;
import io.raftkv.kv.KvResult;
import io.raftkv.kv.KvStateMachine;
import io.raftkv.server.KvApplier.Completion;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * How a request learns what became of its command, which is what lets the server answer
 * "applied", "overwritten" (unknown outcome) or "forgotten" (unknown outcome) truthfully: a waiter
 * on (index, term) gets the result when that entry is applied in that term; an entry of another
 * term at the index means the command was replaced by a newer leader's entry; a waiter that
 * arrives after its entry was applied still gets the result while it is kept. Snapshots: a node
 * restored from another's snapshot holds the same state, sessions included (a retried request is
 * answered from its session, not applied again), waiters the snapshot covers are told their outcome
 * is unknown, and a snapshot that cannot be restored stops the node with the reason. A configuration
 * entry changes no key and no session: it only takes its index, as a no-op does.
 */
class KvApplierTest {
    private final KvApplier applier = new KvApplier(new KvStateMachine());

    private static Entry register(long index, long term) {
        return Entry.command(index, term, new KvCommand.Register(1).encode());
    }

    @Test
    void aWaiterGetsTheResultOfItsEntry() {
        CompletableFuture<Completion> waiting = applier.await(1, 1);
        assertFalse(waiting.isDone());
        applier.apply(register(1, 1));
        Completion done = waiting.join();
        assertInstanceOf(Completion.Applied.class, done);
        assertEquals(new KvResult.Registered(1), KvResult.decode(((Completion.Applied) done).result()).orElseThrow());
    }

    @Test
    void anEntryOfAnotherTermAtTheIndexMeansOverwritten() {
        CompletableFuture<Completion> waiting = applier.await(1, 1);
        applier.apply(Entry.noop(1, 2)); // a newer leader's no-op took index 1
        assertEquals(new Completion.Overwritten(1, 1, 2), waiting.join());
    }

    @Test
    void aNewWaiterAtTheSameIndexInANewerTermOverwritesTheOlderOne() {
        CompletableFuture<Completion> older = applier.await(1, 1);
        CompletableFuture<Completion> newer = applier.await(1, 3);
        assertEquals(new Completion.Overwritten(1, 1, 3), older.join());
        applier.apply(register(1, 3));
        assertInstanceOf(Completion.Applied.class, newer.join());
    }

    @Test
    void aLateWaiterStillGetsARecentResultAndOtherwiseHearsItIsForgotten() {
        applier.apply(Entry.noop(1, 1));
        applier.apply(register(2, 1));
        assertInstanceOf(Completion.Applied.class, applier.await(2, 1).join());
        assertEquals(new Completion.Overwritten(2, 2, 1), applier.await(2, 2).join());
        assertEquals(new Completion.Forgotten(1), applier.await(1, 1).join(), "a no-op has no kept result");
        for (long index = 3; index < 3 + KvApplier.RECENT_RESULTS_MAX; index++) {
            applier.apply(Entry.command(index, 1, new byte[] {42})); // bad bytes: applied as a no-op with a result
        }
        assertEquals(new Completion.Forgotten(2), applier.await(2, 1).join());
    }

    @Test
    void aForgottenWaiterIsDroppedAndLocalReadsSeeTheAppliedState() {
        CompletableFuture<Completion> waiting = applier.await(1, 1);
        applier.forget(1, waiting);
        assertEquals(0, applier.waiterCount());
        applier.apply(register(1, 1));
        applier.apply(Entry.command(2, 1, new KvCommand.Request(5, 1, 1, 0,
                new KvCommand.Put(Bytes.utf8("k"), Bytes.utf8("v"))).encode()));
        assertFalse(waiting.isDone());
        assertEquals("v", applier.readLocal(Bytes.utf8("k")).orElseThrow().value().toUtf8());
        assertEquals(2, applier.appliedIndex());
    }

    @Test
    void aConfigurationEntryIsAppliedLikeANoOp() {
        applier.apply(register(1, 1));
        applier.apply(put(2, 1, "k", "v"));
        CompletableFuture<Completion> replaced = applier.await(3, 2); // a command some leader lost at index 3
        applier.apply(new Entry(3, 3, EntryType.CONFIG, Membership.initial(List.of(1, 2, 3)).withLearner(4)
                .encode()));
        assertEquals(new Completion.Overwritten(3, 2, 3), replaced.join());
        assertEquals(3, applier.appliedIndex(), "it takes its index");
        assertEquals("v", applier.readLocal(Bytes.utf8("k")).orElseThrow().value().toUtf8());
        applier.apply(put(4, 2, "k", "w")); // the session goes on: sequence 2 is applied, not refused
        assertEquals("w", applier.readLocal(Bytes.utf8("k")).orElseThrow().value().toUtf8());
    }

    private static Entry put(long index, long sequence, String key, String value) {
        return Entry.command(index, 1, new KvCommand.Request(5, 1, sequence, 0,
                new KvCommand.Put(Bytes.utf8(key), Bytes.utf8(value))).encode());
    }

    @Test
    void aRestoredSnapshotHoldsTheSameStateAndSessions() {
        applier.apply(register(1, 1));
        applier.apply(put(2, 1, "k", "first"));
        applier.apply(put(3, 2, "k", "second"));
        applier.apply(Entry.noop(4, 1));
        byte[] firstResult = ((Completion.Applied) applier.await(2, 1).join()).result();
        Snapshot snapshot = new Snapshot(4, 1, applier.snapshot());

        KvApplier restored = new KvApplier(new KvStateMachine());
        CompletableFuture<Completion> covered = restored.await(3, 1);
        CompletableFuture<Completion> after = restored.await(5, 1);
        restored.restore(snapshot);
        assertEquals(4, restored.appliedIndex());
        assertEquals("second", restored.readLocal(Bytes.utf8("k")).orElseThrow().value().toUtf8());
        assertEquals(applier.snapshot().length, restored.snapshot().length);
        assertTrue(java.util.Arrays.equals(applier.snapshot(), restored.snapshot()), "byte-identical state");
        assertEquals(new Completion.Forgotten(3), covered.join(), "its outcome is in the snapshot, not known here");
        assertFalse(after.isDone());

        restored.apply(put(5, 1, "k", "first")); // a client retries request 1 after the restore
        Completion retried = after.join();
        assertTrue(java.util.Arrays.equals(firstResult, ((Completion.Applied) retried).result()),
                "the session answers the retry with the first result");
        assertEquals("second", restored.readLocal(Bytes.utf8("k")).orElseThrow().value().toUtf8(),
                "the retried put is not applied again");
    }

    @Test
    void aSnapshotThatCannotBeRestoredStopsTheNodeWithTheReason() {
        applier.apply(register(1, 1));
        byte[] bytes = applier.snapshot();
        bytes[bytes.length / 2] ^= 0x40;
        IllegalStateException damaged = assertThrows(IllegalStateException.class,
                () -> new KvApplier(new KvStateMachine()).restore(new Snapshot(1, 1, bytes)));
        assertTrue(damaged.getMessage().contains("cannot restore the key-value state")
                && damaged.getMessage().contains("checksum"), damaged.getMessage());

        IllegalStateException misplaced = assertThrows(IllegalStateException.class,
                () -> new KvApplier(new KvStateMachine()).restore(new Snapshot(7, 1, applier.snapshot())));
        assertTrue(misplaced.getMessage().contains("taken at index 1"), misplaced.getMessage());
    }
}
