package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.storage.WalOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The server's storage options (log segments, snapshots) and its initial voters as parsed from its
 * command line, bad ones refused by name.
 */
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

    /** Node {@code id} of four peers. */
    private static ServerConfig ofFour(int id, String... more) {
        ServerCommand command = new ServerCommand();
        List<String> args = new java.util.ArrayList<>(List.of("--id", Integer.toString(id), "--peers",
                "1=127.0.0.1:7001,2=127.0.0.2:7001,3=127.0.0.3:7001,4=127.0.0.4:7001", "--data", "/tmp/unused"));
        args.addAll(List.of(more));
        new CommandLine(command).parseArgs(args.toArray(String[]::new));
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

    @Test
    void theInitialVotersAreEveryPeerUnlessNamedAndMustBePeers() {
        assertEquals(List.of(1, 2, 3, 4), ofFour(1).raftConfig().members());
        ServerConfig spare = ofFour(4, "--voters", "3,1,2");
        assertEquals(List.of(1, 2, 3), spare.raftConfig().members(), "the core's initial configuration");
        assertEquals(4, spare.peers().size(), "the address book keeps every peer");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ofFour(1, "--voters", "1,5"));
        assertTrue(refused.getMessage().startsWith("--voters [1, 5] must be among the --peers"), refused.getMessage());
        refused = assertThrows(IllegalArgumentException.class, () -> ofFour(1, "--voters", "1,x"));
        assertTrue(refused.getMessage().contains("--voters"), refused.getMessage());
    }
}
