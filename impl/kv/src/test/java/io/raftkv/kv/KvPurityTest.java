package io.raftkv.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The state machine must be as pure as the core (DESIGN.md "Determinism rules"): every replica
 * and the simulator run it, and they must reach the same state from the same log. In particular
 * session expiry must come from the leader stamps in the log, never from a clock of the replica
 * applying it. This test reads every source file of io.raftkv.kv, blanks comments and string
 * literals, and fails on any API that brings in time, threads, IO, unseeded randomness, the
 * environment or unspecified iteration order (java.nio.charset stays allowed: UTF-8 and ASCII
 * conversion are pure). It also holds every method to 50 lines (STYLE.md habit 6), and proves
 * that each rule fires on a sample of forbidden code.
 */
class KvPurityTest {
    static final Path SOURCES = Path.of("src", "main", "java", "io", "raftkv", "kv");
    static final int MAX_METHOD_LINES = 50;

    /** Rule name -> pattern; each names the nondeterminism or impurity it keeps out. */
    static final Map<String, Pattern> FORBIDDEN = new LinkedHashMap<>();

    static {
        FORBIDDEN.put("wall clock", Pattern.compile("System\\s*\\.\\s*(currentTimeMillis|nanoTime)"));
        FORBIDDEN.put("java.time", Pattern.compile(
                "\\b(Instant|Clock|Duration|LocalDateTime|LocalDate|ZonedDateTime|java\\.time)\\b"));
        FORBIDDEN.put("threads", Pattern.compile(
                "\\b(Thread|Runnable|Executors?|ExecutorService|CompletableFuture|ForkJoinPool|Timer)\\b"));
        FORBIDDEN.put("locks", Pattern.compile("\\bsynchronized\\b|java\\.util\\.concurrent|\\bvolatile\\b"));
        FORBIDDEN.put("unseeded randomness", Pattern.compile(
                "Math\\s*\\.\\s*random|ThreadLocalRandom|\\bRandom\\b|SecureRandom|SplittableRandom|UUID"));
        FORBIDDEN.put("IO", Pattern.compile(
                "\\bjava\\s*\\.\\s*(io|net)\\b|\\bjava\\s*\\.\\s*nio\\s*\\.\\s*(?!charset\\b)"
                        + "|System\\s*\\.\\s*(out|err|in)\\b"));
        FORBIDDEN.put("unordered collections", Pattern.compile(
                "\\b(HashMap|HashSet|Hashtable|IdentityHashMap|WeakHashMap)\\b"
                        + "|\\b(Set|Map)\\s*\\.\\s*of(Entries)?\\s*\\("));
        FORBIDDEN.put("parallel streams", Pattern.compile("\\bparallel(Stream)?\\s*\\("));
        FORBIDDEN.put("environment", Pattern.compile("System\\s*\\.\\s*(getenv|getProperty)|\\bRuntime\\b\\s*\\."));
        FORBIDDEN.put("Java serialization", Pattern.compile(
                "\\b(Serializable|ObjectOutputStream|ObjectInputStream)\\b"));
        FORBIDDEN.put("identity hash", Pattern.compile("System\\s*\\.\\s*identityHashCode"));
    }

    @Test
    void sourcesUseNoForbiddenApi() throws IOException {
        List<String> violations = new ArrayList<>();
        List<Path> files = sources();
        assertTrue(files.size() >= 10, "expected the module's sources under " + SOURCES.toAbsolutePath());
        for (Path file : files) {
            violations.addAll(scan(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8)));
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void noMethodIsLongerThanTheLimit() throws IOException {
        Pattern declaration = Pattern.compile("^    (public |private |protected |static |final |default )*"
                + "(<[^>]+> )?[\\w<>\\[\\], .?]+ \\w+\\(.*\\) *(throws [\\w., ]+)?\\{$");
        List<String> tooLong = new ArrayList<>();
        int methods = 0;
        for (Path file : sources()) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int k = 0; k < lines.size(); k++) {
                if (!declaration.matcher(lines.get(k)).matches()) {
                    continue;
                }
                methods++;
                int end = k + 1;
                while (end < lines.size() && !lines.get(end).equals("    }")) {
                    end++;
                }
                if (end - k + 1 > MAX_METHOD_LINES) {
                    tooLong.add(file.getFileName() + ":" + (k + 1) + " " + (end - k + 1) + " lines");
                }
            }
        }
        assertTrue(methods > 60, "the scan should see the module's methods, saw " + methods);
        assertEquals(List.of(), tooLong);
    }

    @Test
    void everyRuleFiresOnASampleOfForbiddenCode() {
        String sample = String.join("\n",
                "long now = System.currentTimeMillis();",
                "var t = Instant.now();",
                "new Thread(() -> {}).start();",
                "synchronized (this) { }",
                "double d = Math.random();",
                "import java.nio.ByteBuffer;",
                "var m = new HashMap<Integer, Integer>();",
                "list.parallelStream().count();",
                "String home = System.getenv(\"HOME\");",
                "record R() implements Serializable {}",
                "int h = System.identityHashCode(this);",
                "import java.nio.charset.StandardCharsets;",
                "// a comment may mention Thread and HashMap freely",
                "String text = \"and so may a string: java.io\";");
        List<String> found = scan("Sample.java", sample);
        for (String rule : FORBIDDEN.keySet()) {
            assertTrue(found.stream().anyMatch(line -> line.contains("[" + rule + "]")),
                    rule + " did not fire: " + found);
        }
        assertTrue(found.stream().noneMatch(line -> line.contains(":12:") || line.contains(":13:")
                || line.contains(":14:")), "charsets, comments and strings must not count: " + found);
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> listing = Files.list(SOURCES)) {
            return listing.filter(path -> path.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** Violations as "file:line: [rule] code". */
    static List<String> scan(String name, String source) {
        String[] lines = stripCommentsAndStrings(source).split("\n", -1);
        List<String> violations = new ArrayList<>();
        for (int k = 0; k < lines.length; k++) {
            for (Map.Entry<String, Pattern> rule : FORBIDDEN.entrySet()) {
                Matcher matcher = rule.getValue().matcher(lines[k]);
                if (matcher.find()) {
                    violations.add(name + ":" + (k + 1) + ": [" + rule.getKey() + "] " + lines[k].strip());
                }
            }
        }
        return violations;
    }

    /** Blanks comments and string/char literals, keeping line breaks so line numbers stay right. */
    static String stripCommentsAndStrings(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int k = 0;
        while (k < source.length()) {
            char c = source.charAt(k);
            char next = k + 1 < source.length() ? source.charAt(k + 1) : 0;
            if (c == '/' && next == '/') {
                while (k < source.length() && source.charAt(k) != '\n') {
                    k++;
                }
            } else if (c == '/' && next == '*') {
                k += 2;
                while (k < source.length() && !source.startsWith("*/", k)) {
                    out.append(source.charAt(k) == '\n' ? '\n' : ' ');
                    k++;
                }
                k += 2;
            } else if (c == '"' || c == '\'') {
                out.append(c);
                for (k++; k < source.length() && source.charAt(k) != c; k++) {
                    if (source.charAt(k) == '\\') {
                        k++;
                    }
                }
                out.append(c);
                k++;
            } else {
                out.append(c);
                k++;
            }
        }
        return out.toString();
    }
}
