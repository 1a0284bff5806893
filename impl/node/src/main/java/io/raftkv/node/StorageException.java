package io.raftkv.node;

/**
 * A write to durable storage failed or its outcome is unknown. The node must stop (fail-stop,
 * DESIGN.md "Errors"): after a failed fsync the kernel may have dropped the dirty pages, so a retry
 * that succeeds proves nothing about the earlier write.
 */
public class StorageException extends Exception {

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
