package io.raftkv.storage;

import io.raftkv.core.Assert;
import io.raftkv.core.Entry;
import io.raftkv.core.HardState;
import io.raftkv.core.LogStorage;
import io.raftkv.storage.WalRecord.EntryRecord;
import io.raftkv.storage.WalRecord.HardStateRecord;
import io.raftkv.storage.WalRecord.SegmentHeader;
import io.raftkv.storage.WalRecord.SnapshotMarker;
import io.raftkv.storage.WalRecord.Truncation;
import io.raftkv.storage.fs.FileHandle;
import io.raftkv.storage.fs.FileSystem;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The durable Raft log and hard state of one node: a segmented write-ahead log in one directory of
 * a {@link FileSystem}.
 *
 * <h2>On disk</h2>
 * Segment files named {@code <sequence>-<firstIndex>.wal} (see {@link SegmentName}), each a
 * sequence of checksummed records (see {@link RecordCodec}): a segment header, then, in every
 * segment but the very first, the snapshot marker and hard state current when it was created, so
 * removing older segments never loses them; then what the node wrote. The log is what replaying
 * the records of all segments in sequence order produces: entries append, a truncation record
 * voids a suffix, a snapshot marker a prefix; the last hard state record wins. Every segment but
 * the newest was synced before the next one was created, and creating or removing a segment is
 * followed by a directory sync.
 *
 * <h2>Writing (the node loop's contract)</h2>
 * {@link #append} writes one batch without syncing: a truncation record first if the entries start
 * at or below {@link #lastIndex()}, then the hard state, then the entries. The in-memory view
 * (lastIndex, term, entries, hardState) reflects it at once. {@link #sync()} makes everything
 * appended so far durable with one fsync (a segment rollover inside append costs two more and a
 * directory sync), so several batches can share one sync (group commit). Any I/O error while
 * writing leaves the log refusing every later write with {@link WalFailedException}: what reached
 * the disk is uncertain, the node must stop, and recovery at restart finds out.
 *
 * <h2>Recovery</h2>
 * {@link #open} replays the segments (see {@link Recovery}): a torn last record of the newest
 * segment is cut and reported by {@link #tornTail()}; corruption anywhere else throws
 * {@link CorruptStorageException}. The recovered log is the log after some prefix of the records
 * written, never anything else, and contains every record synced before the crash.
 *
 * <h2>Memory</h2>
 * Entries stay on disk. Memory holds four bytes per live entry (its offset in its segment), one
 * (index, term) pair per term, and a cache of decoded entries bounded by
 * {@link WalOptions#cacheBytesMax()}; {@link #term(long)} never touches the disk.
 *
 * <h2>Threads</h2>
 * Not thread-safe: calls must not overlap, with one exception a writer thread may rely on:
 * {@link #sync()} touches only the newest segment's file (an fsync, safe alongside positional
 * reads) and the write side's own flags, so it may run while another thread uses the read
 * methods, as long as no append, compact or close overlaps either.
 */
public final class WriteAheadLog implements LogStorage, Closeable {
    private final FileSystem fileSystem;
    private final WalOptions options;
    private final LogIndex index;
    private final EntryCache cache;
    private final SegmentReader reader = new SegmentReader();
    private final Optional<TornTail> tornTail;
    /** Records of the current batch not yet written to the newest segment, and where they will go. */
    private final List<Placed> placed = new ArrayList<>();
    private ByteBuffer batch = ByteBuffer.allocate(4096);
    private HardState hardState;
    private boolean unsynced;
    private Throwable failure;
    private boolean closed;
    /** Entries appended and device syncs made by {@link #sync()} since open; one writer, any reader. */
    private volatile long appendedEntries;
    private volatile long syncs;

    private record Placed(WalRecord record, long offset) {}

    private WriteAheadLog(FileSystem fileSystem, WalOptions options, Recovery.Result recovered) {
        this.fileSystem = fileSystem;
        this.options = options;
        this.index = recovered.index();
        this.hardState = recovered.hardState();
        this.tornTail = recovered.tornTail();
        this.cache = new EntryCache(options.cacheBytesMax());
    }

    /** {@link #open(FileSystem, WalOptions)} with {@link WalOptions#DEFAULT}. */
    public static WriteAheadLog open(FileSystem fileSystem) throws IOException {
        return open(fileSystem, WalOptions.DEFAULT);
    }

    /**
     * Recovers the log in {@code fileSystem} (an empty directory gives an empty log).
     *
     * @throws CorruptStorageException when the stored log is damaged where a crash cannot explain
     */
    public static WriteAheadLog open(FileSystem fileSystem, WalOptions options) throws IOException {
        WriteAheadLog log = new WriteAheadLog(fileSystem, options, Recovery.run(fileSystem));
        if (!log.index.segments().isEmpty()) {
            // The caller treats everything recovered as durable (the core restarts with all of it
            // durable and acknowledges on that basis). After a process kill the newest segment's
            // tail may still be only in the page cache, so make it durable before handing it out:
            // otherwise a power loss after the restart could take back acknowledged entries.
            // Sealed segments were synced before their successor was created.
            try {
                log.currentSegment().handle.sync();
                fileSystem.syncDirectory();
            } catch (IOException failure) {
                log.close();
                throw failure;
            }
        }
        if (log.index.segments().isEmpty()) {
            try {
                log.createSegment(new SegmentName(1, log.index.lastIndex() + 1));
            } catch (IOException failure) {
                log.close();
                throw failure;
            }
        }
        return log;
    }

    /**
     * Entries appended since open, and the device syncs {@link #sync()} made for them (one per group
     * commit; syncs of compaction and rollover are not counted). Safe to read from any thread.
     */
    public long appendedEntries() {
        return appendedEntries;
    }

    /** See {@link #appendedEntries()}. */
    public long syncs() {
        return syncs;
    }

    /** What recovery cut from the end of the log (log it), if anything. */
    public Optional<TornTail> tornTail() {
        return tornTail;
    }

    /** The last hard state appended or recovered; {@link HardState#EMPTY} if none ever was. */
    public HardState hardState() {
        return hardState;
    }

    /**
     * Writes one batch: {@code hardState} (unless null) and {@code entries} (contiguous, starting
     * at most at lastIndex + 1; entries from their first index on are replaced). Not durable until
     * {@link #sync()}.
     */
    public void append(HardState newHardState, List<Entry> entries) throws IOException {
        checkWritable();
        checkBatch(newHardState, entries);
        try {
            if (!entries.isEmpty() && entries.get(0).index() <= index.lastIndex()) {
                writeRecord(new Truncation(entries.get(0).index()));
            }
            if (newHardState != null) {
                writeRecord(new HardStateRecord(newHardState));
            }
            for (Entry entry : entries) {
                writeRecord(new EntryRecord(entry));
            }
            flush();
            appendedEntries += entries.size(); // one writing thread: not a lost update
        } catch (IOException | RuntimeException writeFailure) {
            failure = writeFailure; // fail-stop: what reached the disk is now uncertain
            throw writeFailure;
        }
    }

    /** Makes everything appended so far durable: one fsync of the newest segment, if it has news. */
    public void sync() throws IOException {
        checkWritable();
        if (!unsynced) {
            return;
        }
        try {
            currentSegment().handle.sync();
            unsynced = false;
            syncs++;
        } catch (IOException | RuntimeException syncFailure) {
            failure = syncFailure; // fail-stop: what reached the disk is now uncertain
            throw syncFailure;
        }
    }

    /**
     * Records durably (this syncs) that a snapshot holds the entries up to {@code snapshotIndex},
     * whose term is {@code snapshotTerm}, then removes the segments holding only entries it covers.
     * If the log has no entry {@code snapshotIndex} of that term, every entry is dropped and the
     * log continues at snapshotIndex + 1. The snapshot must already be durable (see
     * {@link SnapshotStore}); a commit index below snapshotIndex is raised to it (a snapshot holds
     * only committed entries).
     */
    public void compact(long snapshotIndex, long snapshotTerm) throws IOException {
        compact(snapshotIndex, snapshotTerm, false);
    }

    /**
     * As {@link #compact(long, long)}; with {@code discardLog} every entry after the snapshot is
     * dropped too, even where the log has entry {@code snapshotIndex} of that term (a leader's
     * snapshot the core installed without keeping the log: it holds exactly the snapshot after it).
     */
    public void compact(long snapshotIndex, long snapshotTerm, boolean discardLog) throws IOException {
        checkWritable();
        Assert.check(!discardLog || hardState.commitIndex() <= snapshotIndex,
                "discarding the log after %d would drop the committed entries up to %d", snapshotIndex,
                hardState.commitIndex());
        Assert.check(snapshotIndex >= index.snapshotIndex() && snapshotTerm >= 1,
                "snapshot (%d, %d) is behind the log's snapshot (%d, %d)", snapshotIndex, snapshotTerm,
                index.snapshotIndex(), index.snapshotTerm());
        try {
            if (snapshotIndex > index.snapshotIndex()) {
                writeSnapshotMarker(snapshotIndex, snapshotTerm, discardLog);
                sync();
            }
            removeObsoleteSegments();
        } catch (IOException | RuntimeException compactFailure) {
            failure = compactFailure; // fail-stop: what reached the disk is now uncertain
            throw compactFailure;
        }
    }

    private void writeSnapshotMarker(long snapshotIndex, long snapshotTerm, boolean discardLog) throws IOException {
        if (hardState.commitIndex() < snapshotIndex) {
            HardState raised = new HardState(hardState.currentTerm(), hardState.votedFor(), snapshotIndex);
            writeRecord(new HardStateRecord(raised));
        }
        boolean matches = !discardLog && snapshotIndex < index.lastIndex()
                && index.term(snapshotIndex) == snapshotTerm;
        writeRecord(new SnapshotMarker(snapshotIndex, snapshotTerm, !matches));
        flush();
    }

    /** Removes the oldest segments while they hold no live entry, each removal made durable in turn. */
    private void removeObsoleteSegments() throws IOException {
        for (int count = index.obsoleteSegmentCount(); count > 0; count--) {
            Segment segment = index.removeFirstSegment();
            reader.forget(segment);
            segment.handle.close();
            fileSystem.delete(segment.fileName());
            // one at a time, oldest first: a crash must leave the remaining sequence without a gap
            fileSystem.syncDirectory();
        }
    }

    /** Closes the files. Does not sync: call {@link #sync()} first to keep what was appended. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException first = null;
        for (Segment segment : index.segments()) {
            try {
                segment.handle.close();
            } catch (IOException closeFailure) {
                first = first == null ? closeFailure : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public long snapshotIndex() {
        return index.snapshotIndex();
    }

    @Override
    public long snapshotTerm() {
        return index.snapshotTerm();
    }

    @Override
    public long lastIndex() {
        return index.lastIndex();
    }

    /** The term of {@code index} in [snapshotIndex, lastIndex], from memory. */
    @Override
    public long term(long entryIndex) {
        return index.term(entryIndex);
    }

    /**
     * Entries {@code from..to}, within (snapshotIndex, lastIndex], stopping before their
     * {@link Entry#sizeBytes()} would exceed {@code maxBytes} but returning at least one. An I/O
     * error or a checksum failure while reading is an {@link UncheckedIOException} (its cause a
     * {@link CorruptStorageException} for the latter): stop the node.
     */
    @Override
    public List<Entry> entries(long from, long to, long maxBytes) {
        Assert.check(!closed, "the write-ahead log is closed");
        Assert.check(from > index.snapshotIndex() && to <= index.lastIndex() && from <= to + 1,
                "entries [%d, %d] outside (%d, %d]", from, to, index.snapshotIndex(), index.lastIndex());
        List<Entry> result = new ArrayList<>((int) Math.min(to - from + 1, 1024));
        long bytes = 0;
        for (long entryIndex = from; entryIndex <= to; entryIndex++) {
            Entry entry = cache.get(entryIndex);
            if (entry == null) {
                entry = readThrough(entryIndex);
            }
            bytes += entry.sizeBytes();
            if (!result.isEmpty() && bytes > maxBytes) {
                break;
            }
            result.add(entry);
        }
        return result;
    }

    private Entry readThrough(long entryIndex) {
        try {
            Entry entry = reader.readEntry(index.segmentOf(entryIndex), entryIndex);
            cache.put(entry);
            return entry;
        } catch (IOException readFailure) {
            throw new UncheckedIOException(readFailure);
        }
    }

    /** Bytes of decoded entries in the cache (for tests and metrics). */
    public long cacheBytes() {
        return cache.bytes();
    }

    /** The segment file names, oldest first. */
    public List<String> segmentFiles() {
        return index.segments().stream().map(Segment::fileName).toList();
    }

    private void checkWritable() throws IOException {
        Assert.check(!closed, "the write-ahead log is closed");
        if (failure != null) {
            throw new WalFailedException(failure);
        }
    }

    private void checkBatch(HardState newHardState, List<Entry> entries) {
        if (newHardState != null) {
            Assert.check(newHardState.currentTerm() >= hardState.currentTerm(), "currentTerm goes back from %d to %d",
                    hardState.currentTerm(), newHardState.currentTerm());
        }
        if (entries.isEmpty()) {
            return;
        }
        long first = entries.get(0).index();
        Assert.check(first > index.snapshotIndex() && first <= index.lastIndex() + 1,
                "entries start at %d, outside (%d, %d]", first, index.snapshotIndex(), index.lastIndex() + 1);
        Assert.check(first > index.lastIndex() || first > hardState.commitIndex(),
                "entries from %d would replace committed entries (commit index %d)", first, hardState.commitIndex());
        long previousTerm = index.term(first - 1);
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            Assert.check(entry.index() == first + i, "entries are not contiguous at %s", entry);
            Assert.check(entry.term() >= previousTerm, "entry %s has a term below its predecessor's", entry);
            previousTerm = entry.term();
        }
    }

    /** Adds a record to the batch, first sealing the newest segment if the record would overfill it. */
    private void writeRecord(WalRecord record) throws IOException {
        int size = RecordCodec.encodedSize(record);
        Segment segment = currentSegment();
        long end = segment.size + batch.position();
        if (end + size > options.segmentBytesMax() && end > segment.preambleEnd) {
            flush();
            rollOver();
            segment = currentSegment();
        }
        place(segment, record);
    }

    /** Encodes the record into the batch, noting the offset it will have in {@code segment}. */
    private void place(Segment segment, WalRecord record) {
        int size = RecordCodec.encodedSize(record);
        if (batch.remaining() < size) {
            ByteBuffer larger = ByteBuffer.allocate(Math.max(batch.capacity() * 2, batch.position() + size));
            batch.flip();
            batch = larger.put(batch);
        }
        placed.add(new Placed(record, segment.size + batch.position()));
        RecordCodec.encode(record, batch);
    }

    /** Writes the batch to the newest segment, then updates the in-memory view to match. */
    private void flush() throws IOException {
        if (batch.position() == 0) {
            return;
        }
        Segment segment = currentSegment();
        batch.flip();
        int written = batch.remaining();
        segment.handle.write(segment.size, batch);
        batch.clear();
        segment.size += written;
        unsynced = true;
        for (Placed record : placed) {
            applyWritten(segment, record);
        }
        placed.clear();
    }

    private void applyWritten(Segment segment, Placed written) {
        String problem = index.apply(written.record(), segment, written.offset());
        Assert.check(problem == null, "written record does not replay: %s", problem);
        switch (written.record()) {
            case EntryRecord entryRecord -> cache.put(entryRecord.entry());
            case HardStateRecord hardStateRecord -> hardState = hardStateRecord.hardState();
            case Truncation truncation -> cache.removeFrom(truncation.fromIndex());
            case SnapshotMarker marker -> {
                cache.removeThrough(marker.index());
                if (marker.voidsLaterEntries()) {
                    cache.removeFrom(marker.index() + 1);
                }
            }
            case SegmentHeader header -> { }
        }
    }

    /** Seals the newest segment (synced, so only the newest can ever have a torn tail), starts the next. */
    private void rollOver() throws IOException {
        Segment sealed = currentSegment();
        sealed.handle.sync();
        createSegment(new SegmentName(sealed.name.sequence() + 1, index.lastIndex() + 1));
    }

    /** Creates a segment with its preamble (header, snapshot marker, hard state), durable in the directory. */
    private void createSegment(SegmentName name) throws IOException {
        FileHandle handle = fileSystem.open(name.fileName(), true);
        if (handle.size() != 0) {
            handle.close();
            throw new IOException("segment file " + name + " already exists: another process may be writing"
                    + " this data directory");
        }
        Segment segment = new Segment(name, handle);
        index.addSegment(segment);
        place(segment, new SegmentHeader(name.sequence(), name.firstIndex()));
        if (index.snapshotIndex() > 0) {
            place(segment, new SnapshotMarker(index.snapshotIndex(), index.snapshotTerm(), false));
        }
        if (!hardState.equals(HardState.EMPTY)) {
            place(segment, new HardStateRecord(hardState));
        }
        flush();
        segment.preambleEnd = segment.size;
        fileSystem.syncDirectory();
    }

    private Segment currentSegment() {
        List<Segment> segments = index.segments();
        return segments.get(segments.size() - 1);
    }
}
