package io.raftkv.tracecheck;

import io.raftkv.cli.CliCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code raftkv trace-check FILE...}: replays NDJSON traces against the spec with TLC. Ends with one
 * line per file, {@code trace-check: OK <file> <N> events <S> s} or {@code trace-check: FAILED
 * <file> at event <k>: <the event as logged>} followed by the diagnosis; exit code 0 only when every
 * trace is accepted. {@code raftkv trace-check --cluster DIR} first merges the node traces of a real
 * cluster's run ({@link ClusterTraceMerge}) into DIR/merged-trace.ndjson and checks that; traces
 * that cannot be merged exit 2 with the reason.
 */
@Command(
    name = "trace-check",
    mixinStandardHelpOptions = true,
    description = "Replays NDJSON traces of the core against spec/TraceRaft.tla with TLC.")
public final class TraceCheckCommand implements CliCommand {

  @Parameters(arity = "0..*", paramLabel = "FILE", description = "NDJSON traces (e.g. from raftkv sim --seed N --trace FILE)")
  List<Path> files = List.of();

  @Option(names = "--cluster", paramLabel = "DIR", description = "merge the node traces of a real cluster's run"
      + " (DIR/traces/*.ndjson, as cluster start --trace writes them, or DIR/*.ndjson) into DIR/merged-trace.ndjson"
      + " and check that")
  Path cluster;

  @Option(names = "--input", description = "how TLC reads a trace: OVERRIDE (Java, Jackson) or MODULE (generated TLA+); default ${DEFAULT-VALUE}")
  TraceValidator.Input input = TraceValidator.Input.OVERRIDE;

  @Option(names = "--batch", description = "traces per TLC run; default ${DEFAULT-VALUE}")
  int batch = 25;

  @Option(names = "--workers", description = "TLC worker threads; default ${DEFAULT-VALUE}")
  int workers = 2;

  @Option(names = "--no-diagnosis", description = "do not explain rejections (saves two TLC runs per rejected trace)")
  boolean noDiagnosis;

  @Option(names = "--spec-dir", description = "directory of Raft.tla and TraceRaft.tla (default: found from RAFTKV_HOME or the working directory)")
  Path specDir;

  @Option(names = "--heap", paramLabel = "SIZE", description = "TLC's -Xmx, e.g. 4g (default: 1g per 20,000 events of a run, at most 8g)")
  String heap;

  @Option(names = "--keep", paramLabel = "DIR", description = "keep TLC's files (modules, configurations, output) under DIR")
  Path keep;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Path> toCheck = files;
    if (cluster != null) {
      if (!files.isEmpty()) {
        err.println("trace-check: give either --cluster DIR or trace files, not both");
        return 2;
      }
      try {
        ClusterTraceMerge.Result merged = ClusterTraceMerge.merge(ClusterTraceMerge.nodeTraceFiles(cluster),
            cluster.resolve("merged-trace.ndjson"));
        out.println("trace-check: " + merged.summary());
        toCheck = List.of(merged.merged());
      } catch (IOException | IllegalArgumentException unmergeable) {
        err.println("trace-check: cannot merge the traces of " + cluster + ": " + unmergeable.getMessage());
        return 2;
      }
    } else if (files.isEmpty()) {
      err.println("trace-check: no trace given (FILE... or --cluster DIR)");
      return 2;
    }
    TraceValidator.Options options = new TraceValidator.Options(input, workers, batch, !noDiagnosis, heap, keep, specDir);
    List<TraceValidator.Verdict> verdicts = new TraceValidator(options).validate(toCheck);
    boolean allOk = true;
    for (TraceValidator.Verdict verdict : verdicts) {
      out.println(verdict.summary());
      verdict.diagnosis().forEach(out::println);
      allOk &= verdict.ok();
    }
    return allOk ? 0 : 1;
  }
}
