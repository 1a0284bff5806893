package io.raftkv.storage;

import io.raftkv.core.Entry;
import io.raftkv.core.HardState;
import io.raftkv.storage.fs.NioFileSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The process {@link KillNineTest} kills: recovers the log in a directory, then appends batches
 * forever, printing {@code synced <lastIndex>} after each sync returns. Entry i always carries
 * {@link #dataOf(long)}, so whoever reads the log can check every entry from its index alone;
 * now and then a batch rewrites the last two entries (same content, a newer term) so truncation
 * records are on disk when the kill comes.
 */
final class WalKillChild {
    private WalKillChild() {}

    static byte[] dataOf(long index) {
        return ("entry " + index + " " + "x".repeat((int) (index % 97))).getBytes(StandardCharsets.UTF_8);
    }

    /** Arguments: the directory, the run's number (used as the term and the seed). */
    public static void main(String[] args) throws IOException {
        Path directory = Path.of(args[0]);
        long run = Long.parseLong(args[1]);
        SplittableRandom random = new SplittableRandom(run);
        try (WriteAheadLog log = WriteAheadLog.open(new NioFileSystem(directory), new WalOptions(64 * 1024, 1 << 20))) {
            long term = Math.max(run, log.hardState().currentTerm() + 1);
            log.append(new HardState(term, 1, 0), List.of());
            log.sync();
            while (true) {
                long first = log.lastIndex() + 1;
                if (log.lastIndex() >= 2 && random.nextInt(10) == 0) {
                    first = log.lastIndex() - 1;
                }
                List<Entry> batch = new ArrayList<>();
                for (long index = first; index < first + 1 + random.nextInt(20); index++) {
                    batch.add(Entry.command(index, term, dataOf(index)));
                }
                log.append(null, batch);
                log.sync();
                System.out.println("synced " + log.lastIndex());
                System.out.flush();
            }
        }
    }
}
