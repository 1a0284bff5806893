package io.raftkv.spec;

import java.util.LinkedHashSet;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SequencedSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which of MCRaft.tla's scenarios a TLC run reached, read from the lines the spec prints: with
 * {@code INIT MCInit} and the invariant {@code ReportScenarios} it prints {@code "scenario <name>"} for
 * every scenario at the start and {@code "reached <name>"} the first time a worker meets a state
 * where one holds (once per worker, so a name can come more than once).
 *
 * @param declared every scenario the spec announced, in its order
 * @param reached the scenarios reached, in the order first reported
 */
public record ScenarioReport(SequencedSet<String> declared, SequencedSet<String> reached) {

  private static final Pattern LINE = Pattern.compile("^\"?(scenario|reached) (\\w+)\"?$");

  public ScenarioReport {
    declared = Collections.unmodifiableSequencedSet(new LinkedHashSet<>(declared));
    reached = Collections.unmodifiableSequencedSet(new LinkedHashSet<>(reached));
  }

  /** Reads the spec's own output lines ({@link TlcResult#userOutput()}). */
  public static ScenarioReport parse(List<String> userOutput) {
    SequencedSet<String> declared = new LinkedHashSet<>();
    SequencedSet<String> reached = new LinkedHashSet<>();
    for (String line : userOutput) {
      Optional<String[]> parsed = parseLine(line);
      if (parsed.isPresent()) {
        (parsed.get()[0].equals("scenario") ? declared : reached).add(parsed.get()[1]);
      }
    }
    return new ScenarioReport(declared, reached);
  }

  /** {@code {"scenario"|"reached", name}} if the line is one of the spec's scenario lines. */
  static Optional<String[]> parseLine(String line) {
    Matcher m = LINE.matcher(line.strip());
    return m.matches() ? Optional.of(new String[] {m.group(1), m.group(2)}) : Optional.empty();
  }

  /** Whether the run reported scenarios at all (its cfg used MCInit and ReportScenarios). */
  public boolean reported() {
    return !declared.isEmpty();
  }

  /** The declared scenarios the run did not reach, in declaration order. */
  public List<String> notReached() {
    return declared.stream().filter(s -> !reached.contains(s)).toList();
  }

  /** The names in {@code required} that the run did not reach, in their order. */
  public List<String> missing(List<String> required) {
    return required.stream().filter(s -> !reached.contains(s)).toList();
  }

  /** One line: {@code reached 9 of 11: A, B, ...; not reached: X, Y}. */
  public String summary() {
    List<String> inOrder = declared.stream().filter(reached::contains).toList();
    String line = "reached " + inOrder.size() + " of " + declared.size() + ": "
        + (inOrder.isEmpty() ? "none" : String.join(", ", inOrder));
    List<String> not = notReached();
    return not.isEmpty() ? line : line + "; not reached: " + String.join(", ", not);
  }
}
