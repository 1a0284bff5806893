package io.raftkv.jepsen.client;

import io.raftkv.jepsen.history.OpType;

/**
 * How one operation ended, in Jepsen's terms.
 *
 * @param type ok (it happened), fail (it certainly did not) or info (it may have)
 * @param value what a read observed (a {@code Long}, or nil for an absent key); the op's own
 *     value for a write or cas
 * @param error why it did not end ok, or null
 */
public record Completion(OpType type, Object value, String error) {
  public Completion {
    if (type == OpType.INVOKE) {
      throw new IllegalArgumentException("a completion cannot be an invocation");
    }
  }
}
