package io.raftkv.storage;

import java.io.IOException;

/**
 * Stored data fails its checksum or does not fit the data around it, somewhere a crash cannot
 * explain (not the torn tail of the last segment). The node must not start (or continue) with it:
 * the message names the file, the offset and what the operator can do.
 */
public final class CorruptStorageException extends IOException {
    /** What an operator can do about a corrupt write-ahead log or snapshot. */
    static final String OPERATOR_ADVICE = "The node must not run on a log that may differ from what it"
            + " acknowledged. Restore this node's data directory from a backup, or remove the node from the"
            + " cluster configuration and add it back with an empty data directory as a new member (safe only"
            + " while a majority of the cluster still holds every committed entry).";

    private final String file;
    private final long offset;

    public CorruptStorageException(String file, long offset, String problem) {
        super(file + " is corrupt at offset " + offset + ": " + problem + ". " + OPERATOR_ADVICE);
        this.file = file;
        this.offset = offset;
    }

    /** The file's name within the data directory. */
    public String file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
