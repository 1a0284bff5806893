package io.raftkv.node;

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
 * The node loop's package must be as pure as the core (DESIGN.md "Running the real code in the
 * simulator"): the simulator runs this very code in one deterministic thread, so a clock, a thread,
 * IO or unseeded randomness here would make a simulated run unrepeatable, or would test something
 * other than what production runs. This test reads every source file of io.raftkv.node (not of its
 * subpackage io.raftkv.node.real, the only place with threads, files and wall time), strips comments
 * and string literals, and fails on any API that brings those in; it runs the same rules as the
 * core's CorePurityTest. It also holds every method of the module, real implementations included,
 * to 50 lines (STYLE.md habit 6). Each rule is shown to fire on a sample of forbidden code.
 */
class NodePurityTest {
    static final Path MODULE_SOURCES = Path.of("src", "main", "java");
    static final Path LOOP_SOURCES = MODULE_SOURCES.resolve(Path.of("io", "raftkv", "node"));
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
                "Math\\s*\\.\\s*random|ThreadLocalRandom|\\bRandom\\b|SecureRandom|new\\s+SplittableRandom\\s*\\(\\s*\\)"));
        FORBIDDEN.put("IO", Pattern.compile("\\bjava\\s*\\.\\s*(io|nio|net)\\b|System\\s*\\.\\s*(out|err|in)\\b"));
        FORBIDDEN.put("unordered collections", Pattern.compile(
                "\\b(HashMap|HashSet|Hashtable|IdentityHashMap|WeakHashMap)\\b|\\b(Set|Map)\\s*\\.\\s*of(Entries)?\\s*\\("));
        FORBIDDEN.put("parallel streams", Pattern.compile("\\bparallel(Stream)?\\s*\\("));
        FORBIDDEN.put("environment", Pattern.compile("System\\s*\\.\\s*(getenv|getProperty)|\\bRuntime\\b\\s*\\."));
        FORBIDDEN.put("real implementations", Pattern.compile("\\bio\\s*\\.\\s*raftkv\\s*\\.\\s*node\\s*\\.\\s*real\\b"));
    }

    @Test
    void nodeLoopSourcesUseNoForbiddenApi() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(LOOP_SOURCES)) {
            files = listing.filter(path -> path.toString().endsWith(".java")).sorted().toList();
        }
        assertTrue(files.stream().anyMatch(path -> path.endsWith("NodeLoop.java")),
                "expected the node loop's sources under " + LOOP_SOURCES.toAbsolutePath());
        List<String> violations = new ArrayList<>();
        for (Path file : files) {
            violations.addAll(scan(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8)));
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void noMethodOfTheModuleIsLongerThan50Lines() throws IOException {
        List<String> tooLong = new ArrayList<>();
        int methods = 0;
        try (Stream<Path> listing = Files.walk(MODULE_SOURCES)) {
            for (Path file : listing.filter(path -> path.toString().endsWith(".java")).sorted().toList()) {
                List<MethodSpan> spans = methodSpans(Files.readAllLines(file, StandardCharsets.UTF_8));
                methods += spans.size();
                for (MethodSpan span : spans) {
                    if (span.lines() > MAX_METHOD_LINES) {
                        tooLong.add(file.getFileName() + ":" + span.firstLine() + " " + span.lines() + " lines");
                    }
                }
            }
        }
        assertTrue(methods > 40, "the scan should see the module's methods, saw " + methods);
        assertEquals(List.of(), tooLong);
    }

    @Test
    void everyRuleFiresOnASampleOfForbiddenCode() {
        String sample = String.join("\n",
                "long now = System.nanoTime();",
                "var t = Duration.ofMillis(5);",
                "new Thread(() -> {}).start();",
                "private volatile boolean running;",
                "var r = new Random();",
                "import java.nio.file.Path;",
                "var s = new HashSet<Integer>();",
                "list.parallelStream().count();",
                "String home = System.getProperty(\"user.home\");",
                "import io.raftkv.node.real.NodeRunner;",
                "// a comment may mention Thread and HashMap freely",
                "String text = \"and so may a string: java.io\";");
        List<String> found = scan("Sample.java", sample);
        for (String rule : FORBIDDEN.keySet()) {
            assertTrue(found.stream().anyMatch(line -> line.contains("[" + rule + "]")), rule + " did not fire: " + found);
        }
        assertTrue(found.stream().noneMatch(line -> line.contains(":11:") || line.contains(":12:")),
                "comments and strings must not count: " + found);
    }

    @Test
    void methodScanMeasuresWrappedDeclarationsAndNestedClasses() {
        List<String> source = new ArrayList<>(List.of(
                "public final class Sample {",
                "    private static int wrapped(int a,",
                "            int b) {"));
        for (int k = 0; k < 60; k++) {
            source.add("        a++;");
        }
        source.addAll(List.of(
                "        return a;",
                "    }",
                "    abstract void declaredOnly(int a);",
                "    private final class Inner {",
                "        void calls() {",
                "            input(\"tick\", () -> {",
                "                tick();",
                "            });",
                "        }",
                "        public long inner() {",
                "            return 1;",
                "        }",
                "    }",
                "}"));
        List<MethodSpan> spans = methodSpans(source);
        assertEquals(List.of(new MethodSpan(2, 64), new MethodSpan(68, 5), new MethodSpan(73, 3)), spans);
    }

    /** A method's first line (1-based) and its length in lines, declaration to closing brace. */
    record MethodSpan(int firstLine, int lines) {}

    private static final Pattern DECLARATION = Pattern.compile("^( +)(?! )((public|private|protected|static|final|"
            + "synchronized|abstract|default) )*(?!(return|throw|new|else|case|yield)\\b)[\\w<>\\[\\]][\\w<>\\[\\], .?]* "
            + "\\w+\\(");
    private static final Pattern TYPE_DECLARATION = Pattern.compile("\\b(class|record|interface|enum) \\w+");

    /**
     * Methods and constructors at any indentation: a declaration line (no assignment before its
     * parenthesis), a header that may wrap onto following lines and ends with "{", and a body that
     * ends at the first line that is exactly the closing brace at the declaration's indentation.
     */
    static List<MethodSpan> methodSpans(List<String> lines) {
        List<MethodSpan> spans = new ArrayList<>();
        for (int k = 0; k < lines.size(); k++) {
            String line = lines.get(k);
            Matcher matcher = DECLARATION.matcher(line);
            if (!matcher.find() || TYPE_DECLARATION.matcher(line).find()
                    || line.substring(0, line.indexOf('(')).contains("=")) {
                continue;
            }
            int header = k;
            while (header < lines.size() - 1 && header < k + 6 && !lines.get(header).stripTrailing().endsWith("{")
                    && !lines.get(header).stripTrailing().endsWith(";")) {
                header++;
            }
            String headerEnd = lines.get(header).stripTrailing();
            if (!headerEnd.endsWith("{")) {
                continue; // abstract or interface method, or not a declaration after all
            }
            String closing = matcher.group(1) + "}";
            int end = header + 1;
            while (end < lines.size() && !lines.get(end).equals(closing)) {
                end++;
            }
            spans.add(new MethodSpan(k + 1, end - k + 1));
        }
        return spans;
    }

    /** Violations as "file:line: [rule] code". */
    static List<String> scan(String name, String source) {
        String code = stripCommentsAndStrings(source);
        List<String> violations = new ArrayList<>();
        String[] lines = code.split("\n", -1);
        for (int k = 0; k < lines.length; k++) {
            for (Map.Entry<String, Pattern> rule : FORBIDDEN.entrySet()) {
                if (rule.getValue().matcher(lines[k]).find()) {
                    violations.add(name + ":" + (k + 1) + ": [" + rule.getKey() + "] " + lines[k].strip());
                }
            }
        }
        return violations;
    }

    /** Blanks out comments and string/char literals, keeping line breaks so line numbers stay right. */
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
                while (k < source.length() && !(source.charAt(k) == '*' && k + 1 < source.length()
                        && source.charAt(k + 1) == '/')) {
                    out.append(source.charAt(k) == '\n' ? '\n' : ' ');
                    k++;
                }
                k += 2;
            } else if (c == '"' || c == '\'') {
                k = skipLiteral(source, k, out);
            } else {
                out.append(c);
                k++;
            }
        }
        return out.toString();
    }

    /** Skips the literal opening at {@code start}, keeping only its quotes; returns the index after it. */
    private static int skipLiteral(String source, int start, StringBuilder out) {
        char quote = source.charAt(start);
        out.append(quote);
        int k = start + 1;
        while (k < source.length() && source.charAt(k) != quote) {
            if (source.charAt(k) == '\\') {
                k++;
            }
            k++;
        }
        out.append(quote);
        return k + 1;
    }
}
