package io.raftkv.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioReportTest {

  @Test
  void readsTheSpecsLinesAndKeepsTheDeclaredOrder() {
    ScenarioReport report = ScenarioReport.parse(List.of(
        "\"scenario A\"", "\"scenario B\"", "\"scenario C\"",
        "some other output",
        "\"reached C\"", "\"reached A\"", "\"reached C\""));
    assertTrue(report.reported());
    assertEquals(List.of("A", "B", "C"), List.copyOf(report.declared()));
    assertEquals(List.of("C", "A"), List.copyOf(report.reached()));
    assertEquals(List.of("B"), report.notReached());
    assertEquals(List.of("B", "D"), report.missing(List.of("A", "B", "D")));
    assertEquals("reached 2 of 3: A, C; not reached: B", report.summary());
  }

  @Test
  void aRunWithoutScenarioLinesReportsNothing() {
    ScenarioReport report = ScenarioReport.parse(List.of("\"reached\"", "scenario", "x"));
    assertFalse(report.reported());
    assertEquals("reached 0 of 0: none", report.summary());
    assertEquals(List.of("A"), report.missing(List.of("A")));
  }
}
