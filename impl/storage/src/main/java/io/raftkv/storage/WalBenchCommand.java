package io.raftkv.storage;

import io.raftkv.cli.CliCommand;
import io.raftkv.core.Entry;
import io.raftkv.core.HardState;
import io.raftkv.storage.fs.FileHandle;
import io.raftkv.storage.fs.NioFileSystem;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code raftkv wal-bench}: how fast this disk makes writes durable, raw and through the
 * write-ahead log, so the cost of one fsync per batch (group commit) can be read off: with batch
 * size b, the log's entry rate should approach b times its sync rate until bandwidth dominates.
 */
@Command(
        name = "wal-bench",
        mixinStandardHelpOptions = true,
        description = {"Measures the raw fsync rate (4 KiB write + fdatasync) and write-ahead-log append+sync"
                + " throughput at batches of 1, 16 and 256 entries of ~100 bytes, on the disk of --dir.",
            "Ends with: wal-bench: raw fsync <F>/s; batch 1: <E1> entries/s; batch 16: <E16> entries/s;"
                + " batch 256: <E256> entries/s"})
public final class WalBenchCommand implements CliCommand {
    static final int ENTRY_DATA_BYTES = 100;
    static final int RAW_WRITE_BYTES = 4096;
    /** The raw test overwrites blocks of a file this long, written before the clock starts. */
    static final long RAW_FILE_BYTES = 1L << 20;
    static final int[] BATCH_SIZES = {1, 16, 256};

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", description = "Where to measure (a temporary directory is made inside it and removed"
            + " afterwards). Default: the system temporary directory.")
    Path directory;

    @Option(names = "--quick", description = "About 2 s per figure instead of 10 s.")
    boolean quick;

    /** Overrides the time per figure (tests). */
    Duration durationPerFigure;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Duration duration = durationPerFigure != null ? durationPerFigure : Duration.ofSeconds(quick ? 2 : 10);
        Path parent = directory != null ? Files.createDirectories(directory) : Path.of(System.getProperty(
                "java.io.tmpdir"));
        Path work = Files.createTempDirectory(parent, "raftkv-wal-bench-");
        try {
            out.printf("wal-bench: measuring in %s, %d ms per figure%n", work, duration.toMillis());
            double fsyncRate = rawFsyncRate(work.resolve("raw"), duration, out);
            List<Double> entryRates = new ArrayList<>();
            for (int batchSize : BATCH_SIZES) {
                entryRates.add(walEntryRate(work.resolve("wal-" + batchSize), batchSize, duration, out));
            }
            out.printf("wal-bench: raw fsync %.0f/s; batch 1: %.0f entries/s; batch 16: %.0f entries/s;"
                    + " batch 256: %.0f entries/s%n", fsyncRate, entryRates.get(0), entryRates.get(1),
                    entryRates.get(2));
            out.flush();
            return 0;
        } finally {
            deleteRecursively(work);
        }
    }

    /**
     * Overwrites 4 KiB blocks of a file written and synced beforehand, each followed by fdatasync:
     * no block allocation and no size change, so this is the device's flush rate, the ceiling for
     * syncs of any kind on this disk. Prints one line on {@code out}; returns fsyncs per second.
     */
    public static double rawFsyncRate(Path directory, Duration duration, PrintWriter out) throws IOException {
        NioFileSystem fileSystem = new NioFileSystem(directory);
        ByteBuffer block = ByteBuffer.allocate(RAW_WRITE_BYTES);
        long count = 0;
        try (FileHandle handle = fileSystem.open("raw-fsync", true)) {
            handle.write(0, ByteBuffer.allocate((int) RAW_FILE_BYTES));
            handle.sync();
            long start = System.nanoTime();
            long deadline = start + duration.toNanos();
            while (System.nanoTime() < deadline) {
                handle.write(count * RAW_WRITE_BYTES % RAW_FILE_BYTES, block.clear());
                handle.sync();
                count++;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf("raw fsync: %d overwrites of %d bytes, each followed by fdatasync, in %.2f s%n", count,
                    RAW_WRITE_BYTES, seconds);
            return count / seconds;
        }
    }

    private static double walEntryRate(Path directory, int batchSize, Duration duration, PrintWriter out)
            throws IOException {
        long entries = 0;
        long syncs = 0;
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        byte[] data = new byte[ENTRY_DATA_BYTES];
        try (WriteAheadLog log = WriteAheadLog.open(new NioFileSystem(directory), WalOptions.DEFAULT)) {
            log.append(new HardState(1, 1, 0), List.of());
            while (System.nanoTime() < deadline) {
                List<Entry> batch = new ArrayList<>(batchSize);
                for (int i = 1; i <= batchSize; i++) {
                    batch.add(Entry.command(log.lastIndex() + i, 1, data));
                }
                log.append(null, batch);
                log.sync();
                entries += batchSize;
                syncs++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf("batch %d: %d entries in %d append+sync rounds in %.2f s (%.0f syncs/s)%n", batchSize, entries,
                syncs, seconds, syncs / seconds);
        deleteRecursively(directory);
        return entries / seconds;
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException failure) {
                    throw new UncheckedIOException(failure);
                }
            });
        } catch (UncheckedIOException failure) {
            throw failure.getCause();
        }
    }
}
