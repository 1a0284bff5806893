package io.raftkv.tracecheck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures validation speed (not a CI test: run it with
 * {@code mvn -pl trace-check -am test -Dtest=TraceSpeedTest -Draftkv.trace.speed=true
 * -Dsurefire.failIfNoSpecifiedTests=false}, optionally {@code -Draftkv.trace.speed.sizes=300,1000}).
 *
 * <p>Prefixes of one long simulator trace (a prefix of a valid trace is valid) of 300, 1,000,
 * 3,000 and more events are checked alone, once with the trace given to TLC as a generated
 * module and once through the Java override, each after a one-event trace that gives the fixed
 * cost of a run (JVM start, parsing the spec). Prints wall seconds and events/s, both for the
 * whole run and net of the fixed cost.
 */
@EnabledIfSystemProperty(named = "raftkv.trace.speed", matches = "true")
class TraceSpeedTest {

  @TempDir Path dir;

  @Test
  void measure() throws IOException, InterruptedException {
    int[] sizes = java.util.Arrays.stream(System.getProperty("raftkv.trace.speed.sizes", "300,1000,3000,10000,20000")
        .split(",")).mapToInt(size -> Integer.parseInt(size.trim())).toArray();
    int longest = sizes[sizes.length - 1];
    SimTraces.Run run = null;
    for (long seed = 1; seed <= 50; seed++) {
      SimTraces.Run candidate = SimTraces.run(seed, SimTraces.OPTIONS.withSafetyTicks(3_000).withLivenessTicks(200), dir);
      if (candidate.trace().size() >= longest) {
        run = candidate;
        break;
      }
    }
    assertTrue(run != null, "no seed of 1..50 gives " + longest + " events");
    System.out.printf("speed: seed %d, %d servers, %d events%n", run.seed(), run.trace().servers(), run.trace().size());
    List<ObjectNode> events = run.trace().events();
    List<String> report = new ArrayList<>();
    for (TraceValidator.Input input : List.of(TraceValidator.Input.OVERRIDE, TraceValidator.Input.MODULE)) {
      TraceValidator validator = new TraceValidator(TraceValidator.Options.defaults().withInput(input).withDiagnose(false));
      double fixed = time(validator, SimTraces.write(dir.resolve("fixed.ndjson"), run.trace(), events.subList(0, 1)));
      report(report, String.format(Locale.ROOT, "speed: %-8s fixed cost (1 event) %.1f s", input, fixed));
      for (int size : sizes) {
        Path file = SimTraces.write(dir.resolve(input + "-" + size + ".ndjson"), run.trace(), events.subList(0, size));
        double seconds = time(validator, file);
        if (seconds < 0) {
          report(report, String.format(Locale.ROOT, "speed: %-8s %6d events: rejected or failed after %.1f s (see above)",
              input, size, -seconds));
          continue;
        }
        report(report, String.format(Locale.ROOT, "speed: %-8s %6d events %6.1f s %7.0f events/s, net of the fixed cost %7.0f events/s",
            input, size, seconds, size / seconds, size / Math.max(0.1, seconds - fixed)));
      }
    }
    System.out.println("speed: summary");
    report.forEach(System.out::println);
  }

  private static void report(List<String> report, String line) {
    System.out.println(line);
    System.out.flush();
    report.add(line);
  }

  /** Seconds to accept the trace, negated when it was not accepted (e.g. TLC ran out of memory). */
  private static double time(TraceValidator validator, Path file) throws IOException, InterruptedException {
    long start = System.nanoTime();
    TraceValidator.Verdict verdict = validator.validate(List.of(file)).get(0);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (!verdict.ok()) {
      System.out.println("speed: " + verdict.summary() + (verdict.problem() == null ? "" : " " + verdict.problem()));
      return -seconds;
    }
    return seconds;
  }
}
