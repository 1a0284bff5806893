package io.raftkv.jepsen.cli;

import io.raftkv.cli.CliCommand;
import io.raftkv.jepsen.client.ReadConsistency;
import io.raftkv.jepsen.runner.JepsenRun;
import io.raftkv.jepsen.runner.RunOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code raftkv jepsen}: a real cluster of server processes on 127.0.0.1..N, client processes
 * recording a Jepsen history, a nemesis injecting faults, then the checkers and a report in
 * {@code store/<test>/<timestamp>/}. Exit 0 when valid, 1 when not, 2 when unknown or when the
 * run could not be made (the reason on one line).
 */
@Command(name = "jepsen", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Runs a Jepsen test against a local cluster of raftkv server processes and checks the history"
        + " for linearizability (per key) and lost writes; ends with ':valid? true|false|:unknown'.")
public final class JepsenCommand implements CliCommand {
  @Spec
  CommandSpec spec;

  @Option(names = "--workload", defaultValue = "register", description = "register: reads, writes and cas on"
      + " independent keys (default ${DEFAULT-VALUE}).")
  String workload;

  @Option(names = "--nemesis", paramLabel = "LIST", description = "Comma-separated faults: partition (halves,"
      + " ring, bridge, leader, one), partition-halves, partition-ring, partition-bridge, partition-leader,"
      + " partition-one, kill, pause, transfer, membership (adds and removes of voters, 2 spare servers),"
      + " truncate, bitflip, damage (truncate+bitflip), all, none. Default: every fault this machine allows"
      + " except membership (the others are named with the reason).")
  String nemesis;

  @Option(names = "--time-limit", defaultValue = "60", paramLabel = "S", description = "Seconds of the fault"
      + " phase (default ${DEFAULT-VALUE}).")
  int timeLimitSeconds;

  @Option(names = "--quiet", defaultValue = "5", paramLabel = "S", description = "Seconds of load without faults"
      + " after the heal, before the final reads (default ${DEFAULT-VALUE}).")
  int quietSeconds;

  @Option(names = "--interval", defaultValue = "5", paramLabel = "S", description = "Seconds between faults"
      + " (default ${DEFAULT-VALUE}).")
  double intervalSeconds;

  @Option(names = "--fault-duration", defaultValue = "5", paramLabel = "S", description = "Seconds each fault"
      + " lasts (default ${DEFAULT-VALUE}).")
  double faultSeconds;

  @Option(names = "--concurrency", defaultValue = "10", paramLabel = "C", description = "Client processes at a"
      + " time, spread over the nodes (default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--rate", defaultValue = "100", paramLabel = "R", description = "Target ops per second, all"
      + " processes together (default ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--nodes", defaultValue = "3", paramLabel = "N", description = "Server processes, node N on"
      + " 127.0.0.N (default ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--seed", paramLabel = "X", description = "Seed of the generator and the nemesis (default:"
      + " random, printed).")
  Long seed;

  @Option(names = "--read-consistency", defaultValue = "linearizable", description = "linearizable (ReadIndex:"
      + " the leader confirms each read with a heartbeat round; a client bound to a follower is answered by that"
      + " follower, which forwards the read to the leader), lease (the servers run with --lease-reads and the"
      + " leader answers reads from its lease, without a round; must be just as valid) or local (the bound node's"
      + " own state: stale reads expected) (default ${DEFAULT-VALUE}).")
  String readConsistency;

  @Option(names = "--store", defaultValue = "store", paramLabel = "DIR", description = "Where runs are kept"
      + " (default ${DEFAULT-VALUE}).")
  Path store;

  @Option(names = "--ops-per-key", defaultValue = "100", description = "Ops per key before the next key takes"
      + " over (default ${DEFAULT-VALUE}).")
  int opsPerKey;

  @Option(names = "--op-timeout-ms", defaultValue = "2000", description = "One op's deadline, retries included;"
      + " past it the op ends info (default ${DEFAULT-VALUE}).")
  long opTimeoutMillis;

  @Option(names = "--jvm-arg", paramLabel = "ARG", description = "Passed to every server JVM (repeat).")
  List<String> jvmArgs = new ArrayList<>();

  @Option(names = "--server-arg", paramLabel = "ARG", description = "Passed to every raftkv server (repeat).")
  List<String> serverArgs = new ArrayList<>();

  @Option(names = "--no-trace-check", description = "Do not validate the nodes' traces after the run (TLC takes"
      + " minutes for a long run); ./raftkv trace-check --cluster RUN/traces does it later.")
  boolean noTraceCheck;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      RunOptions options = options();
      JepsenRun.Outcome outcome = new JepsenRun(options, out).run();
      return outcome.valid().exitCode();
    } catch (IllegalArgumentException | IllegalStateException | IOException cannot) {
      err.println("raftkv jepsen: " + cannot.getMessage());
      err.flush();
      return 2;
    }
  }

  RunOptions options() {
    return new RunOptions(workload, nemesis, Duration.ofSeconds(timeLimitSeconds), Duration.ofSeconds(quietSeconds),
        Duration.ofMillis((long) (intervalSeconds * 1000)), Duration.ofMillis((long) (faultSeconds * 1000)),
        concurrency, rate, nodes, seed != null ? seed : System.nanoTime() & 0xffffffL,
        ReadConsistency.parse(readConsistency), store, opsPerKey, Duration.ofMillis(opTimeoutMillis), jvmArgs,
        serverArgs, !noTraceCheck);
  }
}
