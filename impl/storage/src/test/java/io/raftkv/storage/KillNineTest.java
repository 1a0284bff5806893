package io.raftkv.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.raftkv.core.Entry;
import io.raftkv.storage.fs.NioFileSystem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real thing: a child JVM ({@link WalKillChild}) appends and syncs batches on real files and
 * prints each last index after its sync returns; the test kills it with SIGKILL
 * ({@link Process#destroyForcibly()}) at a seeded random moment (after a random number of printed
 * lines, 0 meaning during start-up or recovery), then checks with a fresh log that every printed
 * index is there with the content the child wrote, 20 times over the same directory. Every wait is
 * on a condition with a deadline, never a fixed sleep.
 */
class KillNineTest {
    private static final int KILLS = 20;
    private static final long DEADLINE_SECONDS = 60;

    @TempDir
    Path directory;

    @Test
    void everyIndexPrintedAfterItsSyncSurvivesKillNine() throws Exception {
        SplittableRandom moments = new SplittableRandom(20261202);
        long printedMax = 0;
        for (int run = 1; run <= KILLS; run++) {
            int linesBeforeKill = moments.nextInt(41);
            printedMax = Math.max(printedMax, runAndKill(run, linesBeforeKill));
            try (WriteAheadLog log = WriteAheadLog.open(new NioFileSystem(directory), WalOptions.DEFAULT)) {
                assertTrue(log.lastIndex() >= printedMax, "run " + run + ": printed " + printedMax
                        + " but the log ends at " + log.lastIndex());
                List<Entry> entries = WalTesting.readAll(log);
                for (Entry entry : entries) {
                    assertArrayEquals(WalKillChild.dataOf(entry.index()), entry.data(), "entry " + entry.index());
                }
                assertEquals(log.lastIndex(), entries.size());
            }
        }
        assertTrue(printedMax > 0, "the child made progress");
    }

    /** Starts the child, waits for {@code lines} printed lines, kills it; returns the largest index printed. */
    private long runAndKill(int run, int lines) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                WalKillChild.class.getName(), directory.toString(), Integer.toString(run))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        LinkedBlockingQueue<String> printed = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofVirtual().start(() -> readLines(child, printed));
        long largest = 0;
        try {
            for (int line = 0; line < lines; line++) {
                String text = printed.poll(DEADLINE_SECONDS, TimeUnit.SECONDS);
                if (text == null) {
                    fail("run " + run + ": the child printed only " + line + " lines in " + DEADLINE_SECONDS + " s");
                }
                largest = Math.max(largest, parse(text));
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS), "the child did not die");
        }
        reader.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
        for (String text : printed) { // lines printed between the last poll and the kill count too
            largest = Math.max(largest, parse(text));
        }
        return largest;
    }

    private static long parse(String line) {
        if (!line.startsWith("synced ")) {
            throw new AssertionError("unexpected line from the child: " + line);
        }
        return Long.parseLong(line.substring("synced ".length()));
    }

    private static void readLines(Process child, LinkedBlockingQueue<String> printed) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                printed.add(line);
            }
        } catch (IOException closed) {
            // the child was killed: its output ends here
        }
    }
}
