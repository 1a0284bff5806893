package io.raftkv.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.spec.TlcResult.TraceState;
import io.raftkv.spec.TlcResult.ViolationKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves that {@link TlcRunner} forks TLC and reads back what TLC found: the statistics of a clean
 * run, the name and trace of an invariant or action-property violation, and the spec's own output.
 * It runs TLC for real on {@code src/test/resources/toy/Toy.tla}, whose state space is known by
 * hand: x in 0..5 times y.a in 0..4.
 */
class TlcRunnerTest {

  @TempDir Path dir;

  private TlcResult run(String config) throws Exception {
    for (String name : List.of("Toy.tla", config)) {
      Files.copy(Path.of("src/test/resources/toy", name), dir.resolve(name));
    }
    return TlcRunner.builder(dir, "Toy").config(config).workers(1).run();
  }

  @Test
  void cleanRunReportsStatisticsAndLeavesNothingBehind() throws Exception {
    TlcResult result = run("Ok.cfg");
    assertTrue(result.ok(), () -> "expected OK: " + result);
    // x: 0..5; y.a: 0..4 (bumped by 1 or 2 while below 3).
    assertEquals(30, result.distinctStates());
    assertTrue(result.depth() > 0);
    assertTrue(result.trace().isEmpty());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(2, files.count(), "TLC left files in its working directory");
    }
  }

  @Test
  void invariantViolationNamesTheInvariantAndGivesTheTrace() throws Exception {
    TlcResult result = run("Invariant.cfg");
    assertEquals(TlcResult.EXIT_INVARIANT_VIOLATED, result.exitCode());
    assertEquals(Optional.of("SmallX"), result.violatedProperty());
    assertEquals(ViolationKind.INVARIANT, result.violation().orElseThrow().kind());
    List<TraceState> trace = result.trace();
    assertEquals(4, trace.size(), "breadth-first search finds the shortest trace: x = 0, 1, 2, 3");
    assertEquals("Initial predicate", trace.get(0).action());
    assertEquals("Inc", trace.get(3).actionName());
    assertEquals("3", trace.get(3).variables().get("x"));
    assertEquals("[a |-> 0, b |-> \"z\"]", trace.get(3).variables().get("y"));
  }

  @Test
  void actionPropertyViolationIsRecognised() throws Exception {
    TlcResult result = run("Action.cfg");
    assertEquals(TlcResult.EXIT_ACTION_PROPERTY_VIOLATED, result.exitCode());
    assertEquals(Optional.of("Monotonic"), result.violatedProperty());
    assertEquals(ViolationKind.ACTION_PROPERTY, result.violation().orElseThrow().kind());
    assertEquals("Reset", result.trace().getLast().actionName());
    assertEquals("0", result.trace().getLast().variables().get("x"));
  }

  @Test
  void specOutputIsCollected() throws Exception {
    TlcResult result = run("Print.cfg");
    assertTrue(result.ok());
    assertTrue(result.userOutput().contains("<<\"hello\", 1>>"), () -> result.userOutput().toString());
    assertFalse(result.userOutput().stream().anyMatch(l -> l.startsWith("Parsing file")));
  }
}
