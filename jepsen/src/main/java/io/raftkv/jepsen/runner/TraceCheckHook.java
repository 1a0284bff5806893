package io.raftkv.jepsen.runner;

import io.raftkv.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * After the run: the nodes' traces are validated against the spec by
 * {@code raftkv trace-check --cluster DIR} (the per-node traces of the run merged by Lamport clock,
 * then replayed by TLC; trace-check/README.md). Without the trace-check command on the class path
 * nothing is validated and the result says so.
 */
final class TraceCheckHook {
  /**
   * @param available whether this build's trace-check has --cluster
   * @param exitCode its exit code when it ran
   * @param output what it printed, or why it did not run
   */
  record Result(boolean available, int exitCode, String output) {}

  private TraceCheckHook() {}

  /** Runs {@code trace-check --cluster tracesDir}. */
  static Result validateClusterTraces(Path tracesDir) {
    CommandLine commandLine = Main.commandLine();
    if (commandLine.getSubcommands().get("trace-check") == null) {
      return new Result(false, -1, "not validated: the trace-check command is not on the class path; run"
          + " ./raftkv trace-check --cluster " + tracesDir);
    }
    StringWriter out = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(out, true));
    int exitCode = commandLine.execute("trace-check", "--cluster", tracesDir.toString());
    return new Result(true, exitCode, out.toString().strip());
  }
}
