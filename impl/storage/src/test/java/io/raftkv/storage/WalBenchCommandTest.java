package io.raftkv.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code raftkv wal-bench} is discovered by the CLI, ends with the line of figures in the agreed
 * format, and leaves the directory it measured in as it found it. (Run with 100 ms per figure.)
 */
class WalBenchCommandTest {
    @TempDir
    Path directory;

    @Test
    void printsTheFiguresAndRemovesWhatItCreated() throws IOException {
        CommandLine commandLine = Main.commandLine();
        assertTrue(commandLine.getSubcommands().containsKey("wal-bench"), "registered as a CliCommand service");
        WalBenchCommand command = (WalBenchCommand) commandLine.getSubcommands().get("wal-bench").getCommand();
        command.durationPerFigure = Duration.ofMillis(100);
        StringWriter output = new StringWriter();
        commandLine.setOut(new PrintWriter(output));
        int exitCode = commandLine.execute("wal-bench", "--dir", directory.toString(), "--quick");
        assertEquals(0, exitCode, output.toString());
        List<String> lines = output.toString().lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.matches("wal-bench: raw fsync \\d+/s; batch 1: \\d+ entries/s; batch 16: \\d+ entries/s;"
                + " batch 256: \\d+ entries/s"), last);
        try (Stream<Path> left = Files.list(directory)) {
            assertEquals(List.of(), left.toList());
        }
    }
}
