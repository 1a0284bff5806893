package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.storage.WalOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The server's storage options (log segments, snapshots), its initial voters and its lease-read
 * settings as parsed from its command line, bad ones refused by name; and the consistency a read
 * asks for in its query.
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

    @Test
    void leaseReadsAreOffByDefaultAndOnTheyReachTheCoreWithTheDriftInWholeTicks() {
        ServerConfig off = parse();
        assertFalse(off.leaseReads());
        assertFalse(off.raftConfig().leaseReads());
        assertEquals(0, off.leaseMillis());
        ServerConfig on = parse("--lease-reads");
        assertTrue(on.raftConfig().leaseReads());
        assertEquals(2, on.raftConfig().leaseDriftTicks(), "20 ms of 10 ms ticks");
        assertEquals(260, on.leaseMillis(), "300 ms timeout = 30 ticks, minus 2, minus 2 of drift: 26 ticks");
        ServerConfig rounded = parse("--lease-reads", "--lease-drift-ms", "25");
        assertEquals(3, rounded.raftConfig().leaseDriftTicks(), "25 ms is rounded up to 3 ticks, never down");
        assertEquals(250, rounded.leaseMillis());
        assertEquals(0, parse("--lease-reads", "--lease-drift-ms=0").raftConfig().leaseDriftTicks());
        assertEquals(120, parse("--lease-reads", "--tick-ms", "5", "--election-timeout-ms", "200",
                "--heartbeat-ms", "50", "--lease-drift-ms", "70").leaseMillis(), "40 - 2 - 14 ticks of 5 ms");
    }

    @Test
    void aDriftBoundThatLeavesNoLeaseOrStandsAloneIsRefusedByName() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> parse("--lease-reads", "--lease-drift-ms", "271"));
        assertTrue(refused.getMessage().startsWith("--lease-drift-ms 271 leaves no lease: with --election-timeout-ms"
                + " 300 and --tick-ms 10 the drift bound is at most 270 ms"), refused.getMessage());
        assertEquals(10, parse("--lease-reads", "--lease-drift-ms", "270").leaseMillis(), "the bound itself: 1 tick");
        refused = assertThrows(IllegalArgumentException.class, () -> parse("--lease-reads", "--lease-drift-ms", "-1"));
        assertTrue(refused.getMessage().startsWith("--lease-drift-ms must be >= 0"), refused.getMessage());
        refused = assertThrows(IllegalArgumentException.class, () -> parse("--lease-drift-ms", "20"));
        assertTrue(refused.getMessage().contains("give --lease-reads too"), refused.getMessage());
        ServerConfig shortTimeout = parse("--election-timeout-ms", "40", "--heartbeat-ms", "10");
        assertEquals(4, shortTimeout.raftConfig().electionTimeoutTicksMin(), "without lease reads no drift limits it");
        refused = assertThrows(IllegalArgumentException.class, () -> parse("--lease-reads", "--election-timeout-ms",
                "40", "--heartbeat-ms", "10"));
        assertTrue(refused.getMessage().startsWith("--lease-drift-ms 20 leaves no lease"), refused.getMessage());
    }

    @Test
    void aReadAsksForOneOfThreeConsistenciesAndAnythingElseIsABadRequest() {
        assertEquals(RequestReader.Consistency.LINEARIZABLE, consistency("/v1/kv/a"));
        assertEquals(RequestReader.Consistency.LINEARIZABLE, consistency("/v1/kv/a?consistency=linearizable"));
        assertEquals(RequestReader.Consistency.LEASE, consistency("/v1/kv/a?consistency=lease"));
        assertEquals(RequestReader.Consistency.LOCAL, consistency("/v1/kv/a?consistency=local"));
        for (String bad : List.of("?consistency=LEASE", "?consistency=", "?consistency=lease&consistency=lease",
                "?consistency=eventual")) {
            ApiException refused = assertThrows(ApiException.class, () -> consistency("/v1/kv/a" + bad), bad);
            assertEquals(400, refused.status.code());
            assertTrue(refused.getMessage().startsWith("consistency must be 'linearizable', 'lease' or 'local'"),
                    refused.getMessage());
        }
    }

    private static RequestReader.Consistency consistency(String uri) {
        return RequestReader.consistency(new io.netty.handler.codec.http.QueryStringDecoder(uri));
    }
}
