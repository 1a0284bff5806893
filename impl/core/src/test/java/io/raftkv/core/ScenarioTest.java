package io.raftkv.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Scenario files (datadriven, as in etcd's raft testdata): each file in
 * src/test/resources/scenarios is a script of commands run against a {@link ScenarioCluster}, each
 * command followed by "----" and the output it must produce (the events the nodes emitted, then what
 * the command prints). The test fails on the first command whose output differs from the file.
 *
 * <p>Rewrite mode regenerates every expected output from the code, so a behaviour change shows up
 * as a diff for a reviewer to read: {@code mvn -pl impl/core test -Dtest=ScenarioTest -Drewrite=true}
 * (or environment variable RAFTKV_REWRITE=1). What a scenario claims is also stated with
 * {@code expect} commands, which fail even in rewrite mode, and after every command the harness
 * checks cross-node safety (one leader per term, Log Matching, agreeing committed prefixes and
 * applied entries), so a rewrite cannot silently bless a broken run.
 *
 * <p>Commands: see {@link ScenarioInterpreter}.
 */
class ScenarioTest {
    static final Path SOURCE_DIR = Path.of("src", "test", "resources", "scenarios");

    /** One command of a file: the comment lines before it, the command line, the expected output. */
    record Block(List<String> comments, String command, String expected) {}

    @TestFactory
    Stream<DynamicTest> scenarios() throws IOException {
        Path dir = SOURCE_DIR;
        assertTrue(Files.isDirectory(dir), "scenario directory " + dir.toAbsolutePath() + " is missing");
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(path -> path.toString().endsWith(".txt")).sorted().toList();
        }
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> run(file)));
    }

    @Test
    void theSuiteCoversAtLeast25Scenarios() throws IOException {
        try (Stream<Path> listing = Files.list(SOURCE_DIR)) {
            long count = listing.filter(path -> path.toString().endsWith(".txt")).count();
            assertTrue(count >= 25, "expected at least 25 scenarios, found " + count);
        }
    }

    static boolean rewriting() {
        return Boolean.getBoolean("rewrite") || "1".equals(System.getenv("RAFTKV_REWRITE"))
                || "true".equals(System.getenv("RAFTKV_REWRITE"));
    }

    private static void run(Path file) {
        List<Block> blocks = parse(read(file));
        ScenarioInterpreter interpreter = new ScenarioInterpreter();
        StringBuilder rewritten = new StringBuilder();
        for (Block block : blocks) {
            String actual;
            try {
                actual = interpreter.execute(block.command());
            } catch (RuntimeException e) {
                throw new AssertionError(file.getFileName() + ": command '" + block.command() + "' failed", e);
            }
            if (rewriting()) {
                block.comments().forEach(line -> rewritten.append(line).append('\n'));
                rewritten.append(block.command()).append("\n----\n").append(actual).append("\n\n");
            } else {
                assertEquals(block.expected(), actual,
                        file.getFileName() + ": output of '" + block.command() + "' (rerun with -Drewrite=true to"
                                + " regenerate, then review the diff)");
            }
        }
        if (rewriting()) {
            write(file, rewritten.toString().stripTrailing() + "\n");
        }
    }

    /**
     * Blocks are: comment/blank lines, a command line, a "----" line, then output lines up to the
     * next blank line. A command without "----" is run and its output recorded only when rewriting.
     */
    static List<Block> parse(String text) {
        List<Block> blocks = new ArrayList<>();
        List<String> lines = text.lines().toList();
        List<String> comments = new ArrayList<>();
        int k = 0;
        while (k < lines.size()) {
            String line = lines.get(k);
            if (line.isBlank() || line.startsWith("#")) {
                if (line.startsWith("#")) {
                    comments.add(line);
                }
                k++;
                continue;
            }
            String command = line.strip();
            k++;
            StringBuilder expected = new StringBuilder();
            if (k < lines.size() && lines.get(k).equals("----")) {
                k++;
                while (k < lines.size() && !lines.get(k).isEmpty()) {
                    if (!expected.isEmpty()) {
                        expected.append('\n');
                    }
                    expected.append(lines.get(k));
                    k++;
                }
            }
            blocks.add(new Block(List.copyOf(comments), command, expected.toString()));
            comments.clear();
        }
        return blocks;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
