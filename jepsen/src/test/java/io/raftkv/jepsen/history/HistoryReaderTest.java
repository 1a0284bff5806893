package io.raftkv.jepsen.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.jepsen.checker.CheckOptions;
import io.raftkv.jepsen.checker.LinearizabilityChecker;
import io.raftkv.jepsen.checker.Simulation;
import io.raftkv.jepsen.model.Models;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Histories are read as Jepsen writes them and written so that they read back equal.
 *
 * <p>Method: small inline histories in each accepted shape (EDN vector, list, bare maps with
 * comments, tagged records; JSON lines and a JSON array), checked field by field; simulated
 * histories written as EDN and JSON lines and read back; malformed input must give an error that
 * says where.
 */
class HistoryReaderTest {
  @Test
  void readsAnEdnVectorWithComments() throws Exception {
    History h = HistoryReader.parse("t", """
        ; a comment
        [{:process 0, :type :invoke, :f :cas, :value [1 2]}
         ; between ops
         {:process 0, :type :ok, :f :cas, :value [1 2], :time 17}
         {:process :nemesis, :type :info, :f :kill, :value nil}]
        """);
    assertEquals(3, h.size());
    Op cas = h.ops().get(1);
    assertEquals(OpType.OK, cas.type());
    assertEquals("cas", cas.f());
    assertEquals(List.of(1L, 2L), cas.value());
    assertEquals(17L, cas.time());
    assertEquals(0L, cas.process());
    assertTrue(cas.isClient());
    assertEquals(Keyword.of("nemesis"), h.ops().get(2).process());
    assertTrue(!h.ops().get(2).isClient());
    assertEquals(1, h.invocationCount());
  }

  @Test
  void readsBareMapsAListAndTaggedRecords() throws Exception {
    History bare = HistoryReader.parse("t", """
        {:process 1, :type :invoke, :f :get, :key "a", :value nil}
        #jepsen.history.Op{:process 1, :type :ok, :f :get, :key "a", :value "x"}
        """);
    assertEquals(2, bare.size());
    assertEquals("a", bare.ops().get(1).key());
    assertEquals("x", bare.ops().get(1).value());
    History list = HistoryReader.parse("t", "({:process 0 :type :invoke :f :read :value nil})");
    assertEquals(1, list.size());
    assertNull(list.ops().get(0).value());
  }

  @Test
  void readsTransactionsWithKeywords() throws Exception {
    History h = HistoryReader.parse("t", "[{:process 2 :type :invoke :f :txn :value [[:read :x nil] [:write :y 2]]}]");
    Object value = h.ops().get(0).value();
    assertEquals(List.of(HistoryBuilderAccess.list(Keyword.of("read"), Keyword.of("x"), null),
        List.of(Keyword.of("write"), Keyword.of("y"), 2L)), value);
  }

  @Test
  void readsJsonLinesAndJsonArrays() throws Exception {
    String lines = """
        {"process": 3, "type": "invoke", "f": "write", "value": 4, "time": 10}
        {"process": 3, "type": "ok", "f": "write", "value": 4, "time": 20}
        {"process": "nemesis", "type": "info", "f": "start", "value": null}
        """;
    History h = HistoryReader.parse("t", lines);
    assertEquals(3, h.size());
    assertEquals(4L, h.ops().get(1).value());
    assertEquals(Keyword.of("nemesis"), h.ops().get(2).process());
    History array = HistoryReader.parse("t", "[" + lines.strip().replace("}\n", "},\n") + "]");
    assertEquals(h, array);
  }

  @Test
  void roundTripsThroughEdnAndJsonLines(@TempDir Path dir) throws Exception {
    History kv = Simulation.kv(7, 4, 60, 3);
    Path edn = dir.resolve("h.edn");
    EdnWriter.write(kv, edn);
    assertEquals(kv.ops(), HistoryReader.read(edn).ops());
    Path json = dir.resolve("h.jsonl");
    JsonLinesWriter.write(kv, json);
    assertEquals(kv.ops(), HistoryReader.read(json).ops());
    History register = Simulation.casRegister(8, 3, 40);
    StringWriter out = new StringWriter();
    EdnWriter.write(register, out);
    assertEquals(register.ops(), HistoryReader.parse("t", out.toString()).ops());
  }

  @Test
  void writesStringsThatReadBack() throws Exception {
    Op op = new Op(0, -1, 1L, OpType.INVOKE, "put", "quote \" backslash \\ newline \n tab \t", Map.of(Keyword.of("k"), 1L));
    History h = HistoryReader.parse("t", EdnWriter.format(op));
    assertEquals(op, h.ops().get(0));
  }

  /** The message of what reading and pairing {@code text} (written to {@code name}) throws. */
  private static String error(Path dir, String name, String text) throws Exception {
    Path file = Files.writeString(dir.resolve(name), text);
    HistoryFormatException e = assertThrows(HistoryFormatException.class, () -> LinearizabilityChecker.check(
        HistoryReader.read(file), Models.create("cas-register", null, false, false), CheckOptions.defaults()));
    assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e.getMessage().replace(dir + "/", "");
  }

  @Test
  void errorsNameTheFileAndLine(@TempDir Path dir) throws Exception {
    String edn = """
        ; a register history
        [{:process 0, :type :invoke, :f :write, :value 1}
         {:process 0, :type :ok, :f :write, :value 1}
         %s
        ]
        """;
    String json = """
        {"process": 0, "type": "invoke", "f": "write", "value": 1}
        {"process": 0, "type": "ok", "f": "write", "value": 1}

        %s
        """;
    assertStartsWith("a.edn:4: op 2 {:type :invoke, :f :read}: missing :process",
        error(dir, "a.edn", edn.formatted("{:type :invoke, :f :read}")));
    String noProcess = error(dir, "a.jsonl", json.formatted("{\"type\": \"invoke\", \"f\": \"read\"}"));
    assertStartsWith("a.jsonl:4: op 2 ", noProcess);
    assertTrue(noProcess.endsWith(": missing :process"), noProcess);
    assertEquals("b.edn:4: EDN syntax error: Unmatched delimiter: }",
        error(dir, "b.edn", edn.formatted("{:process 1, :type :invoke, :f :read, :value [nil}")));
    assertEquals("b.edn:5: EDN syntax error in the form starting at line 4: Unmatched delimiter: ]",
        error(dir, "b.edn", edn.formatted("{:process 1, :type :invoke, :f :read, :value nil")));
    assertStartsWith("b.jsonl:4: JSON error: ",
        error(dir, "b.jsonl", json.formatted("{\"process\": 1, \"type\": \"invoke\", \"f\": }")));
    assertStartsWith("c.edn:4: op 2 (ok) completes nothing: process 1 has no open invocation",
        error(dir, "c.edn", edn.formatted("{:process 1, :type :ok, :f :read, :value 1}")));
    assertStartsWith("c.jsonl:4: op 2 (ok) completes nothing: process 1 has no open invocation",
        error(dir, "c.jsonl", json.formatted("{\"process\": 1, \"type\": \"ok\", \"f\": \"read\"}")));
    String lacking = "op 2 {:index 2, :process 1, :type :invoke, :f :incr, :value 1}: "
        + "cas-register has no operation incr";
    assertEquals("d.edn:4: " + lacking,
        error(dir, "d.edn", edn.formatted("{:process 1, :type :invoke, :f :incr, :value 1}")));
    assertEquals("d.jsonl:4: " + lacking,
        error(dir, "d.jsonl", json.formatted("{\"process\": 1, \"type\": \"invoke\", \"f\": \"incr\", \"value\": 1}")));
  }

  private static void assertStartsWith(String expected, String actual) {
    assertTrue(actual.startsWith(expected), "expected to start with\n  " + expected + "\nbut was\n  " + actual);
  }

  @Test
  void malformedInputSaysWhere(@TempDir Path dir) throws Exception {
    HistoryFormatException noProcess = assertThrows(HistoryFormatException.class,
        () -> HistoryReader.parse("f.edn", "[{:type :invoke :f :read}]"));
    assertTrue(noProcess.getMessage().contains("f.edn:1: op 0") && noProcess.getMessage().contains(":process"),
        noProcess.getMessage());
    HistoryFormatException badType = assertThrows(HistoryFormatException.class,
        () -> HistoryReader.parse("f.edn", "{:process 0 :type :started :f :read}"));
    assertTrue(badType.getMessage().contains(":type"), badType.getMessage());
    HistoryFormatException syntax = assertThrows(HistoryFormatException.class,
        () -> HistoryReader.parse("f.edn", "[{:process 0 :type :invoke :f :read}"));
    assertTrue(syntax.getMessage().contains("EDN"), syntax.getMessage());
    HistoryFormatException notMap = assertThrows(HistoryFormatException.class,
        () -> HistoryReader.parse("f.edn", "[1 2]"));
    assertTrue(notMap.getMessage().contains("not a map"), notMap.getMessage());
    Path json = Files.writeString(dir.resolve("bad.json"), "{\"process\": 0, \"type\": \"invoke\"");
    HistoryFormatException badJson = assertThrows(HistoryFormatException.class, () -> HistoryReader.read(json));
    assertTrue(badJson.getMessage().contains("JSON"), badJson.getMessage());
  }
}
