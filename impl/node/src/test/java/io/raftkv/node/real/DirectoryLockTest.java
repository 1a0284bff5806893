package io.raftkv.node.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.node.StorageException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One data directory, one open log: a second open, from this process or another, is refused with
 * the directory and the lock file named; once the holder closes (or dies) the directory opens again.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DirectoryLockTest {

    @TempDir
    Path dir;

    @Test
    void aSecondOpenInThisProcessIsRefusedUntilTheFirstCloses() throws Exception {
        WalLogStore first = WalLogStore.open(dir);
        StorageException refused = assertThrows(StorageException.class, () -> WalLogStore.open(dir));
        assertTrue(refused.getMessage().contains("is in use by this process"), refused.getMessage());
        assertTrue(refused.getMessage().contains(dir.resolve("LOCK").toString()), refused.getMessage());
        first.close();
        WalLogStore.open(dir).close();
    }

    @Test
    void anOpenByAnotherProcessIsRefusedUntilThatProcessEnds() throws Exception {
        Process holder = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElseThrow(), "-cp",
                System.getProperty("java.class.path"), Holder.class.getName(), dir.toString()))
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine(), "the other process took the lock");
            StorageException refused = assertThrows(StorageException.class, () -> WalLogStore.open(dir));
            assertTrue(refused.getMessage().contains("is in use by another process"), refused.getMessage());
            holder.getOutputStream().close(); // the holder exits when its input ends
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS), "the holder exits");
            WalLogStore.open(dir).close();
        } finally {
            holder.destroyForcibly();
        }
    }

    /** Holds the directory's lock until its standard input ends. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            try (DirectoryLock lock = DirectoryLock.acquire(Path.of(args[0]))) {
                System.out.println("locked");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // wait for the test to close our input
                }
            }
        }
    }
}
