package io.raftkv.kv;

/**
 * A snapshot that cannot be restored: corrupt (checksum, structure, broken invariant) or taken
 * under another {@link KvConfig}. Checked, so the code that installs a snapshot has to decide
 * what to do (refuse it, fetch another); the state machine is left exactly as it was.
 */
public final class InvalidSnapshotException extends Exception {
    public InvalidSnapshotException(String message) {
        super(message);
    }
}
