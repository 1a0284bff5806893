package io.raftkv.jepsen.checker;

import io.raftkv.cli.HistoryCheck;
import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.HistoryFormatException;
import io.raftkv.jepsen.history.Op;
import io.raftkv.jepsen.history.OpType;
import io.raftkv.jepsen.model.KvModel;
import io.raftkv.jepsen.report.AnomalyText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The project's linearizability checker offered to commands in impl (the simulator checks each
 * seed's client history with it): the history becomes a Jepsen history of {@code :read} and
 * {@code :write} ops with a {@code :key}, checked per key against the key-value model (absent
 * initially) on one search thread, as a Jepsen run's history is.
 */
public final class KeyValueHistoryCheck implements HistoryCheck {

  @Override
  public Result checkKeyValue(List<Event> history, Duration timeout) {
    List<Op> ops = new ArrayList<>(history.size());
    for (Event event : history) {
      ops.add(new Op(ops.size(), event.time(), event.process(), OpType.fromWireName(event.type()),
          event.f(), event.value(), event.key()));
    }
    History jepsen = new History("simulated client", ops);
    CheckResult result;
    try {
      result = LinearizabilityChecker.check(jepsen, new KvModel(null, false),
          CheckOptions.defaults().withThreads(1).withTimeout(timeout));
    } catch (HistoryFormatException e) {
      throw new IllegalArgumentException("the simulator wrote a malformed history: " + e.getMessage(), e);
    }
    String summary = result.invocations() + " ops over " + result.partitions() + " keys";
    return switch (result.verdict()) {
      case LINEARIZABLE -> new Result("valid", summary);
      case UNKNOWN -> new Result("unknown", summary + ": " + result.reason());
      case NOT_LINEARIZABLE -> new Result("invalid", summary + "\n" + AnomalyText.render(jepsen, result));
    };
  }
}
