package io.raftkv.jepsen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.jepsen.checker.Simulation;
import io.raftkv.jepsen.history.EdnWriter;
import io.raftkv.jepsen.history.JsonLinesWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command's contract: one line per file, exit 0 / 1 / 2 for linearizable / not / unknown or
 * unreadable, and --manifest comparing each verdict with the expected one and ending with the
 * summary line. Histories come from the simulator, written to a temporary directory.
 */
class CheckHistoryCommandTest {
  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    PrintStream savedOut = System.out;
    PrintStream savedErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = new CommandLine(new CheckHistoryCommand()).execute(args);
      return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(savedOut);
      System.setErr(savedErr);
    }
  }

  @Test
  void exitCodesFollowTheWorstVerdict(@TempDir Path dir) throws Exception {
    Path good = dir.resolve("good.edn");
    EdnWriter.write(Simulation.casRegister(1, 4, 60), good);
    Path bad = dir.resolve("bad.edn");
    EdnWriter.write(Simulation.corrupt(Simulation.casRegister(2, 4, 60), 2), bad);
    Path garbage = Files.writeString(dir.resolve("garbage.edn"), "[{:process 0 :type :invoke");

    Run ok = run(good.toString());
    assertEquals(0, ok.exit(), ok.out());
    assertTrue(ok.out().matches("(?s)\\S*good\\.edn LINEARIZABLE 60 ops [0-9.]+ ms\\n"), ok.out());

    Run notLinearizable = run("--explain", "--html", dir.resolve("html").toString(), good.toString(), bad.toString());
    assertEquals(1, notLinearizable.exit(), notLinearizable.out());
    assertTrue(notLinearizable.out().contains("bad.edn NOT_LINEARIZABLE"), notLinearizable.out());
    assertTrue(notLinearizable.out().contains("cannot linearize"), notLinearizable.out());
    try (var files = Files.list(dir.resolve("html"))) {
      assertEquals(1, files.count());
    }

    Run unreadable = run(good.toString(), garbage.toString());
    assertEquals(2, unreadable.exit(), unreadable.out());
    assertTrue(unreadable.out().contains("garbage.edn UNKNOWN (unreadable: "), unreadable.out());
  }

  @Test
  void benchExitsByTheVerdicts(@TempDir Path dir) throws Exception {
    Path good = dir.resolve("good.edn");
    EdnWriter.write(Simulation.casRegister(1, 4, 60), good);
    Path bad = dir.resolve("bad.edn");
    EdnWriter.write(Simulation.corrupt(Simulation.casRegister(2, 4, 60), 2), bad);
    Path kv = dir.resolve("kv.jsonl");
    JsonLinesWriter.write(Simulation.kv(3, 6, 200, 5), kv);
    String[] bench = {"--bench", "3", "--warmup", "1"};

    Run allGood = run(concat(bench, good.toString()));
    assertEquals(0, allGood.exit(), allGood.out());
    assertTrue(allGood.out().contains("good.edn LINEARIZABLE 60 ops median "), allGood.out());
    Run oneBad = run(concat(bench, good.toString(), bad.toString()));
    assertEquals(1, oneBad.exit(), oneBad.out());
    Run unpairable = run(concat(bench, good.toString(), kv.toString()));
    assertEquals(2, unpairable.exit(), "a kv history has ops the register lacks: " + unpairable.out());
    assertTrue(unpairable.out().contains("kv.jsonl UNKNOWN (unreadable: "), unpairable.out());
    assertTrue(unpairable.out().contains("good.edn LINEARIZABLE"), "the others are still timed: " + unpairable.out());

    Files.writeString(dir.resolve("MANIFEST.tsv"), "path\tmodel\tlinearizable\ngood.edn\tcas-register\ttrue\n"
        + "bad.edn\tcas-register\tfalse\n");
    Run manifestAgrees = run(concat(bench, "--manifest", dir.resolve("MANIFEST.tsv").toString()));
    assertEquals(0, manifestAgrees.exit(), manifestAgrees.out());
    assertTrue(manifestAgrees.out().endsWith("check-history: 2 files, 0 mismatches, 0 unknown\n"),
        manifestAgrees.out());
    Files.writeString(dir.resolve("MANIFEST.tsv"), "path\tmodel\tlinearizable\nbad.edn\tcas-register\ttrue\n");
    Run manifestDiffers = run(concat(bench, "--manifest", dir.resolve("MANIFEST.tsv").toString()));
    assertEquals(1, manifestDiffers.exit(), manifestDiffers.out());
    assertTrue(manifestDiffers.out().contains("MISMATCH"), manifestDiffers.out());
  }

  private static String[] concat(String[] first, String... rest) {
    String[] all = java.util.Arrays.copyOf(first, first.length + rest.length);
    System.arraycopy(rest, 0, all, first.length, rest.length);
    return all;
  }

  @Test
  void aBadInitIsBlamedOnTheOption(@TempDir Path dir) throws Exception {
    Path good = dir.resolve("good.edn");
    EdnWriter.write(Simulation.casRegister(1, 4, 60), good);
    Run unreadable = run("--init", "{:x", good.toString());
    assertEquals(2, unreadable.exit());
    assertEquals("", unreadable.out(), "no file is blamed");
    assertEquals("check-history: --init: cannot read '{:x' as EDN: EOF while reading\n", unreadable.err());
    Run twoValues = run("--init", "1 2", good.toString());
    assertEquals("check-history: --init: cannot read '1 2' as EDN: expected one value, got 2\n", twoValues.err());
    Run unsuitable = run("--model", "multi-register", "--init", "3", good.toString());
    assertEquals(2, unsuitable.exit());
    assertEquals("check-history: --init: multi-register needs a map as its initial value, got 3\n", unsuitable.err());
    Run unknownModel = run("--model", "queue", good.toString());
    assertEquals(2, unknownModel.exit());
    assertTrue(unknownModel.err().startsWith("check-history: --model: unknown model queue; one of "),
        unknownModel.err());
    assertEquals(0, run("--init", "0", good.toString()).exit());

    Files.writeString(dir.resolve("MANIFEST.tsv"),
        "path\tmodel\tlinearizable\ngood.edn\tmulti-register init 0\ttrue\n");
    Run manifestInit = run("--manifest", dir.resolve("MANIFEST.tsv").toString());
    assertEquals(2, manifestInit.exit());
    assertTrue(manifestInit.out().contains("good.edn expected LINEARIZABLE actual UNKNOWN (unreadable: "
        + dir.resolve("MANIFEST.tsv") + " line 2: init: multi-register needs a map"), manifestInit.out());
  }

  @Test
  void kvFilesAreCheckedByKey(@TempDir Path dir) throws Exception {
    Path kv = dir.resolve("kv.jsonl");
    JsonLinesWriter.write(Simulation.kv(3, 6, 200, 5), kv);
    Run run = run("--model", "kv", kv.toString());
    assertEquals(0, run.exit(), run.out());
    Run asRegister = run("--model", "cas-register", kv.toString());
    assertEquals(2, asRegister.exit(), "a kv history has ops the register lacks: " + asRegister.out());
  }

  @Test
  void manifestComparesVerdicts(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("h"));
    EdnWriter.write(Simulation.casRegister(4, 3, 50), dir.resolve("h/good.edn"));
    EdnWriter.write(Simulation.corrupt(Simulation.casRegister(5, 3, 50), 5), dir.resolve("h/bad.edn"));
    EdnWriter.write(Simulation.kv(6, 3, 50, 3), dir.resolve("h/kv.edn"));
    Path manifest = Files.writeString(dir.resolve("MANIFEST.tsv"), """
        path\tmodel\tlinearizable\tops\tsource
        h/good.edn\tcas-register\ttrue\t50\tsimulation
        h/bad.edn\tknossos cas-register, init 0\tfalse\t50\tsimulation
        h/kv.edn\tkv\ttrue\t50\tsimulation
        """);
    Run pass = run("--manifest", manifest.toString());
    assertEquals(0, pass.exit(), pass.out());
    assertTrue(pass.out().contains("h/bad.edn expected NOT_LINEARIZABLE actual NOT_LINEARIZABLE 50 ops"), pass.out());
    assertTrue(pass.out().endsWith("check-history: 3 files, 0 mismatches, 0 unknown\n"), pass.out());

    Files.writeString(manifest, Files.readString(manifest).replace("h/bad.edn\tknossos cas-register, init 0\tfalse",
        "h/bad.edn\tcas-register\ttrue") + "h/missing.edn\tcas-register\ttrue\t1\tnowhere\n");
    Run fail = run("--manifest", manifest.toString());
    assertEquals(1, fail.exit(), fail.out());
    assertTrue(fail.out().contains("MISMATCH"), fail.out());
    assertTrue(fail.out().endsWith("check-history: 4 files, 1 mismatches, 1 unknown\n"), fail.out());
  }

  @Test
  void manifestModelColumnsAreUnderstood() {
    assertEquals(new ModelChoice("cas-register", "0", true),
        ModelChoice.fromManifest("knossos cas-register, init 0 (test-examples); :ok read nil = unknown/any"));
    assertEquals(new ModelChoice("multi-register", null, true),
        ModelChoice.fromManifest("knossos multi-register {:x 0 :y 0} (:f :txn, value [[:read|:write k v]...])"));
    assertEquals(new ModelChoice("mutex", null, true), ModelChoice.fromManifest("knossos mutex (init unlocked)"));
    assertEquals(new ModelChoice("kv", "\"\"", false), ModelChoice.fromManifest(
        "porcupine kvModel: per-key string register, init \"\", get/put/append, Partition by :key"));
    assertEquals(new ModelChoice("kv", "nil", false), ModelChoice.fromManifest("kv init nil"));
  }
}
