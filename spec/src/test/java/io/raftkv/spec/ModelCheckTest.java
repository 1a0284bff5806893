package io.raftkv.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Proves that Raft.tla satisfies its invariants on the quick configuration and that those
 * invariants have teeth: each mutant in spec/mutants (a one-operator change with a known bug) must
 * be refuted by TLC with the specific property the bug breaks, not merely fail. It runs
 * {@code raftkv model-check} in-process (TLC itself is forked) on the spec files of this module's
 * directory and reads the summary line the command ends with.
 */
class ModelCheckTest {

  /** Each mutant and the property it must violate; also checked against each cfg's EXPECT line. */
  static final Map<String, String> EXPECTED = new TreeMap<>(Map.ofEntries(
      Map.entry("mutant-figure8", "LeaderCompleteness"),
      Map.entry("mutant-no-log-check", "LeaderCompleteness"),
      Map.entry("mutant-forget-vote", "ElectionSafety"),
      Map.entry("mutant-double-vote", "ElectionSafety"),
      Map.entry("mutant-truncate", "CommitIndexInLog"),
      Map.entry("mutant-ack-before-persist", "LeaderCompleteness"),
      Map.entry("mutant-leader-counts-unpersisted", "LeaderCompleteness"),
      Map.entry("mutant-read-before-own-commit", "ReadsLinearizable"),
      Map.entry("mutant-read-without-quorum", "ReadsLinearizable"),
      Map.entry("mutant-serve-before-apply", "ReadsLinearizable"),
      Map.entry("mutant-apply-uncommitted", "AppliedIndexInCommit"),
      Map.entry("mutant-transfer-vote-ignores-log", "LeaderCompleteness"),
      Map.entry("mutant-timeout-now-keeps-term", "ElectionSafety"),
      Map.entry("mutant-stale-snapshot", "CommittedEntriesNeverChange"),
      Map.entry("mutant-two-voter-jump", "LeaderCompleteness"),
      Map.entry("mutant-restart-forgets-promise", "ReadsLinearizable"),
      Map.entry("mutant-promise-expires-under-lease", "ReadsLinearizable"),
      Map.entry("mutant-transfer-keeps-lease", "ReadsLinearizable"),
      Map.entry("mutant-promise-blocks-only-higher-term", "LeaseExcludesLaterLeader")));

  private static final Pattern OK =
      Pattern.compile("^model-check: OK, (\\d+) distinct states, depth (\\d+), ([\\d.]+) s$");
  private static final Pattern VIOLATION =
      Pattern.compile("^model-check: VIOLATION (\\S+) at depth (\\d+)$");

  record Run(int exitCode, List<String> lines) {}

  static Run modelCheck(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int exitCode = new CommandLine(new ModelCheckCommand(out)).execute(args);
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    // Keep the verdict (and, for a mutant, its counterexample) in the build log.
    lines.stream().filter(l -> !l.startsWith("tlc: ")).forEach(System.out::println);
    return new Run(exitCode, lines);
  }

  static List<String> mutants() {
    return List.copyOf(EXPECTED.keySet());
  }

  /** The configurations CI checks; asserted against the cfg files on disk below. */
  static List<String> ciConfigs() {
    return List.of("quick", "quick-client", "quick-durable", "quick-follower-read", "quick-lease",
        "quick-membership", "quick-prevote", "quick-read", "quick-snapshot", "quick-transfer");
  }

  /**
   * The TLC runs of this build: every CI configuration and mutant, or, when the system property
   * {@code raftkv.modelcheck.only} names some (comma-separated, e.g. {@code
   * -Draftkv.modelcheck.only=quick-membership,mutant-two-voter-jump}), only those, so that a
   * change to one configuration can be checked without the hour the others take.
   */
  static List<String> selected(List<String> names) {
    String only = System.getProperty("raftkv.modelcheck.only", "").strip();
    if (only.isEmpty()) {
      return names;
    }
    List<String> wanted = List.of(only.split("\\s*,\\s*"));
    return names.stream().filter(wanted::contains).toList();
  }

  static List<String> selectedCiConfigs() {
    return selected(ciConfigs());
  }

  static List<String> selectedMutants() {
    return selected(mutants());
  }

  /**
   * The arguments of a run: the configuration, this module's spec directory and, when the system
   * property {@code raftkv.modelcheck.workers} is set, TLC's worker threads.
   */
  static String[] runArgs(String config) {
    String workers = System.getProperty("raftkv.modelcheck.workers", "").strip();
    return workers.isEmpty()
        ? new String[] {"--config", config, "--spec", "."}
        : new String[] {"--config", config, "--spec", ".", "--workers", workers};
  }

  @Test
  void everyQuickConfigurationOnDiskIsChecked(@TempDir Path dir) throws Exception {
    SpecFiles.stageDirectory(Path.of(""), dir);
    assertEquals(ciConfigs(), ModelConfig.ciConfigNames(dir));
    assertTrue(ModelConfig.configNames(dir).contains("full"));
  }

  @ParameterizedTest
  @MethodSource("selectedCiConfigs")
  void quickConfigurationSatisfiesEveryInvariant(String config, @TempDir Path dir) throws Exception {
    Run run = modelCheck(runArgs(config));
    String last = run.lines().getLast();
    Matcher ok = OK.matcher(last);
    assertTrue(ok.matches(), () -> "expected an OK summary, got: " + last);
    assertEquals(0, run.exitCode());
    assertTrue(Long.parseLong(ok.group(1)) > 10_000, "suspiciously few states: " + last);
    // The bounds reach what the cfg says they do (the command fails otherwise; checked here too).
    SpecFiles.stageDirectory(Path.of(""), dir);
    List<String> required = ModelConfig.resolve(config, dir).requiredScenarios();
    assertTrue(required.size() >= 5, config + " lists too few scenarios to reach: " + required);
    String scenarios = run.lines().stream()
        .filter(l -> l.startsWith("model-check: scenarios reached "))
        .findFirst()
        .orElseThrow(() -> new AssertionError(config + ": no scenario report"));
    // "model-check: scenarios reached K of N: A, B, ...; not reached: X, Y"
    List<String> reached =
        List.of(scenarios.substring(scenarios.indexOf(": ", 12) + 2).split(";")[0].split(", "));
    assertTrue(reached.containsAll(required), () -> config + ": " + scenarios);
  }

  @Test
  void aConfigurationThatDoesNotReachItsScenariosFails(@TempDir Path dir) throws Exception {
    SpecFiles.stageDirectory(Path.of(""), dir);
    // One term and no client values: neither two leaders nor a committed command can happen.
    String tiny = Files.readString(dir.resolve("MCRaftQuickPrevote.cfg"))
        .replaceFirst("(?m)^\\\\\\* REACH .*$", "\\\\* REACH FollowerCommitted TwoLeaders CommandCommitted")
        .replace("PreVote = TRUE", "PreVote = FALSE")
        .replace("MaxTerm = 2", "MaxTerm = 1");
    Files.writeString(dir.resolve("MCRaftTiny.cfg"), tiny);
    assertEquals(List.of("FollowerCommitted", "TwoLeaders", "CommandCommitted"),
        ModelConfig.resolve("tiny", dir).requiredScenarios());
    Run run = modelCheck("--config", "tiny", "--spec", dir.toString());
    assertEquals(2, run.exitCode());
    assertEquals("model-check: ERROR MCRaftTiny.cfg must reach, but did not: TwoLeaders, CommandCommitted",
        run.lines().getLast());
  }

  @Test
  void everyMutantOnDiskIsCheckedWithTheExpectedProperty(@TempDir Path dir) throws Exception {
    SpecFiles.stageDirectory(Path.of(""), dir);
    assertEquals(mutants(), ModelConfig.mutantNames(dir));
    for (String mutant : mutants()) {
      assertEquals(Optional.of(EXPECTED.get(mutant)),
          ModelConfig.resolve(mutant, dir).expectedViolation(), mutant + "'s EXPECT line");
    }
  }

  @ParameterizedTest
  @MethodSource("selectedMutants")
  void mutantIsRefutedByThePropertyItBreaks(String mutant) {
    Run run = modelCheck(runArgs(mutant));
    String verdict = run.lines().stream()
        .filter(l -> l.startsWith("model-check: VIOLATION") || l.startsWith("model-check: OK")
            || l.startsWith("model-check: ERROR"))
        .findFirst()
        .orElse("(no verdict)");
    Matcher violation = VIOLATION.matcher(verdict);
    assertTrue(violation.matches(), () -> mutant + ": expected a violation, got: " + verdict);
    assertEquals(EXPECTED.get(mutant), violation.group(1), mutant + " broke another property");
    assertEquals(1, run.exitCode());
    int depth = Integer.parseInt(violation.group(2));
    long states = run.lines().stream().filter(l -> l.startsWith("State ")).count();
    assertEquals(depth, states, "the counterexample has one block per state");
    assertTrue(depth >= 2, "a counterexample needs at least one step");
  }
}
