package io.raftkv.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A deterministic in-memory {@link FileSystem} that loses what a power failure may lose, for the
 * simulator and for crash tests. No threads, no clock; every random choice comes from the
 * {@link SplittableRandom} handed to {@link #crash}, so a seed replays a crash exactly.
 *
 * <h2>What survives {@link #crash}</h2>
 * <ul>
 *   <li>Directory: the state as of the last {@link #syncDirectory()}, plus a random prefix (possibly
 *       empty, possibly all) of the creates, deletes and renames made since, in order (a journaling
 *       file system commits metadata in order).</li>
 *   <li>Each surviving file: its content as of its last {@link FileHandle#sync()}, plus a random
 *       prefix of the writes and truncations made since, in order; the first write left out may
 *       survive in part (a torn write: a prefix of its bytes). With probability 1/4 the last 1..16
 *       bytes of the last surviving unsynced write are then garbled (zeroed, as when the file size
 *       reached the disk but the data did not, or overwritten with different bytes). Synced bytes
 *       are never altered.</li>
 *   <li>Every handle opened before the crash is dead: its operations throw {@link IOException}.</li>
 * </ul>
 *
 * <p>{@link #failWrites(IOException)} makes every later mutation (write, truncate, sync, create,
 * delete, rename, directory sync) throw, as a full or failed disk does; reads keep working.
 */
public final class MemoryFileSystem implements FileSystem {
    /** Upper bound on the bytes {@link #crash} garbles at the end of a torn write. */
    static final int GARBLED_BYTES_MAX = 16;

    private TreeMap<String, Inode> names = new TreeMap<>();
    /** The directory as of the last syncDirectory. */
    private TreeMap<String, Inode> durableNames = new TreeMap<>();
    /** Creates, deletes and renames since the last syncDirectory, oldest first. */
    private List<DirectoryOperation> pendingOperations = new ArrayList<>();
    private IOException writeFailure;
    /** Incremented by each crash; a handle is alive only while its generation is current. */
    private long generation;
    private long fileSyncCount;
    private long directorySyncCount;

    @Override
    public List<String> list() {
        return List.copyOf(names.keySet());
    }

    @Override
    public FileHandle open(String name, boolean create) throws IOException {
        checkName(name);
        Inode inode = names.get(name);
        if (inode == null) {
            if (!create) {
                throw new NoSuchFileException(name);
            }
            checkWritable();
            inode = new Inode();
            names.put(name, inode);
            pendingOperations.add(new Link(name, inode));
        }
        return new MemoryFileHandle(inode, generation);
    }

    @Override
    public void delete(String name) throws IOException {
        checkWritable();
        if (names.remove(name) == null) {
            throw new NoSuchFileException(name);
        }
        pendingOperations.add(new Unlink(name));
    }

    @Override
    public void rename(String from, String to) throws IOException {
        checkName(to);
        checkWritable();
        if (!names.containsKey(from)) {
            throw new NoSuchFileException(from);
        }
        if (from.equals(to)) {
            return;
        }
        names.put(to, names.remove(from));
        pendingOperations.add(new Rename(from, to));
    }

    @Override
    public void syncDirectory() throws IOException {
        checkWritable();
        durableNames = new TreeMap<>(names);
        pendingOperations.clear();
        directorySyncCount++;
    }

    /**
     * Simulates a power failure and restart: keeps what is durable plus a random part of what is
     * not (see the class comment). Afterwards everything that survived is durable.
     */
    public void crash(SplittableRandom random) {
        generation++;
        TreeMap<String, Inode> survivors = new TreeMap<>(durableNames);
        int kept = random.nextInt(pendingOperations.size() + 1);
        for (DirectoryOperation operation : pendingOperations.subList(0, kept)) {
            operation.applyTo(survivors);
        }
        for (Inode inode : survivors.values()) {
            inode.crash(random);
        }
        names = survivors;
        durableNames = new TreeMap<>(survivors);
        pendingOperations = new ArrayList<>();
    }

    /** From now on every mutation throws {@code failure}; null makes the disk healthy again. */
    public void failWrites(IOException failure) {
        writeFailure = failure;
    }

    /**
     * An independent deep copy, byte for byte, including what is not durable yet, so a test can
     * crash the same state many ways. Handles are not copied.
     */
    public MemoryFileSystem copy() {
        Map<Inode, Inode> clones = new IdentityHashMap<>();
        MemoryFileSystem copy = new MemoryFileSystem();
        copy.names = cloneNames(names, clones);
        copy.durableNames = cloneNames(durableNames, clones);
        for (DirectoryOperation operation : pendingOperations) {
            copy.pendingOperations.add(operation instanceof Link link
                    ? new Link(link.name(), clones.computeIfAbsent(link.inode(), Inode::copy))
                    : operation);
        }
        copy.writeFailure = writeFailure;
        copy.fileSyncCount = fileSyncCount;
        copy.directorySyncCount = directorySyncCount;
        return copy;
    }

    /** The current bytes of a file, including unsynced ones (a test's view of the disk). */
    public byte[] contents(String name) throws NoSuchFileException {
        Inode inode = names.get(name);
        if (inode == null) {
            throw new NoSuchFileException(name);
        }
        return Arrays.copyOf(inode.data, inode.length);
    }

    /** How many times {@link FileHandle#sync()} has completed on any file. */
    public long fileSyncCount() {
        return fileSyncCount;
    }

    /** How many times {@link #syncDirectory()} has completed. */
    public long directorySyncCount() {
        return directorySyncCount;
    }

    private static TreeMap<String, Inode> cloneNames(TreeMap<String, Inode> source, Map<Inode, Inode> clones) {
        TreeMap<String, Inode> result = new TreeMap<>();
        source.forEach((name, inode) -> result.put(name, clones.computeIfAbsent(inode, Inode::copy)));
        return result;
    }

    private void checkWritable() throws IOException {
        if (writeFailure != null) {
            throw writeFailure;
        }
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("not a plain file name: '" + name + "'");
        }
    }

    private sealed interface DirectoryOperation permits Link, Unlink, Rename {
        void applyTo(TreeMap<String, Inode> directory);
    }

    private record Link(String name, Inode inode) implements DirectoryOperation {
        @Override
        public void applyTo(TreeMap<String, Inode> directory) {
            directory.put(name, inode);
        }
    }

    private record Unlink(String name) implements DirectoryOperation {
        @Override
        public void applyTo(TreeMap<String, Inode> directory) {
            directory.remove(name);
        }
    }

    private record Rename(String from, String to) implements DirectoryOperation {
        @Override
        public void applyTo(TreeMap<String, Inode> directory) {
            Inode inode = directory.remove(from);
            if (inode != null) {
                directory.put(to, inode);
            }
        }
    }

    /** A change to a file's content since its last sync; a truncation has {@code bytes == null}. */
    private record Change(long position, byte[] bytes) {
        static Change truncation(long size) {
            return new Change(size, null);
        }
    }

    /**
     * A file's content. Invariant: the durable content is {@code durableCopy} if not null, else the
     * first {@code durableLength} bytes of {@code data} (kept shared until a change touches them, so
     * an append-only file costs no copy per sync); {@code pending} holds every change since the last
     * sync, so durable content + pending = current content.
     */
    private static final class Inode {
        byte[] data = new byte[0];
        int length;
        byte[] durableCopy;
        int durableLength;
        List<Change> pending = new ArrayList<>();

        Inode copy() {
            Inode copy = new Inode();
            copy.data = Arrays.copyOf(data, length);
            copy.length = length;
            copy.durableCopy = durableCopy == null ? null : durableCopy.clone();
            copy.durableLength = durableLength;
            copy.pending = new ArrayList<>(pending);
            return copy;
        }

        void write(long position, ByteBuffer from) {
            int count = from.remaining();
            long end = position + count;
            if (end > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("a memory file is limited to 2 GiB");
            }
            if (position < durableLength) {
                keepDurableCopy();
            }
            ensureCapacity((int) end);
            if (position > length) {
                Arrays.fill(data, length, (int) position, (byte) 0);
            }
            byte[] bytes = new byte[count];
            from.get(bytes);
            System.arraycopy(bytes, 0, data, (int) position, count);
            length = Math.max(length, (int) end);
            pending.add(new Change(position, bytes));
        }

        void truncate(long size) {
            if (size >= length) {
                return;
            }
            if (size < durableLength) {
                keepDurableCopy();
            }
            length = (int) size;
            pending.add(Change.truncation(size));
        }

        void sync() {
            durableCopy = null;
            durableLength = length;
            pending = new ArrayList<>();
        }

        private void keepDurableCopy() {
            if (durableCopy == null) {
                durableCopy = Arrays.copyOf(data, durableLength);
            }
        }

        private void ensureCapacity(int capacity) {
            if (capacity > data.length) {
                long doubled = Math.min(Integer.MAX_VALUE - 8, data.length * 2L);
                data = Arrays.copyOf(data, (int) Math.max(capacity, doubled));
            }
        }

        /** Rebuilds the content from the durable image and a random prefix of the pending changes. */
        void crash(SplittableRandom random) {
            Inode image = new Inode();
            image.data = durableCopy != null ? durableCopy.clone() : Arrays.copyOf(data, durableLength);
            image.length = durableLength;
            int complete = random.nextInt(pending.size() + 1);
            long tornStart = -1;
            long tornEnd = -1;
            for (int i = 0; i <= complete && i < pending.size(); i++) {
                Change change = pending.get(i);
                if (change.bytes() == null) {
                    if (i < complete) {
                        image.truncate(change.position());
                        tornEnd = Math.min(tornEnd, image.length);
                    }
                    continue;
                }
                int count = i < complete ? change.bytes().length : random.nextInt(change.bytes().length + 1);
                if (count > 0) {
                    image.write(change.position(), ByteBuffer.wrap(change.bytes(), 0, count));
                    tornStart = change.position();
                    tornEnd = change.position() + count;
                }
            }
            if (tornEnd > tornStart && random.nextInt(4) == 0) {
                image.garble((int) tornStart, (int) tornEnd, random);
            }
            data = image.data;
            length = image.length;
            sync();
        }

        private void garble(int start, int end, SplittableRandom random) {
            int count = 1 + random.nextInt(Math.min(GARBLED_BYTES_MAX, end - start));
            boolean zeros = random.nextBoolean();
            for (int i = end - count; i < end; i++) {
                data[i] = zeros ? 0 : (byte) (data[i] ^ (1 + random.nextInt(255)));
            }
        }
    }

    private final class MemoryFileHandle implements FileHandle {
        private final Inode inode;
        private final long openedGeneration;
        private boolean closed;

        MemoryFileHandle(Inode inode, long openedGeneration) {
            this.inode = inode;
            this.openedGeneration = openedGeneration;
        }

        @Override
        public long size() throws IOException {
            checkAlive();
            return inode.length;
        }

        @Override
        public int read(long position, ByteBuffer into) throws IOException {
            checkAlive();
            if (position >= inode.length) {
                return 0;
            }
            int count = (int) Math.min(into.remaining(), inode.length - position);
            into.put(inode.data, (int) position, count);
            return count;
        }

        @Override
        public void write(long position, ByteBuffer from) throws IOException {
            checkAlive();
            checkWritable();
            inode.write(position, from);
        }

        @Override
        public void truncate(long size) throws IOException {
            checkAlive();
            checkWritable();
            inode.truncate(size);
        }

        @Override
        public void sync() throws IOException {
            checkAlive();
            checkWritable();
            inode.sync();
            fileSyncCount++;
        }

        @Override
        public void close() {
            closed = true;
        }

        private void checkAlive() throws IOException {
            if (closed) {
                throw new ClosedChannelException();
            }
            if (openedGeneration != generation) {
                throw new IOException("file handle opened before a simulated crash");
            }
        }
    }
}
