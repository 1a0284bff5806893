package io.raftkv.jepsen.checker;

import io.raftkv.jepsen.history.EdnWriter;
import io.raftkv.jepsen.history.Op;
import io.raftkv.jepsen.model.Operation;
import io.raftkv.jepsen.model.Outcome;

/**
 * An invocation with its completion, as one model operation.
 *
 * @param operation what the model steps on
 * @param invocation the invoke op from the history
 * @param completion the ok / fail / info op, or null if the history ends without one
 */
public record PairedOp(Operation operation, Op invocation, Op completion) {
  /** Whether the op certainly took effect before its completion (ok, or failed-but-observed). */
  public boolean required() {
    return operation.outcome() != Outcome.UNKNOWN;
  }

  /** History position of the invocation (real-time order is history order). */
  public int invokePosition() {
    return invocation.index();
  }

  /** History position of the completion that bounds it, or -1 if it may take effect at any later point. */
  public int returnPosition() {
    return required() ? completion.index() : -1;
  }

  @Override
  public String toString() {
    String seen = completion == null ? "no completion" : completion.type().wireName()
        + (operation.observed() ? " " + EdnWriter.format(completion.value()) : "");
    return "process " + invocation.process() + " " + operation.f()
        + (operation.key() != null ? " key " + EdnWriter.format(operation.key()) : "")
        + " " + EdnWriter.format(invocation.value())
        + " -> " + seen + " (ops " + invocation.index() + (completion == null ? "" : ".." + completion.index()) + ")";
  }
}
