package io.raftkv.storage;

import io.raftkv.core.Entry;
import io.raftkv.core.HardState;

/**
 * The logical records of the write-ahead log; {@link RecordCodec} defines their bytes. Replaying
 * the records of all segments in order rebuilds the log: see {@link LogIndex} for what each does.
 */
sealed interface WalRecord {

    /** Type byte on disk; never reuse a retired value. */
    byte type();

    /** First record of every segment: identifies the file, guards against a misnamed one. */
    record SegmentHeader(long sequence, long firstIndex) implements WalRecord {
        static final int MAGIC = 0x524B_5657; // "RKVW"
        static final byte VERSION = 1;

        @Override
        public byte type() {
            return 1;
        }
    }

    /** One log entry. Its index is lastIndex + 1, or the log holds no entries yet. */
    record EntryRecord(Entry entry) implements WalRecord {
        @Override
        public byte type() {
            return 2;
        }
    }

    /** The hard state from here on (term, vote, commit); the last one read wins. */
    record HardStateRecord(HardState hardState) implements WalRecord {
        @Override
        public byte type() {
            return 3;
        }
    }

    /** Entries from {@code fromIndex} on, written earlier, are void (a conflicting suffix). */
    record Truncation(long fromIndex) implements WalRecord {
        @Override
        public byte type() {
            return 4;
        }
    }

    /**
     * Entries up to {@code index} live in a snapshot whose last entry has {@code term}; the log
     * continues at index + 1. With {@code voidsLaterEntries}, every entry above index written
     * earlier is void too (the snapshot replaced a log that does not match it); without, they stay.
     * One record, so a crash cannot separate the two halves of installing a snapshot.
     */
    record SnapshotMarker(long index, long term, boolean voidsLaterEntries) implements WalRecord {
        @Override
        public byte type() {
            return 5;
        }
    }
}
