package io.raftkv.storage;

import io.raftkv.core.Membership;
import io.raftkv.core.Snapshot;
import io.raftkv.storage.fs.FileHandle;
import io.raftkv.storage.fs.FileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Snapshot files in a {@link FileSystem} directory (the write-ahead log's own is fine: the names
 * differ).
 *
 * <h2>On disk</h2>
 * One file per snapshot, {@code snapshot-<index>-<term>} (decimal, zero-padded to 20 digits), all
 * integers big-endian:
 * <pre>
 *   magic u32 "RKVS" | version u8 = 1 | index u64 | term u64 | length u64 | data[length]
 *   | CRC32C u32 of every byte before it
 * </pre>
 * A snapshot is written under {@code <name>.tmp}, synced, renamed to its name, and the directory
 * synced: a file with a snapshot name is complete, and after {@link #save} returns it survives a
 * crash. Leftover {@code .tmp} files (a crash during a save) are removed by {@link #open}.
 */
public final class SnapshotStore {
    private static final int MAGIC = 0x524B_5653; // "RKVS"
    /** 1: without the configuration (read as the initial one); 2: the configuration after the data. */
    private static final byte VERSION = 2;
    private static final int HEADER_BYTES = 4 + 1 + 8 + 8 + 8;
    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{20})-(\\d{20})");
    private static final String TEMPORARY_SUFFIX = ".tmp";

    private final FileSystem fileSystem;

    /** Which snapshot a file holds. */
    public record SnapshotId(long index, long term) {}

    private SnapshotStore(FileSystem fileSystem) {
        this.fileSystem = fileSystem;
    }

    /** The snapshot files of {@code fileSystem}; removes what an interrupted save left behind. */
    public static SnapshotStore open(FileSystem fileSystem) throws IOException {
        boolean removed = false;
        for (String name : fileSystem.list()) {
            if (name.endsWith(TEMPORARY_SUFFIX) && NAME.matcher(name.substring(0, name.length() - 4)).matches()) {
                fileSystem.delete(name);
                removed = true;
            }
        }
        if (removed) {
            fileSystem.syncDirectory();
        }
        return new SnapshotStore(fileSystem);
    }

    /** The file name of the snapshot at (index, term). */
    public static String fileName(long index, long term) {
        return String.format("snapshot-%020d-%020d", index, term);
    }

    /** Writes {@code snapshot} durably: temporary file, sync, rename, directory sync. */
    public void save(Snapshot snapshot) throws IOException {
        String name = fileName(snapshot.index(), snapshot.term());
        String temporary = name + TEMPORARY_SUFFIX;
        ByteBuffer bytes = encode(snapshot);
        try (FileHandle handle = fileSystem.open(temporary, true)) {
            handle.truncate(0);
            handle.write(0, bytes);
            handle.sync();
        }
        fileSystem.rename(temporary, name);
        fileSystem.syncDirectory();
    }

    /** Every snapshot file, oldest (lowest index) first. */
    public List<SnapshotId> list() throws IOException {
        List<SnapshotId> result = new ArrayList<>();
        for (String name : fileSystem.list()) {
            Matcher matcher = NAME.matcher(name);
            if (matcher.matches()) {
                result.add(new SnapshotId(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))));
            }
        }
        result.sort(Comparator.comparingLong(SnapshotId::index).thenComparingLong(SnapshotId::term));
        return result;
    }

    /** The snapshot with the highest index, checksum verified, or empty if there is none. */
    public Optional<Snapshot> loadLatest() throws IOException {
        List<SnapshotId> snapshots = list();
        if (snapshots.isEmpty()) {
            return Optional.empty();
        }
        SnapshotId latest = snapshots.get(snapshots.size() - 1);
        return Optional.of(load(latest.index(), latest.term()));
    }

    /**
     * Reads and verifies one snapshot.
     *
     * @throws CorruptStorageException if the file fails its checksum or does not match its name
     */
    public Snapshot load(long index, long term) throws IOException {
        String name = fileName(index, term);
        byte[] bytes;
        try (FileHandle handle = fileSystem.open(name, false)) {
            long size = handle.size();
            if (size < HEADER_BYTES + 4 || size > Integer.MAX_VALUE - 8) {
                throw new CorruptStorageException(name, 0, "a snapshot file cannot have " + size + " bytes");
            }
            bytes = new byte[(int) size];
            if (handle.read(0, ByteBuffer.wrap(bytes)) != size) {
                throw new IOException("short read of " + name);
            }
        }
        return decode(name, bytes, index, term);
    }

    /** Removes every snapshot below {@code index} (the latest one kept must be durable already). */
    public void removeBelow(long index) throws IOException {
        boolean removed = false;
        for (SnapshotId id : list()) {
            if (id.index() < index) {
                fileSystem.delete(fileName(id.index(), id.term()));
                removed = true;
            }
        }
        if (removed) {
            fileSystem.syncDirectory();
        }
    }

    private static ByteBuffer encode(Snapshot snapshot) {
        byte[] membership = snapshot.membership() == null ? new byte[0] : snapshot.membership().encode();
        ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES + snapshot.data().length + 4 + membership.length + 4);
        buffer.putInt(MAGIC).put(VERSION).putLong(snapshot.index()).putLong(snapshot.term())
                .putLong(snapshot.data().length).put(snapshot.data()).putInt(membership.length).put(membership);
        buffer.putInt(RecordCodec.checksum(buffer.array(), 0, buffer.position()));
        return buffer.flip();
    }

    private static Snapshot decode(String name, byte[] bytes, long index, long term) throws CorruptStorageException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int checksumAt = bytes.length - 4;
        if (buffer.getInt(checksumAt) != RecordCodec.checksum(bytes, 0, checksumAt)) {
            throw new CorruptStorageException(name, checksumAt, "snapshot checksum mismatch");
        }
        byte version = buffer.getInt() == MAGIC ? buffer.get() : 0;
        if (version != 1 && version != VERSION) {
            throw new CorruptStorageException(name, 0, "not a snapshot file of a known version");
        }
        long storedIndex = buffer.getLong();
        long storedTerm = buffer.getLong();
        long length = buffer.getLong();
        long room = checksumAt - HEADER_BYTES - (version == 1 ? 0 : 4);
        if (storedIndex != index || storedTerm != term || length < 0 || length > room
                || (version == 1 && length != room)) {
            throw new CorruptStorageException(name, 5, "the header (" + storedIndex + ", " + storedTerm + ", "
                    + length + " bytes) does not match the file name and size");
        }
        byte[] data = new byte[(int) length];
        buffer.get(data);
        return new Snapshot(index, term, data, version == 1 ? null : membership(name, buffer, checksumAt));
    }

    /** The configuration after the data: its length (0: the initial one), then its bytes. */
    private static Membership membership(String name, ByteBuffer buffer, int checksumAt)
            throws CorruptStorageException {
        int at = buffer.position();
        int length = buffer.getInt();
        if (length != checksumAt - at - 4) {
            throw new CorruptStorageException(name, at, "a configuration of " + length + " bytes where "
                    + (checksumAt - at - 4) + " are left");
        }
        if (length == 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        try {
            return Membership.decode(bytes);
        } catch (IllegalArgumentException bad) {
            throw new CorruptStorageException(name, at, "the configuration does not decode: " + bad.getMessage());
        }
    }
}
