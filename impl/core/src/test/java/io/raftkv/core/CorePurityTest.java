package io.raftkv.core;

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
 * The core must be a pure, deterministic state machine: same inputs, same outputs (DESIGN.md,
 * "Determinism rules"). This test reads every source file of io.raftkv.core, strips comments and
 * string literals, and fails on any API that brings in time, threads, IO, unseeded randomness or
 * unspecified iteration order. It also runs the same scanner on a sample of forbidden code to prove
 * that every rule actually fires.
 */
class CorePurityTest {
    static final Path CORE_SOURCES = Path.of("src", "main", "java", "io", "raftkv", "core");

    /** Rule name -> pattern; each names the nondeterminism or impurity it keeps out. */
    static final Map<String, Pattern> FORBIDDEN = new LinkedHashMap<>();

    static {
        FORBIDDEN.put("wall clock", Pattern.compile("System\\s*\\.\\s*(currentTimeMillis|nanoTime)"));
        FORBIDDEN.put("java.time", Pattern.compile("\\b(Instant|Clock|LocalDateTime|LocalDate|ZonedDateTime|java\\.time)\\b"));
        FORBIDDEN.put("threads", Pattern.compile("\\b(Thread|Runnable|Executors?|ExecutorService|CompletableFuture|ForkJoinPool)\\b"));
        FORBIDDEN.put("locks", Pattern.compile("\\bsynchronized\\b|java\\.util\\.concurrent|\\bvolatile\\b"));
        FORBIDDEN.put("unseeded randomness", Pattern.compile("Math\\s*\\.\\s*random|ThreadLocalRandom|\\bRandom\\b|SecureRandom|new\\s+SplittableRandom\\s*\\(\\s*\\)"));
        FORBIDDEN.put("IO", Pattern.compile("\\bjava\\s*\\.\\s*(io|nio|net)\\b|System\\s*\\.\\s*(out|err|in)\\b"));
        FORBIDDEN.put("unordered collections", Pattern.compile("\\b(HashMap|HashSet|Hashtable|IdentityHashMap|WeakHashMap)\\b|\\b(Set|Map)\\s*\\.\\s*of(Entries)?\\s*\\("));
        FORBIDDEN.put("parallel streams", Pattern.compile("\\bparallel(Stream)?\\s*\\("));
        FORBIDDEN.put("environment", Pattern.compile("System\\s*\\.\\s*(getenv|getProperty)|\\bRuntime\\b"));
    }

    @Test
    void coreSourcesUseNoForbiddenApi() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.walk(CORE_SOURCES)) {
            files = listing.filter(path -> path.toString().endsWith(".java")).sorted().toList();
        }
        assertTrue(files.size() >= 10, "expected the core's sources under " + CORE_SOURCES.toAbsolutePath());
        List<String> violations = new ArrayList<>();
        for (Path file : files) {
            violations.addAll(scan(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8)));
        }
        assertEquals(List.of(), violations);
    }

    /**
     * The function-length ratchet (STYLE.md habit 6; the longest method today has 28 lines, the limit
     * is 50, the style asks for under ~70): one dispatcher per role owns the branching and
     * handlers stay flat. A method of a top-level class (four-space indent) ends at the first line
     * that is exactly its closing brace at that indent.
     */
    @Test
    void noCoreMethodIsLongerThan50Lines() throws IOException {
        Pattern declaration = Pattern.compile("^    (public |private |protected |static |final |synchronized )*"
                + "[\\w<>\\[\\], .?]+ \\w+\\(.*\\) *(throws [\\w., ]+)?\\{$");
        List<String> tooLong = new ArrayList<>();
        int methods = 0;
        try (Stream<Path> listing = Files.walk(CORE_SOURCES)) {
            for (Path file : listing.filter(path -> path.toString().endsWith(".java")).sorted().toList()) {
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
                    if (end - k + 1 > 50) {
                        tooLong.add(file.getFileName() + ":" + (k + 1) + " " + (end - k + 1) + " lines");
                    }
                }
            }
        }
        assertTrue(methods > 100, "the scan should see the core's methods, saw " + methods);
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
                "import java.io.File;",
                "var m = new HashMap<Integer, Integer>();",
                "list.parallelStream().count();",
                "String home = System.getenv(\"HOME\");",
                "// a comment may mention Thread and HashMap freely",
                "String text = \"and so may a string: java.io\";");
        List<String> found = scan("Sample.java", sample);
        for (String rule : FORBIDDEN.keySet()) {
            assertTrue(found.stream().anyMatch(line -> line.contains("[" + rule + "]")), rule + " did not fire: " + found);
        }
        assertTrue(found.stream().noneMatch(line -> line.contains(":10:") || line.contains(":11:")),
                "comments and strings must not count: " + found);
    }

    /** Violations as "file:line: [rule] code". */
    static List<String> scan(String name, String source) {
        String code = stripCommentsAndStrings(source);
        List<String> violations = new ArrayList<>();
        String[] lines = code.split("\n", -1);
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

    /** Blanks out comments and string/char literals, keeping line breaks so line numbers stay right. */
    static String stripCommentsAndStrings(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int k = 0;
        while (k < source.length()) {
            char c = source.charAt(k);
            if (c == '/' && k + 1 < source.length() && source.charAt(k + 1) == '/') {
                while (k < source.length() && source.charAt(k) != '\n') {
                    k++;
                }
            } else if (c == '/' && k + 1 < source.length() && source.charAt(k + 1) == '*') {
                k += 2;
                while (k < source.length() && !(source.charAt(k) == '*' && k + 1 < source.length()
                        && source.charAt(k + 1) == '/')) {
                    out.append(source.charAt(k) == '\n' ? '\n' : ' ');
                    k++;
                }
                k += 2;
            } else if (c == '"' || c == '\'') {
                out.append(c);
                k++;
                while (k < source.length() && source.charAt(k) != c) {
                    if (source.charAt(k) == '\\') {
                        k++;
                    }
                    k++;
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
