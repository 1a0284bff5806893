package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.raftkv.core.Entry;
import io.raftkv.kv.Bytes;
import io.raftkv.kv.KvCommand;
import io.raftkv.kv.KvResult;
import io.raftkv.kv.KvStateMachine;
import io.raftkv.server.KvApplier.Completion;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * How a request learns what became of its command, which is what lets the server answer
 * "applied", "overwritten" (unknown outcome) or "forgotten" (unknown outcome) truthfully: a waiter
 * on (index, term) gets the result when that entry is applied in that term; an entry of another
 * term at the index means the command was replaced by a newer leader's entry; a waiter that
 * arrives after its entry was applied still gets the result while it is kept.
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
}
