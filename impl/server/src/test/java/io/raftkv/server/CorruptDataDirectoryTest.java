package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Entry;
import io.raftkv.core.HardState;
import io.raftkv.core.Snapshot;
import io.raftkv.storage.SnapshotStore;
import io.raftkv.storage.WalOptions;
import io.raftkv.storage.WriteAheadLog;
import io.raftkv.storage.fs.NioFileSystem;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node refuses to start on a corrupt data directory, and says where: a log with a flipped byte in
 * a record that valid records follow (damage a crash cannot explain) makes {@code raftkv server}
 * exit 1 with the storage's message, which names the segment file and the offset; so does a damaged
 * snapshot file, and a snapshot file that is intact but whose key-value state cannot be restored
 * stops the start with the state machine's reason. Run in this JVM: the server fails before it opens
 * any socket.
 */
class CorruptDataDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void aCorruptLogIsRefusedNamingTheFileAndTheOffset() throws IOException {
        Path data = dir.resolve("node-1");
        Files.createDirectories(data);
        try (WriteAheadLog log = WriteAheadLog.open(new NioFileSystem(data), WalOptions.DEFAULT)) {
            log.append(new HardState(1, 1, 0), List.of());
            for (int index = 1; index <= 20; index++) {
                log.append(null, List.of(Entry.command(index, 1, ("entry " + index + " of the log, padded to be"
                        + " a bit longer").getBytes(StandardCharsets.UTF_8))));
            }
            log.sync();
        }
        Path segment = onlySegment(data);
        flipByteAt(segment, Files.size(segment) / 2);

        int[] ports = TestCluster.freePorts(1);
        TestCluster.Run run = TestCluster.run("server", "--id", "1", "--peers", "1=127.0.0.1:" + ports[0], "--data",
                data.toString(), "--client-port", Integer.toString(ports[1]));

        assertEquals(ServerCommand.EXIT_CANNOT_START, run.exitCode(), run.toString());
        assertTrue(run.err().contains(segment.getFileName().toString()), "names the file: " + run.err());
        assertTrue(run.err().contains("corrupt at offset"), "names the offset: " + run.err());
    }

    @Test
    void aDamagedSnapshotFileIsRefusedNamingTheFileAndTheOffset() throws IOException {
        Path data = compactedDirectory(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        Path snapshot = data.resolve(SnapshotStore.fileName(20, 1));
        flipByteAt(snapshot, 30);

        TestCluster.Run run = startAlone(data);
        assertEquals(ServerCommand.EXIT_CANNOT_START, run.exitCode(), run.toString());
        assertTrue(run.err().contains(snapshot.getFileName() + " is corrupt at offset "), "names file and offset: "
                + run.err());
    }

    @Test
    void aSnapshotWhoseStateCannotBeRestoredStopsTheStart() throws IOException {
        Path data = compactedDirectory("not a key-value snapshot".getBytes(StandardCharsets.UTF_8));

        TestCluster.Run run = startAlone(data);
        assertEquals(ServerCommand.EXIT_CANNOT_START, run.exitCode(), run.toString());
        assertTrue(run.err().contains("cannot restore the key-value state from Snapshot[index=20"), run.err());
    }

    /** A data directory whose log is compacted to index 20 by a snapshot holding {@code state}. */
    private Path compactedDirectory(byte[] state) throws IOException {
        Path data = dir.resolve("node-1");
        Files.createDirectories(data);
        NioFileSystem files = new NioFileSystem(data);
        try (WriteAheadLog log = WriteAheadLog.open(files, WalOptions.DEFAULT)) {
            log.append(new HardState(1, 1, 20), List.of());
            for (int index = 1; index <= 25; index++) {
                log.append(null, List.of(Entry.command(index, 1, ("entry " + index).getBytes(StandardCharsets.UTF_8))));
            }
            SnapshotStore.open(files).save(new Snapshot(20, 1, state));
            log.compact(20, 1);
        }
        return data;
    }

    private static TestCluster.Run startAlone(Path data) {
        int[] ports = TestCluster.freePorts(1);
        return TestCluster.run("server", "--id", "1", "--peers", "1=127.0.0.1:" + ports[0], "--data", data.toString(),
                "--client-port", Integer.toString(ports[1]));
    }

    private static Path onlySegment(Path data) throws IOException {
        try (Stream<Path> files = Files.list(data)) {
            List<Path> segments = files.filter(file -> file.toString().endsWith(".wal")).toList();
            assertEquals(1, segments.size(), "one segment: " + segments);
            return segments.get(0);
        }
    }

    private static void flipByteAt(Path file, long offset) throws IOException {
        try (RandomAccessFile access = new RandomAccessFile(file.toFile(), "rw")) {
            access.seek(offset);
            int b = access.read();
            access.seek(offset);
            access.write(b ^ 0x40);
        }
    }
}
