package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.storage.WalOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The server's storage options (log segments, snapshots) as parsed from its command line, bad ones refused by name. */
class ServerOptionsTest {

    private static ServerConfig parse(String... more) {
        ServerCommand command = new ServerCommand();
        String[] base = {"--id", "1", "--peers", "1=127.0.0.1:7001", "--data", Path.of("/tmp/unused").toString()};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        new CommandLine(command).parseArgs(args);
        return command.config();
    }

    @Test
    void theSegmentSizeDefaultsTo64MiBAndCanBeSet() {
        assertEquals(WalOptions.DEFAULT.segmentBytesMax(), parse().walOptions().segmentBytesMax());
        assertEquals(262_144, parse("--wal-segment-bytes", "262144").walOptions().segmentBytesMax());
    }

    @Test
    void aSegmentSizeOutsideTheLogsRangeIsRefusedByName() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> parse("--wal-segment-bytes", "100"));
        assertTrue(refused.getMessage().startsWith("--wal-segment-bytes must be in 256.."), refused.getMessage());
    }

    @Test
    void snapshotsEvery10000EntriesByDefaultAndTheThresholdCanBeSetOrTurnedOff() {
        assertEquals(10_000, parse().snapshotEntries());
        assertEquals(200, parse("--snapshot-entries", "200").snapshotEntries());
        assertEquals(0, parse("--snapshot-entries=0").snapshotEntries());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> parse("--snapshot-entries", "-1"));
        assertTrue(refused.getMessage().startsWith("--snapshot-entries must be >= 0"), refused.getMessage());
    }
}
