package io.raftkv.jepsen.checker;

import io.raftkv.jepsen.model.Model;
import java.util.List;

/**
 * The definition of linearizability, executed literally: try every order of every subset of the
 * ops (all ok ops, any subset of the unknown-outcome ones) that respects real time, stepping the
 * whole model (no partitioning, no cache, no linked list). Exponential; for small histories only.
 */
final class BruteForceChecker {
  private final Model model;
  private final List<PairedOp> ops;
  private final boolean[] placed;
  private int requiredLeft;

  private BruteForceChecker(Model model, List<PairedOp> ops) {
    this.model = model;
    this.ops = ops;
    this.placed = new boolean[ops.size()];
    for (PairedOp op : ops) {
      if (op.required()) {
        requiredLeft++;
      }
    }
  }

  static boolean linearizable(Model model, List<PairedOp> ops) {
    return new BruteForceChecker(model, ops).extend(model.initialState());
  }

  private boolean extend(Object state) {
    if (requiredLeft == 0) {
      return true; // unknown ops left out never happened
    }
    for (int i = 0; i < ops.size(); i++) {
      if (placed[i] || !mayGoNext(i)) {
        continue;
      }
      Object next = model.step(state, ops.get(i).operation());
      if (next == Model.ILLEGAL) {
        continue;
      }
      placed[i] = true;
      if (ops.get(i).required()) {
        requiredLeft--;
      }
      boolean found = extend(next);
      placed[i] = false;
      if (ops.get(i).required()) {
        requiredLeft++;
      }
      if (found) {
        return true;
      }
    }
    return false;
  }

  /** Real time: no unplaced ok op completed before op {@code i} was invoked. */
  private boolean mayGoNext(int i) {
    int invoked = ops.get(i).invokePosition();
    for (int j = 0; j < ops.size(); j++) {
      if (j != i && !placed[j] && ops.get(j).required() && ops.get(j).returnPosition() < invoked) {
        return false;
      }
    }
    return true;
  }
}
