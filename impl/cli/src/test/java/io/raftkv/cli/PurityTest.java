package io.raftkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The deterministic parts of the tree must be pure (DESIGN.md "Determinism rules"): the core, the
 * node loop (the simulator runs this very code in one thread; its subpackage {@code node.real},
 * the only place with threads, files and wall time, is not scanned) and the key-value state
 * machine (every replica must reach the same state from the same log, so session expiry must come
 * from the leader stamps in the log, never from a replica's clock). Same inputs, same outputs.
 *
 * <p>One scanner for the three packages, next to the tree-wide method-length ratchet in
 * {@link TreeTidyTest}: it reads each package's source files, blanks comments and literals, and
 * fails on any API that brings in time, threads, IO, unseeded randomness, the environment,
 * unspecified iteration order, Java serialization or identity hashes. The packages differ only
 * where noted in {@link #rules}. Every rule is shown to fire on a sample of forbidden code.
 */
class PurityTest {

  /** A package that must be pure: its source directory (relative to the root) and the files expected there. */
  record PurePackage(String name, Path sources, int minimumFiles) {}

  static final List<PurePackage> PACKAGES = List.of(
      new PurePackage("core", Path.of("impl", "core", "src", "main", "java", "io", "raftkv", "core"), 10),
      new PurePackage("node", Path.of("impl", "node", "src", "main", "java", "io", "raftkv", "node"), 5),
      new PurePackage("kv", Path.of("impl", "kv", "src", "main", "java", "io", "raftkv", "kv"), 10));

  /** Rule name -> pattern for {@code pkg}; each names the nondeterminism or impurity it keeps out. */
  static Map<String, Pattern> rules(String pkg) {
    Map<String, Pattern> rules = new LinkedHashMap<>();
    rules.put("wall clock", Pattern.compile("System\\s*\\.\\s*(currentTimeMillis|nanoTime)"));
    rules.put("java.time", Pattern.compile(
        "\\b(Instant|Clock|Duration|LocalDateTime|LocalDate|ZonedDateTime|java\\.time)\\b"));
    rules.put("threads", Pattern.compile(
        "\\b(Thread|Runnable|Executors?|ExecutorService|CompletableFuture|ForkJoinPool|Timer)\\b"));
    rules.put("locks", Pattern.compile("\\bsynchronized\\b|java\\.util\\.concurrent|\\bvolatile\\b"));
    // The core and the node loop take a SplittableRandom seeded by their caller; the state machine
    // has no use for randomness at all.
    rules.put("unseeded randomness", Pattern.compile(
        "Math\\s*\\.\\s*random|ThreadLocalRandom|\\bRandom\\b|SecureRandom|UUID"
            + (pkg.equals("kv") ? "|SplittableRandom" : "|new\\s+SplittableRandom\\s*\\(\\s*\\)")));
    // The state machine converts text with java.nio.charset, which is pure.
    rules.put("IO", Pattern.compile(pkg.equals("kv")
        ? "\\bjava\\s*\\.\\s*(io|net)\\b|\\bjava\\s*\\.\\s*nio\\s*\\.\\s*(?!charset\\b)|System\\s*\\.\\s*(out|err|in)\\b"
        : "\\bjava\\s*\\.\\s*(io|nio|net)\\b|System\\s*\\.\\s*(out|err|in)\\b"));
    rules.put("unordered collections", Pattern.compile(
        "\\b(HashMap|HashSet|Hashtable|IdentityHashMap|WeakHashMap)\\b|\\b(Set|Map)\\s*\\.\\s*of(Entries)?\\s*\\("));
    rules.put("parallel streams", Pattern.compile("\\bparallel(Stream)?\\s*\\("));
    rules.put("environment", Pattern.compile("System\\s*\\.\\s*(getenv|getProperty)|\\bRuntime\\b"));
    rules.put("Java serialization", Pattern.compile("\\b(Serializable|ObjectOutputStream|ObjectInputStream)\\b"));
    rules.put("identity hash", Pattern.compile("System\\s*\\.\\s*identityHashCode"));
    if (pkg.equals("node")) {
      rules.put("real implementations", Pattern.compile("\\bio\\s*\\.\\s*raftkv\\s*\\.\\s*node\\s*\\.\\s*real\\b"));
    }
    return rules;
  }

  @Test
  void theDeterministicPackagesUseNoForbiddenApi() throws IOException {
    Path root = TreeTidyTest.repositoryRoot();
    List<String> violations = new ArrayList<>();
    for (PurePackage pkg : PACKAGES) {
      List<Path> files;
      try (Stream<Path> listing = Files.list(root.resolve(pkg.sources()))) {
        files = listing.filter(path -> path.toString().endsWith(".java")).sorted().toList();
      }
      assertTrue(files.size() >= pkg.minimumFiles(),
          "expected at least " + pkg.minimumFiles() + " sources of " + pkg.name() + " under " + pkg.sources());
      for (Path file : files) {
        violations.addAll(scan(pkg.name(), file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8)));
      }
    }
    assertEquals(List.of(), violations);
  }

  @Test
  void everyRuleFiresOnASampleOfForbiddenCode() {
    String sample = String.join("\n",
        "long now = System.currentTimeMillis();",
        "var t = Duration.ofMillis(5);",
        "new Thread(() -> {}).start();",
        "private volatile boolean running;",
        "var r = new Random();",
        "import java.nio.ByteBuffer;",
        "var m = new HashMap<Integer, Integer>();",
        "list.parallelStream().count();",
        "String home = System.getenv(\"HOME\");",
        "record R() implements Serializable {}",
        "int h = System.identityHashCode(this);",
        "import io.raftkv.node.real.NodeRunner;",
        "var seeded = new SplittableRandom(seed);",
        "import java.nio.charset.StandardCharsets;",
        "// a comment may mention Thread and HashMap freely",
        "String text = \"and so may a string: java.io\";");
    for (PurePackage pkg : PACKAGES) {
      List<String> found = scan(pkg.name(), "Sample.java", sample);
      for (String rule : rules(pkg.name()).keySet()) {
        assertTrue(found.stream().anyMatch(line -> line.contains("[" + rule + "]")),
            pkg.name() + ": " + rule + " did not fire: " + found);
      }
      assertTrue(found.stream().noneMatch(line -> line.contains(":15:") || line.contains(":16:")),
          "comments and strings must not count: " + found);
      assertEquals(pkg.name().equals("kv"), found.stream().anyMatch(line -> line.contains(":13:")),
          pkg.name() + ": only the state machine may not even use a seeded SplittableRandom: " + found);
      assertEquals(!pkg.name().equals("kv"), found.stream().anyMatch(line -> line.contains(":14:")),
          pkg.name() + ": only the state machine may use java.nio.charset: " + found);
    }
    assertFalse(scan("core", "Sample.java", "resetElectionTimer(); throw new RuntimeException();").stream()
        .anyMatch(line -> line.contains("[threads]") || line.contains("[environment]")), "names that merely contain a word");
  }

  /** Violations as "package/file:line: [rule] code". */
  static List<String> scan(String pkg, String name, String source) {
    String[] lines = TreeTidyTest.stripCommentsAndStrings(source).split("\n", -1);
    Map<String, Pattern> rules = rules(pkg);
    List<String> violations = new ArrayList<>();
    for (int k = 0; k < lines.length; k++) {
      for (Map.Entry<String, Pattern> rule : rules.entrySet()) {
        if (rule.getValue().matcher(lines[k]).find()) {
          violations.add(pkg + "/" + name + ":" + (k + 1) + ": [" + rule.getKey() + "] " + lines[k].strip());
        }
      }
    }
    return violations;
  }
}
