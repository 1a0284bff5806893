package io.raftkv.storage;

import io.raftkv.core.Entry;
import io.raftkv.core.HardState;
import io.raftkv.storage.RecordCodec.Decoded;
import io.raftkv.storage.WalRecord.EntryRecord;
import io.raftkv.storage.WalRecord.HardStateRecord;
import io.raftkv.storage.WalRecord.SnapshotMarker;
import io.raftkv.storage.WalRecord.Truncation;
import io.raftkv.storage.fs.MemoryFileSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Shared test fixtures: a naive model of the log built by replaying records one by one (an
 * independent reimplementation of what replay means, used as the oracle), a scanner listing the
 * records stored in segment files, and a generator of valid random batches.
 */
final class WalTesting {
    static final long UNLIMITED = Long.MAX_VALUE;

    private WalTesting() {}

    static Entry entry(long index, long term, String data) {
        return Entry.command(index, term, data.getBytes(StandardCharsets.UTF_8));
    }

    /** Every entry of the log, read through its public read side. */
    static List<Entry> readAll(WriteAheadLog log) {
        if (log.lastIndex() == log.snapshotIndex()) {
            return List.of();
        }
        List<Entry> result = new ArrayList<>();
        long next = log.snapshotIndex() + 1;
        while (next <= log.lastIndex()) {
            List<Entry> chunk = log.entries(next, log.lastIndex(), 512);
            result.addAll(chunk);
            next += chunk.size();
        }
        return result;
    }

    /** A record as stored: where it starts in which segment file, and how long it is. */
    record StoredRecord(String file, int offset, int size, WalRecord record) {
        int end() {
            return offset + size;
        }
    }

    static List<String> segmentFiles(MemoryFileSystem fileSystem) {
        return fileSystem.list().stream().filter(name -> SegmentName.parse(name).isPresent()).toList();
    }

    /** The records of every segment in order, decoding until the first invalid bytes of each file. */
    static List<StoredRecord> scan(MemoryFileSystem fileSystem) throws IOException {
        List<StoredRecord> records = new ArrayList<>();
        for (String file : segmentFiles(fileSystem)) {
            byte[] bytes = fileSystem.contents(file);
            int offset = 0;
            while (offset < bytes.length) {
                Decoded decoded = RecordCodec.decode(bytes, offset, bytes.length);
                if (!decoded.ok()) {
                    break;
                }
                records.add(new StoredRecord(file, offset, decoded.size(), decoded.record()));
                offset += decoded.size();
            }
        }
        return records;
    }

    /** The log as the naive model sees it; equal models mean equal logs. */
    record LogState(long snapshotIndex, long snapshotTerm, List<Entry> entries, HardState hardState) {

        static LogState of(WriteAheadLog log) {
            return new LogState(log.snapshotIndex(), log.snapshotTerm(), readAll(log), log.hardState());
        }

        long lastIndex() {
            return snapshotIndex + entries.size();
        }
    }

    /**
     * Replays records naively: entries by index in a sorted map, each record cutting or adding as
     * it says, with no notion of segments, offsets or term runs. The records may start in the middle
     * of the log (after a compaction removed the oldest segments); the result is a log only if the
     * entries left run contiguously from the snapshot on.
     */
    static final class LogModel {
        long snapshotIndex;
        long snapshotTerm;
        final TreeMap<Long, Entry> entries = new TreeMap<>();
        HardState hardState = HardState.EMPTY;

        void apply(WalRecord record) {
            switch (record) {
                case EntryRecord entryRecord -> {
                    entries.tailMap(entryRecord.entry().index(), true).clear();
                    entries.put(entryRecord.entry().index(), entryRecord.entry());
                }
                case Truncation truncation -> entries.tailMap(truncation.fromIndex(), true).clear();
                case HardStateRecord hardStateRecord -> hardState = hardStateRecord.hardState();
                case SnapshotMarker marker -> {
                    if (marker.voidsLaterEntries()) {
                        entries.clear();
                    }
                    entries.headMap(marker.index(), true).clear();
                    snapshotIndex = marker.index();
                    snapshotTerm = marker.term();
                }
                default -> { }
            }
        }

        /** The log, or null if the entries do not run contiguously from snapshotIndex + 1. */
        LogState state() {
            long expected = snapshotIndex + 1;
            for (long index : entries.keySet()) {
                if (index != expected++) {
                    return null;
                }
            }
            long lastIndex = snapshotIndex + entries.size();
            HardState clamped = hardState.commitIndex() <= lastIndex ? hardState
                    : new HardState(hardState.currentTerm(), hardState.votedFor(), lastIndex);
            return new LogState(snapshotIndex, snapshotTerm, List.copyOf(entries.values()), clamped);
        }

        /** The log these records make, or null if they do not make one (recovery must refuse). */
        static LogState replay(List<StoredRecord> records) {
            LogModel model = new LogModel();
            records.forEach(stored -> model.apply(stored.record()));
            return model.state();
        }
    }

    /**
     * Valid random batches, as a Raft node would write them: terms only grow, a commit index that
     * never passes the log's end, overwrites only above the commit index and always with a new term.
     */
    static final class Workload {
        private final SplittableRandom random;
        private final int dataBytesMax;
        private final boolean compactions;
        long currentTerm = 1;
        long commitIndex;

        Workload(SplittableRandom random, int dataBytesMax) {
            this(random, dataBytesMax, true);
        }

        Workload(SplittableRandom random, int dataBytesMax, boolean compactions) {
            this.random = random;
            this.dataBytesMax = dataBytesMax;
            this.compactions = compactions;
        }

        /** Writes one random batch to {@code log}; now and then compacts it first. */
        void appendBatch(WriteAheadLog log) throws IOException {
            if (compactions && commitIndex > log.snapshotIndex() && random.nextInt(12) == 0) {
                long snapshotIndex = log.snapshotIndex() + 1 + random.nextLong(commitIndex - log.snapshotIndex());
                log.compact(snapshotIndex, log.term(snapshotIndex));
            }
            long last = log.lastIndex();
            long first = last + 1;
            boolean overwrite = last > Math.max(commitIndex, log.snapshotIndex()) && random.nextInt(5) == 0;
            HardState hardState = null;
            if (overwrite) {
                first = Math.max(commitIndex, log.snapshotIndex()) + 1
                        + random.nextLong(last - Math.max(commitIndex, log.snapshotIndex()));
                currentTerm++;
                hardState = new HardState(currentTerm, 0, commitIndex);
            } else if (random.nextInt(3) == 0) {
                currentTerm += random.nextInt(4) == 0 ? 1 : 0;
                commitIndex = Math.max(commitIndex, log.snapshotIndex()) + random.nextLong(last - Math.max(commitIndex,
                        log.snapshotIndex()) + 1);
                hardState = new HardState(currentTerm, random.nextInt(4), commitIndex);
            }
            int count = overwrite ? 1 + random.nextInt(4) : random.nextInt(5);
            List<Entry> entries = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] data = new byte[random.nextInt(dataBytesMax + 1)];
                random.nextBytes(data);
                entries.add(Entry.command(first + i, currentTerm, data));
            }
            log.append(hardState, entries);
        }
    }
}
