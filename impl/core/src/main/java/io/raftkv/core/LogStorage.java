package io.raftkv.core;

import java.util.List;

/**
 * The read side of a node's durable log (etcd's Storage): the core reads the stable part of its log
 * (every entry up to its durable index) through this interface and keeps only the unstable part in
 * memory, so a long log costs the core no heap. The driver writes the entries each {@link Ready}
 * hands out and reports completed writes with {@link RaftNode#persisted}; an implementation must
 * answer for an entry as soon as it has been reported durable, and may keep only a bounded cache of
 * entries in memory.
 *
 * <p>The log is addressed from a snapshot: it holds entries {@code snapshotIndex+1 .. lastIndex};
 * those up to snapshotIndex are committed and live in a snapshot, of which only the last index and
 * term are known here (thesis §5.1).
 *
 * <p>Storage I/O errors are fail-stop (DESIGN.md "Errors"): an implementation throws an unchecked
 * exception and the node stops; it never answers with something it is unsure of.
 */
public interface LogStorage {

    /** Index of the last entry covered by the snapshot, 0 if none. */
    long snapshotIndex();

    /** Term of that entry, 0 if none. */
    long snapshotTerm();

    /**
     * The last stored index (snapshotIndex if no entry follows the snapshot). It may be ahead of
     * what the core knows durable: a write may be stored but not yet reported.
     */
    long lastIndex();

    /** The term at {@code index} in [snapshotIndex, lastIndex]; snapshotIndex gives snapshotTerm. */
    long term(long index);

    /**
     * Entries {@code from..to} inclusive, within (snapshotIndex, lastIndex], stopping before the
     * byte total ({@link Entry#sizeBytes()}) would exceed {@code maxBytes}, but at least one entry.
     */
    List<Entry> entries(long from, long to, long maxBytes);

    /**
     * The latest snapshot the driver saved (at least as new as the core's snapshot index: a driver
     * saves a snapshot durably before it tells the core with {@link RaftNode#compact}), or null if
     * there is none. A leader reads it to send to a follower whose next entry it has compacted.
     */
    default Snapshot snapshot() {
        return null;
    }
}
