package io.raftkv.storage;

import java.io.IOException;

/**
 * The write-ahead log refuses writes because an earlier write or sync failed: what reached the disk
 * is uncertain, so the only safe way on is to stop the node and recover from the disk at restart.
 */
public final class WalFailedException extends IOException {
    public WalFailedException(Throwable firstFailure) {
        super("the write-ahead log stopped accepting writes after an I/O error (" + firstFailure
                + "); stop the node and restart it to recover from the disk", firstFailure);
    }
}
