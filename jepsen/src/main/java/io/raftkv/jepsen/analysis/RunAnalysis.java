package io.raftkv.jepsen.analysis;

import io.raftkv.jepsen.checker.CheckOptions;
import io.raftkv.jepsen.checker.CheckResult;
import io.raftkv.jepsen.checker.LinearizabilityChecker;
import io.raftkv.jepsen.checker.Verdict;
import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.HistoryFormatException;
import io.raftkv.jepsen.history.OpType;
import io.raftkv.jepsen.model.Model;
import io.raftkv.jepsen.model.Models;
import io.raftkv.jepsen.report.AnomalyText;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Jepsen's composed checker over a run's history: linearizability per key (the project's checker
 * with the kv model, which splits the history by key and checks each key as a register whose
 * initial value is nil, i.e. absent), no acknowledged write lost, and the statistics.
 *
 * @param valid the whole verdict: false if any part is false, else unknown if any part is
 * @param linearizable the linearizability part
 * @param check the checker's result (null if it could not run; {@code reason} says why)
 * @param lostValidity the lost-write part: unknown when some written key has no final read
 * @param lost the lost writes
 * @param keysWithoutFinalRead written keys whose final read did not succeed
 * @param anomaly the first anomaly as text, empty if none
 * @param reason why the linearizability part is unknown, or null
 */
public record RunAnalysis(Validity valid, Validity linearizable, CheckResult check, Validity lostValidity,
    List<LostWrites.Lost> lost, List<String> keysWithoutFinalRead, Stats stats, String anomaly, String reason) {

  public static RunAnalysis of(History history, Map<String, Object> finalReads, Duration checkLimit) {
    List<CompletedOp> ops = CompletedOp.of(history);
    Model model = Models.create("kv", null, false, false);
    CheckResult check = null;
    Validity linearizable;
    String reason = null;
    try {
      check = LinearizabilityChecker.check(history, model, CheckOptions.defaults().withTimeout(checkLimit));
      linearizable = check.verdict() == Verdict.LINEARIZABLE ? Validity.TRUE
          : check.verdict() == Verdict.NOT_LINEARIZABLE ? Validity.FALSE : Validity.UNKNOWN;
      reason = check.reason();
    } catch (HistoryFormatException malformed) {
      linearizable = Validity.UNKNOWN;
      reason = "the history does not pair up: " + malformed.getMessage();
    }
    List<LostWrites.Lost> lost = LostWrites.check(ops, finalReads);
    List<String> unread = writtenKeys(ops).stream().filter(k -> !finalReads.containsKey(k)).toList();
    Validity lostValidity = !lost.isEmpty() ? Validity.FALSE : unread.isEmpty() ? Validity.TRUE : Validity.UNKNOWN;
    String anomaly = check != null && check.anomaly() != null ? AnomalyText.render(history, check) : "";
    return new RunAnalysis(linearizable.and(lostValidity), linearizable, check, lostValidity, lost, unread,
        Stats.of(ops), anomaly, reason);
  }

  private static TreeSet<String> writtenKeys(List<CompletedOp> ops) {
    TreeSet<String> keys = new TreeSet<>();
    for (CompletedOp op : ops) {
      if (op.type() == OpType.OK && !op.invocation().f().equals("read")) {
        keys.add(String.valueOf(op.invocation().key()));
      }
    }
    return keys;
  }
}
