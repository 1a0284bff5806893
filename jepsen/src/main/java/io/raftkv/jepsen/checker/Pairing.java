package io.raftkv.jepsen.checker;

import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.HistoryFormatException;
import io.raftkv.jepsen.history.Op;
import io.raftkv.jepsen.history.OpType;
import io.raftkv.jepsen.model.Model;
import io.raftkv.jepsen.model.Operation;
import io.raftkv.jepsen.model.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a history into model operations, applying the semantics of completions:
 * <ul>
 *   <li>ops of non-client processes (e.g. {@code :nemesis}) are not model ops;
 *   <li>{@code ok}: took effect between invocation and completion, with the completion's value;
 *   <li>{@code fail}: did not happen, dropped with its invocation, unless {@code keepFailedCas}
 *       and it is a cas (Porcupine's reading: the value was not the expected one);
 *   <li>{@code info} or no completion: may take effect at any point after the invocation, or never.
 * </ul>
 * A process must not invoke while its previous op is open; a completion must follow an invocation
 * of its own process.
 */
public final class Pairing {
  private Pairing() {}

  /** The model ops of {@code history}, in invocation order, each prepared by {@code model}. */
  public static List<PairedOp> pair(History history, Model model, boolean keepFailedCas) throws HistoryFormatException {
    List<PairedOp> result = new ArrayList<>();
    for (Op[] pair : pairs(history)) {
      Op invocation = pair[0];
      Op completion = pair[1];
      Outcome outcome;
      if (completion == null || completion.type() == OpType.INFO) {
        outcome = Outcome.UNKNOWN;
      } else if (completion.type() == OpType.OK) {
        outcome = Outcome.OK;
      } else if (keepFailedCas && invocation.f().equals("cas")) {
        outcome = Outcome.FAILED;
      } else {
        continue;
      }
      Object key = invocation.key() != null ? invocation.key() : completion == null ? null : completion.key();
      Object output = outcome == Outcome.OK ? completion.value() : null;
      Operation raw = new Operation(invocation.f(), key, invocation.value(), output, outcome);
      try {
        result.add(new PairedOp(model.prepare(raw), invocation, completion));
      } catch (IllegalArgumentException e) {
        throw new HistoryFormatException(history.where(invocation.index()) + " " + invocation + ": "
            + e.getMessage());
      }
    }
    return result;
  }

  /** Each client invocation with its completion (null if none), in invocation order. */
  private static List<Op[]> pairs(History history) throws HistoryFormatException {
    Map<Object, Integer> open = new HashMap<>(); // process -> index into pairs of its open op
    List<Op[]> pairs = new ArrayList<>();
    for (Op op : history.ops()) {
      if (!op.isClient()) {
        continue;
      }
      if (op.type() == OpType.INVOKE) {
        Integer previous = open.put(op.process(), pairs.size());
        if (previous != null) {
          throw new HistoryFormatException(history.where(op.index()) + ": process " + op.process()
              + " invokes while its " + opAt(history, pairs.get(previous)[0].index()) + " is still open");
        }
        pairs.add(new Op[] {op, null});
        continue;
      }
      Integer pair = open.remove(op.process());
      if (pair == null) {
        throw new HistoryFormatException(history.where(op.index()) + " (" + op.type().wireName()
            + ") completes nothing: process " + op.process() + " has no open invocation");
      }
      Op invocation = pairs.get(pair)[0];
      if (!invocation.f().equals(op.f())) {
        throw new HistoryFormatException(history.where(op.index()) + " completes " + op.f() + " but process "
            + op.process() + " invoked " + invocation.f() + " at " + opAt(history, invocation.index()));
      }
      pairs.get(pair)[1] = op;
    }
    return pairs;
  }

  /** {@code op N (line L)}, or {@code op N} when lines are unknown. */
  private static String opAt(History history, int index) {
    int line = history.lineOf(index);
    return "op " + index + (line > 0 ? " (line " + line + ")" : "");
  }
}
