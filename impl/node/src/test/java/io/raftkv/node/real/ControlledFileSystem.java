package io.raftkv.node.real;

import io.raftkv.storage.fs.FileHandle;
import io.raftkv.storage.fs.FileSystem;
import io.raftkv.storage.fs.NioFileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real directory ({@link NioFileSystem}) whose file syncs a test can count, hold and fail: a
 * sync can be made to wait on a latch (so a test knows the writer is inside an fsync while it
 * queues more), and every write and sync can be made to throw.
 */
final class ControlledFileSystem implements FileSystem {
    private final NioFileSystem delegate;
    final AtomicLong fileSyncs = new AtomicLong();
    /** Set to make every later write and sync throw it. */
    volatile IOException failure;
    /** Set to make the next sync count down {@code entered}, then wait for {@code release}. */
    private volatile CountDownLatch entered;
    private volatile CountDownLatch release;

    ControlledFileSystem(Path directory) throws IOException {
        this.delegate = new NioFileSystem(directory);
    }

    /** The next sync signals {@code enteredSignal} and waits for {@code releaseSignal}. */
    void holdNextSync(CountDownLatch enteredSignal, CountDownLatch releaseSignal) {
        release = releaseSignal;
        entered = enteredSignal;
    }

    @Override
    public List<String> list() throws IOException {
        return delegate.list();
    }

    @Override
    public FileHandle open(String name, boolean create) throws IOException {
        return new Handle(delegate.open(name, create));
    }

    @Override
    public void delete(String name) throws IOException {
        delegate.delete(name);
    }

    @Override
    public void rename(String from, String to) throws IOException {
        delegate.rename(from, to);
    }

    @Override
    public void syncDirectory() throws IOException {
        throwIfFailing();
        delegate.syncDirectory();
    }

    private void throwIfFailing() throws IOException {
        IOException current = failure;
        if (current != null) {
            throw current;
        }
    }

    private void holdIfAsked() {
        CountDownLatch signal = entered;
        if (signal == null) {
            return;
        }
        entered = null;
        signal.countDown();
        try {
            release.await();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Handle implements FileHandle {
        private final FileHandle file;

        Handle(FileHandle file) {
            this.file = file;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public int read(long position, ByteBuffer into) throws IOException {
            return file.read(position, into);
        }

        @Override
        public void write(long position, ByteBuffer from) throws IOException {
            throwIfFailing();
            file.write(position, from);
        }

        @Override
        public void truncate(long size) throws IOException {
            throwIfFailing();
            file.truncate(size);
        }

        @Override
        public void sync() throws IOException {
            holdIfAsked();
            throwIfFailing();
            file.sync();
            fileSyncs.incrementAndGet();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}
