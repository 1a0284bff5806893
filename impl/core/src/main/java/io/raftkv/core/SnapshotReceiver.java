package io.raftkv.core;

import io.raftkv.core.Message.InstallSnapshotRequest;
import java.util.Arrays;

/**
 * A follower's snapshot in transit: the chunks of one leader snapshot received so far, in order.
 * A chunk at offset 0 starts a snapshot over (the leader began again, or sends a newer one); a chunk
 * that does not continue exactly what is held is not kept, and the answer tells the leader where to
 * go on from (0 if what is held belongs to another snapshot). Held in memory only: a restart loses it
 * and the leader starts over.
 */
final class SnapshotReceiver {
    private long index;
    private long term;
    private byte[] bytes = new byte[0];
    private int length;
    private Membership membership;

    /**
     * Takes {@code chunk} if it continues the snapshot held (or starts one).
     *
     * @return whether the snapshot is now complete (the chunk was its last and continued it)
     */
    boolean accept(InstallSnapshotRequest chunk) {
        if (chunk.offset() == 0) {
            index = chunk.snapshotIndex();
            term = chunk.snapshotTerm();
            length = 0;
            membership = chunk.membership();
        } else if (!holds(chunk.snapshotIndex(), chunk.snapshotTerm()) || chunk.offset() != length) {
            return false;
        }
        int needed = length + chunk.data().length;
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(needed, bytes.length * 2));
        }
        System.arraycopy(chunk.data(), 0, bytes, length, chunk.data().length);
        length = needed;
        return chunk.done();
    }

    /** Bytes held of the snapshot at ({@code snapshotIndex}, {@code snapshotTerm}), 0 if another is held. */
    long nextOffset(long snapshotIndex, long snapshotTerm) {
        return holds(snapshotIndex, snapshotTerm) ? length : 0;
    }

    private boolean holds(long snapshotIndex, long snapshotTerm) {
        return index == snapshotIndex && term == snapshotTerm && index != 0;
    }

    /** The complete snapshot (after {@link #accept} returned true); what was held is let go. */
    Snapshot take() {
        Snapshot snapshot = new Snapshot(index, term, Arrays.copyOf(bytes, length), membership);
        clear();
        return snapshot;
    }

    void clear() {
        index = 0;
        term = 0;
        bytes = new byte[0];
        length = 0;
        membership = null;
    }
}
