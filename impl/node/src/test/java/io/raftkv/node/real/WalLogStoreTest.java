package io.raftkv.node.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Config;
import io.raftkv.core.Entry;
import io.raftkv.core.HardState;
import io.raftkv.core.ProposeResult;
import io.raftkv.core.RaftObserver;
import io.raftkv.node.StorageException;
import io.raftkv.node.WriteBatch;
import io.raftkv.storage.WalOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file-backed store's two promises, on a real directory whose syncs the test can hold and fail
 * ({@link ControlledFileSystem}). Group commit: while the writer is inside one fsync, every batch
 * queued meanwhile is written by the next round with one fsync, and a writeSync among them returns
 * only when its group is durable. Fail-stop: after a failed write, nothing more is written, the
 * listener hears of it once, later writes fail, and a node running over the store stops and fails
 * its clients' proposals. Latches, not sleeps, order the threads.
 */
class WalLogStoreTest {
    static final long WAIT_SECONDS = 30;

    @TempDir
    Path directory;

    @Test
    void batchesQueuedDuringAnFsyncShareTheNextOne() throws Exception {
        ControlledFileSystem disk = new ControlledFileSystem(directory);
        WalLogStore store = WalLogStore.open(disk, directory.toString(), WalOptions.DEFAULT, 1024);
        Recorder recorder = new Recorder();
        store.start(recorder, "test-wal");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        disk.holdNextSync(entered, release);
        long syncsBefore = disk.fileSyncs.get();

        store.submit(batch(1));
        assertTrue(entered.await(WAIT_SECONDS, TimeUnit.SECONDS), "the writer reached its fsync");
        for (int sequence = 2; sequence <= 50; sequence++) {
            store.submit(batch(sequence));
        }
        CompletableFuture<Void> synced = CompletableFuture.runAsync(() -> writeSync(store, batch(51)));
        RealCluster.await("batch 51 queued behind the held fsync", () -> store.queuedSequence() == 51);
        assertFalse(synced.isDone(), "batch 51 cannot be durable while the fsync before it is held");
        release.countDown();
        synced.get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertEquals(2, disk.fileSyncs.get() - syncsBefore, "one fsync for batch 1, one for 2..51");
        RealCluster.await("both completions", () -> recorder.durable.size() == 2);
        assertEquals(List.of(1L, 51L), recorder.durable);
        assertEquals(51, store.log().lastIndex());
        store.close();
    }

    @Test
    void aFailedWriteIsFinal() throws Exception {
        ControlledFileSystem disk = new ControlledFileSystem(directory);
        WalLogStore store = WalLogStore.open(disk, directory.toString(), WalOptions.DEFAULT, 1024);
        Recorder recorder = new Recorder();
        store.start(recorder, "test-wal");
        store.writeSync(batch(1));
        IOException broken = new IOException("injected EIO");
        disk.failure = broken;

        store.submit(batch(2));
        assertTrue(recorder.failedSignal.await(WAIT_SECONDS, TimeUnit.SECONDS), "the listener hears of it");
        assertSame(broken, rootCause(recorder.failed.get()));
        assertThrows(IllegalStateException.class, () -> store.submit(batch(3)));
        assertEquals(List.of(1L), recorder.durable, "nothing after the failure is reported durable");
        disk.failure = null;
        store.close();
    }

    @Test
    void aNodeStopsWhenItsDiskFailsAndItsClientsAreTold() throws Exception {
        ControlledFileSystem disk = new ControlledFileSystem(directory);
        WalLogStore store = WalLogStore.open(disk, directory.toString(), WalOptions.DEFAULT, 1024);
        RecordingStateMachine machine = new RecordingStateMachine();
        Config single = Config.ofSize(1).withElectionTimeoutTicks(4, 8);
        NodeRunner runner = NodeRunner.start(1, single, 1, store, message -> {}, machine, RaftObserver.NONE,
                new NodeRunner.Options(Duration.ofMillis(2), 64));
        RealCluster.await("a one-node leader", () -> runner.status().leaderId() == 1);
        assertInstanceOf(ProposeResult.Accepted.class, runner.propose(RealCluster.bytes("kept")).get());
        RealCluster.await("the first command applied", () -> RealCluster.commands(machine.applied()).size() == 1);
        RealCluster.await("no write in flight", () -> runner.status().durableSequence()
                == runner.status().submittedSequence());

        IOException broken = new IOException("injected EIO");
        disk.failure = broken;
        runner.propose(RealCluster.bytes("lost")).get(WAIT_SECONDS, TimeUnit.SECONDS);
        RealCluster.await("the node to stop", () -> !runner.status().running());

        StorageException cause = assertInstanceOf(StorageException.class, runner.status().stopCause());
        assertSame(broken, rootCause(cause));
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> runner.propose(RealCluster.bytes("refused")).get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertTrue(refused.getCause().getMessage().contains("fail-stop"), refused.getCause().getMessage());
        assertEquals(List.of("kept"), RealCluster.commands(machine.applied()), "nothing after the failure applies");
        disk.failure = null;
        runner.close();
    }

    private static WriteBatch batch(long sequence) {
        HardState hard = sequence == 1 ? new HardState(1, 1, 0) : null;
        return new WriteBatch(sequence, hard, List.of(Entry.command(sequence, 1, RealCluster.bytes("e" + sequence))));
    }

    private static void writeSync(WalLogStore store, WriteBatch batch) {
        try {
            store.writeSync(batch);
        } catch (StorageException failed) {
            throw new IllegalStateException(failed);
        }
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static final class Recorder implements WalLogStore.Listener {
        final List<Long> durable = new CopyOnWriteArrayList<>();
        final AtomicReference<StorageException> failed = new AtomicReference<>();
        final CountDownLatch failedSignal = new CountDownLatch(1);

        @Override
        public void durable(long sequence) {
            durable.add(sequence);
        }

        @Override
        public void failed(StorageException cause) {
            failed.set(cause);
            failedSignal.countDown();
        }
    }
}
