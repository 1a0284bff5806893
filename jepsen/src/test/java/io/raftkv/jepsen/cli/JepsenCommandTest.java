package io.raftkv.jepsen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.cli.Main;
import io.raftkv.jepsen.client.ReadConsistency;
import io.raftkv.jepsen.runner.RunOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code raftkv jepsen} is registered, and a run it cannot make is refused before anything starts:
 * exit 2 and one line naming the reason, no store directory created.
 */
class JepsenCommandTest {
  private static String[] run(Path store, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    String[] full = new String[args.length + 3];
    full[0] = "jepsen";
    full[1] = "--store";
    full[2] = store.toString();
    System.arraycopy(args, 0, full, 3, args.length);
    int exit = commandLine.execute(full);
    return new String[] {Integer.toString(exit), out.toString(), err.toString()};
  }

  private static void assertRefused(String[] result, String reason) {
    assertEquals("2", result[0], result[2]);
    assertEquals(1, result[2].strip().lines().count(), "one line: " + result[2]);
    assertTrue(result[2].startsWith("raftkv jepsen: "), result[2]);
    assertTrue(result[2].contains(reason), result[2]);
  }

  @Test
  void impossibleRunsAreRefusedWithTheReason(@TempDir Path dir) {
    Path store = dir.resolve("store");
    assertRefused(run(store, "--nemesis", "partition-ring", "--nodes", "3"),
        "cannot inject partition-ring here: "); // 5 nodes needed, or (not root, no nft) partitions at all
    assertRefused(run(store, "--nemesis", "kill,shake"), "unknown fault shake");
    assertRefused(run(store, "--read-consistency", "stale"),
        "--read-consistency must be linearizable, lease or local, got stale");
    assertRefused(run(store, "--workload", "bank"), "--workload must be register");
    assertRefused(run(store, "--concurrency", "0"), "--concurrency");
    assertFalse(Files.exists(store), "nothing was started");
  }

  @Test
  void leaseReadsAreAReadConsistencyWithTheirOwnTestName() {
    JepsenCommand command = new JepsenCommand();
    new CommandLine(command).parseArgs("--read-consistency", "lease", "--nemesis", "kill");
    RunOptions options = command.options();
    assertEquals(ReadConsistency.LEASE, options.readConsistency());
    assertEquals("raftkv-register-lease-kill", options.testName());
    String help = Main.commandLine().getSubcommands().get("jepsen").getUsageMessage().replaceAll("\\s+", " ");
    assertTrue(help.contains("lease (the servers run with --lease-reads"), help);
  }
}
