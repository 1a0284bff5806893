package io.raftkv.client;

/**
 * What became of one client operation, in Jepsen's three kinds: it happened ({@link Ok}, Jepsen's
 * {@code :ok}), it certainly did not happen ({@link Failed}, {@code :fail}), or the client cannot
 * tell ({@link Unknown}, {@code :info}: a timeout or a lost connection after the request may have
 * reached the leader). An unknown operation may still take effect later, so a history checker must
 * keep it open forever.
 */
public sealed interface Outcome<T> {

    record Ok<T>(T value) implements Outcome<T> {}

    /**
     * Certainly not applied.
     *
     * @param error   a code from {@link Api} ({@code compare_failed}, {@code no_leader}, ...)
     * @param message one line for a person
     */
    record Failed<T>(String error, String message) implements Outcome<T> {}

    /** Perhaps applied, perhaps not. */
    record Unknown<T>(String message) implements Outcome<T> {}

    default boolean isOk() {
        return this instanceof Ok;
    }

    /** The value of an {@link Ok}; an IllegalStateException naming the outcome otherwise. */
    default T value() {
        if (this instanceof Ok<T> ok) {
            return ok.value();
        }
        throw new IllegalStateException("no value: " + describe());
    }

    /** One line: "ok", "failed (code): message" or "unknown outcome: message". */
    default String describe() {
        return switch (this) {
            case Ok<T> ok -> "ok";
            case Failed<T> failed -> "failed (" + failed.error() + "): " + failed.message();
            case Unknown<T> unknown -> "unknown outcome: " + unknown.message();
        };
    }

    /** The same non-Ok outcome with another value type. */
    @SuppressWarnings("unchecked")
    default <U> Outcome<U> castFailure() {
        if (this instanceof Ok) {
            throw new IllegalStateException("an Ok outcome has a value; it cannot be cast");
        }
        return (Outcome<U>) this;
    }
}
