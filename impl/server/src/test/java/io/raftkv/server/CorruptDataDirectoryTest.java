package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Entry;
import io.raftkv.core.HardState;
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
 * exit 1 with the storage's message, which names the segment file and the offset. Run in this JVM:
 * the server fails before it opens any socket.
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
