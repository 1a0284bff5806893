package io.raftkv.jepsen.runner;

import io.raftkv.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;

/**
 * After the run: the nodes' traces are validated against the spec by
 * {@code raftkv trace-check --cluster DIR} (merging the per-node traces of a directory). That
 * option belongs to the trace-check module; when this build's trace-check lacks it, nothing is
 * validated and the result says so, with the command to run once it exists.
 */
final class TraceCheckHook {
  /**
   * @param available whether this build's trace-check has --cluster
   * @param exitCode its exit code when it ran
   * @param output what it printed, or why it did not run
   */
  record Result(boolean available, int exitCode, String output) {}

  private TraceCheckHook() {}

  /** Runs {@code trace-check --cluster tracesDir} if this build has it. */
  static Result validateClusterTraces(Path tracesDir) {
    CommandLine commandLine = Main.commandLine();
    CommandLine traceCheck = commandLine.getSubcommands().get("trace-check");
    Optional<Boolean> hasCluster = Optional.ofNullable(traceCheck)
        .map(c -> c.getCommandSpec().findOption("--cluster") != null);
    if (!hasCluster.orElse(false)) {
      return new Result(false, -1, "not validated: this build's trace-check has no --cluster option yet; once it"
          + " has: ./raftkv trace-check --cluster " + tracesDir);
    }
    StringWriter out = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(out, true));
    int exitCode = commandLine.execute("trace-check", "--cluster", tracesDir.toString());
    return new Result(true, exitCode, out.toString().strip());
  }
}
