package io.raftkv.kv;

/**
 * Bad bytes found while decoding a command, a result or a snapshot. It never leaves the package:
 * the codec turns it into {@link Decoded.Malformed} and snapshot restore into
 * {@link CorruptSnapshotException}, so bad input from outside is a value or a checked error for the
 * caller, never an unchecked exception that could stop a node. The message is a function of the
 * input bytes only, so every replica that rejects a command rejects it with the same text.
 */
final class FormatException extends RuntimeException {
    FormatException(String message) {
        super(message, null, false, false);
    }
}
