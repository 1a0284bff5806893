package io.raftkv.spec;

import io.raftkv.cli.CliCommand;
import io.raftkv.spec.TlcResult.Message;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raftkv model-check [--config quick|quick-...|full|mutant-...] [--spec PATH] [--workers N]}: runs TLC
 * on a configuration, streams its progress, and ends with one summary line:
 * {@code model-check: OK, <D> distinct states, depth <K>, <S> s} (exit 0), or
 * {@code model-check: VIOLATION <Property> at depth <K>} followed by the counterexample, step by
 * step, showing only what changed (exit 1), or {@code model-check: ERROR <what>} (exit 2).
 */
@Command(
    name = "model-check",
    mixinStandardHelpOptions = true,
    description = "Model-checks the TLA+ spec with TLC (see spec/README.md).")
public final class ModelCheckCommand implements CliCommand {

  @Option(
      names = "--config",
      defaultValue = "quick",
      description = "quick, quick-prevote, quick-client (CI), full (a deliberate run), or a mutant, e.g. mutant-figure8; --list names them all (default: ${DEFAULT-VALUE})")
  String config;

  @Option(
      names = "--spec",
      description = "the spec directory (or a file in it); default $RAFTKV_HOME/spec, else the copy in the jar")
  Path spec;

  @Option(names = "--workers", description = "TLC worker threads (default: available processors)")
  Integer workers;

  @Option(names = "--list", description = "list the configurations and exit")
  boolean list;

  private final PrintStream out;
  private final Set<String> reportedScenarios = new HashSet<>();

  public ModelCheckCommand() {
    this(System.out);
  }

  ModelCheckCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("raftkv-model-check-");
    try {
      String source = stage(dir);
      if (list) {
        ModelConfig.configNames(dir).forEach(out::println);
        ModelConfig.mutantNames(dir).forEach(out::println);
        return 0;
      }
      ModelConfig model;
      try {
        model = ModelConfig.resolve(config, dir);
      } catch (IllegalArgumentException e) {
        out.println("model-check: ERROR " + e.getMessage());
        return 2;
      }
      out.println("model-check: " + model.module() + ".tla with " + model.cfg() + " from " + source
          + model.expectedViolation().map(p -> " (a mutant: expect " + p + " violated)").orElse(""));
      TlcRunner.Builder run =
          TlcRunner.builder(dir, model.module()).config(model.cfg()).listener(this::progress);
      if (workers != null) {
        run.workers(workers);
      }
      return summarize(model, run.run());
    } finally {
      TlcRunner.deleteRecursively(dir);
    }
  }

  private String stage(Path dir) throws IOException {
    if (spec != null) {
      Path specDir = Files.isDirectory(spec) ? spec : spec.toAbsolutePath().getParent();
      SpecFiles.stageDirectory(specDir, dir);
      return specDir.toString();
    }
    Optional<Path> specDir = SpecFiles.defaultSpecDirectory();
    if (specDir.isPresent()) {
      SpecFiles.stageDirectory(specDir.get(), dir);
      return specDir.get().toString();
    }
    SpecFiles.stageBundled(dir);
    return "the raftkv-spec jar";
  }

  /** Streams what a person wants to see while TLC runs. */
  private void progress(Message message) {
    switch (message.code()) {
      case TlcOutputParser.PLAIN_LINE -> {
        Optional<String[]> scenario = ScenarioReport.parseLine(message.text());
        if (scenario.isEmpty()) {
          out.println(message.text());
        } else if (scenario.get()[0].equals("reached") && reportedScenarios.add(scenario.get()[1])) {
          out.println("tlc: reached scenario " + scenario.get()[1]);
        }
      }
      case TlcOutputParser.PROGRESS_STATS, TlcOutputParser.STATS, TlcOutputParser.SEARCH_DEPTH,
          2190, 2185, 2186 -> out.println("tlc: " + message.text());
      case TlcOutputParser.STATE_PRINT2, TlcOutputParser.STATE_PRINT3, TlcOutputParser.BACK_TO_STATE,
          TlcOutputParser.BEHAVIOR_UP_TO_THIS_POINT -> { }
      default -> {
        if (message.severity() == 1 || message.severity() == 2 || message.severity() == 3) {
          out.println("tlc: " + message.text());
        }
      }
    }
  }

  private int summarize(ModelConfig model, TlcResult result) {
    ScenarioReport scenarios = ScenarioReport.parse(result.userOutput());
    if (scenarios.reported() && result.violation().isEmpty()) {
      out.println("model-check: scenarios " + scenarios.summary());
    }
    List<String> missing = scenarios.missing(model.requiredScenarios());
    if (result.ok() && !missing.isEmpty()) {
      // The bounds no longer reach what the cfg says they do: the check shows less than claimed.
      out.println("model-check: ERROR " + model.cfg() + " must reach, but did not: "
          + String.join(", ", missing));
      return 2;
    }
    if (result.ok()) {
      out.printf(Locale.ROOT, "model-check: OK, %d distinct states, depth %d, %.1f s%n",
          result.distinctStates(), result.depth(), result.elapsed().toMillis() / 1000.0);
      return 0;
    }
    Optional<String> property = result.violatedProperty();
    if (property.isPresent() || result.violation().map(v -> v.kind() == TlcResult.ViolationKind.DEADLOCK).orElse(false)) {
      out.printf(Locale.ROOT, "model-check: VIOLATION %s at depth %d%n",
          property.orElse("Deadlock"), result.trace().size());
      TraceFormatter.format(result.trace()).forEach(out::println);
      return 1;
    }
    String what = result.exitCode() == -1
        ? "TLC timed out"
        : result.violation().map(v -> "TLC: " + v.text().lines().findFirst().orElse(""))
            .orElse("TLC exited " + result.exitCode() + " without a result");
    out.println("model-check: ERROR " + what);
    TraceFormatter.format(result.trace()).forEach(out::println);
    return 2;
  }
}
