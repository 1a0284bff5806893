package io.raftkv.kv;

import java.util.Objects;

/**
 * The outcome of decoding bytes that came from outside: a value, or the reason the bytes are not
 * one. Bad input is an expected outcome (DESIGN.md "Errors"), so it is a return value the caller
 * must look at rather than an exception that could escape and stop a node.
 */
public sealed interface Decoded<T> {

    record Ok<T>(T value) implements Decoded<T> {
        public Ok {
            Objects.requireNonNull(value, "value");
        }
    }

    /** {@code reason} names the field and byte offset; it depends on the input bytes only. */
    record Malformed<T>(String reason) implements Decoded<T> {
        public Malformed {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The value, or an IllegalArgumentException carrying the reason (for callers that trust the bytes). */
    default T orElseThrow() {
        return switch (this) {
            case Ok<T> ok -> ok.value();
            case Malformed<T> malformed -> throw new IllegalArgumentException(malformed.reason());
        };
    }
}
