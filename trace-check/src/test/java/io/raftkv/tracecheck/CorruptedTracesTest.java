package io.raftkv.tracecheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trace validation has teeth: each {@link Corruption} edits one event of a valid simulator trace
 * (or inserts or removes one) so that it describes a step Raft forbids, and the checker must reject
 * the trace exactly at that event (for a removal, at the event after it), while accepting the
 * trace it was made from. The lease corruptions need a seed that runs lease reads (about half do).
 *
 * <p>For each corruption the first seed (from 1) whose trace has a place for the edit is used;
 * the test fails if none of the first {@value #MAX_SEED} has one. One rejection is also run
 * through the diagnosis, which must show the spec's post-state next to the logged one.
 */
class CorruptedTracesTest {

  private static final long MAX_SEED = 200;

  @TempDir Path dir;

  @Test
  void everyCorruptionIsRejectedAtTheEditedEvent() throws IOException, InterruptedException {
    Map<Corruption, Corruption.Edited> edits = new EnumMap<>(Corruption.class);
    Map<Long, SimTraces.Run> bases = new LinkedHashMap<>();
    Map<Corruption, Long> seeds = new EnumMap<>(Corruption.class);
    for (long seed = 1; seed <= MAX_SEED && edits.size() < Corruption.values().length; seed++) {
      SimTraces.Run run = null;
      for (Corruption corruption : Corruption.values()) {
        if (edits.containsKey(corruption)) {
          continue;
        }
        if (run == null) {
          run = SimTraces.run(seed, SimTraces.OPTIONS, dir);
        }
        Optional<Corruption.Edited> edited = corruption.apply(run.trace().events());
        if (edited.isPresent()) {
          edits.put(corruption, edited.get());
          seeds.put(corruption, seed);
          bases.put(seed, run);
        }
      }
    }
    for (Corruption corruption : Corruption.values()) {
      assertTrue(edits.containsKey(corruption), corruption + ": no trace of seeds 1.." + MAX_SEED + " has a place for it");
    }

    List<Path> files = new ArrayList<>();
    List<Corruption> order = new ArrayList<>();
    for (Map.Entry<Corruption, Corruption.Edited> edit : edits.entrySet()) {
      files.add(SimTraces.write(dir.resolve(edit.getKey().name().toLowerCase() + ".ndjson"),
          bases.get(seeds.get(edit.getKey())).trace(), edit.getValue().events()));
      order.add(edit.getKey());
    }
    files.addAll(SimTraces.files(new ArrayList<>(bases.values())));

    TraceValidator validator = new TraceValidator(TraceValidator.Options.defaults().withDiagnose(false));
    List<TraceValidator.Verdict> verdicts = validator.validate(files);
    for (int k = 0; k < order.size(); k++) {
      Corruption corruption = order.get(k);
      TraceValidator.Verdict verdict = verdicts.get(k);
      int expected = edits.get(corruption).index();
      System.out.println(corruption + " (seed " + seeds.get(corruption) + ", edited event " + expected + "): "
          + verdict.summary());
      assertFalse(verdict.ok(), corruption + " was accepted");
      assertEquals(expected, verdict.failedEvent(), corruption + " rejected elsewhere: " + verdict.summary()
          + (verdict.problem() == null ? "" : "\n" + verdict.problem()));
      assertEquals(SimTraces.JSON_LINE.apply(edits.get(corruption).events().get(expected - 1)), verdict.failedLine());
    }
    for (int k = order.size(); k < files.size(); k++) {
      assertTrue(verdicts.get(k).ok(), "the uncorrupted trace " + verdicts.get(k).summary());
    }
  }

  @Test
  void theDiagnosisShowsTheSpecsStateNextToTheLoggedOne() throws IOException, InterruptedException {
    SimTraces.Run run = null;
    Optional<Corruption.Edited> edited = Optional.empty();
    for (long seed = 1; seed <= MAX_SEED && edited.isEmpty(); seed++) {
      run = SimTraces.run(seed, SimTraces.OPTIONS, dir);
      edited = Corruption.COMMIT_INDEX_DECREASES.apply(run.trace().events());
    }
    assertTrue(edited.isPresent());
    int index = edited.get().index();
    long logged = edited.get().events().get(index - 1).at("/state/commitIndex").asLong();
    Path file = SimTraces.write(dir.resolve("commit.ndjson"), run.trace(), edited.get().events());

    TraceValidator.Verdict verdict = new TraceValidator(TraceValidator.Options.defaults()).validate(List.of(file)).get(0);

    assertEquals(index, verdict.failedEvent());
    String diagnosis = String.join("\n", verdict.diagnosis());
    System.out.println(verdict.summary() + "\n" + diagnosis);
    assertTrue(diagnosis.contains("is enabled: TRUE"), diagnosis);
    assertTrue(diagnosis.contains("commitIndex |-> " + (logged + 1)), "the spec keeps the commit index:\n" + diagnosis);
    assertTrue(diagnosis.contains("\"commitIndex\":" + logged), "the logged state:\n" + diagnosis);
    assertTrue(diagnosis.contains("SendHeartbeat("), "what was enabled:\n" + diagnosis);
  }
}
