package io.raftkv.jepsen.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Entry;
import io.raftkv.core.EntryType;
import io.raftkv.core.HardState;
import io.raftkv.core.Snapshot;
import io.raftkv.storage.CorruptStorageException;
import io.raftkv.storage.WalOptions;
import io.raftkv.storage.SnapshotStore;
import io.raftkv.storage.WriteAheadLog;
import io.raftkv.storage.fs.NioFileSystem;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The damage lands where the nemesis says, and the storage reacts as the harness expects: a
 * truncated tail is cut as a torn write and the log opens; a flipped bit in a sealed segment, or
 * in a record of the newest segment that others follow, is refused naming the damaged file.
 */
class DataDamageTest {
  private static void writeLog(Path dir, long segmentBytes) throws Exception {
    try (WriteAheadLog log = WriteAheadLog.open(new NioFileSystem(dir), new WalOptions(segmentBytes, 1 << 20))) {
      for (long index = 1; index <= 40; index++) {
        log.append(new HardState(1, 1, index - 1), java.util.List.of(new Entry(index, 1, EntryType.COMMAND,
            new byte[100])));
        log.sync();
      }
    }
  }

  @Test
  void truncatedTailIsCutAndTheLogOpens(@TempDir Path dir) throws Exception {
    writeLog(dir, 64L << 20);
    DataDamage.Done done = DataDamage.truncateTail(dir, new SplittableRandom(1)).orElseThrow();
    try (WriteAheadLog log = WriteAheadLog.open(new NioFileSystem(dir))) {
      assertTrue(log.tornTail().isPresent(), "the cut record is reported as a torn tail: " + done.what());
      assertEquals(39, log.lastIndex(), "only the last record is lost");
    }
  }

  @Test
  void flippedBitInASnapshotFileIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
    byte[] state = new byte[300];
    new SplittableRandom(7).nextBytes(state);
    SnapshotStore.open(new NioFileSystem(dir)).save(new Snapshot(40, 3, state));
    for (long seed = 0; seed < 20; seed++) {
      Path copy = dir.resolveSibling(dir.getFileName() + "-snap-" + seed);
      DataDamage.copy(dir, copy);
      Path file = DataDamage.snapshots(copy).get(0);
      DataDamage.Done done = DataDamage.flipBitInSnapshot(file, new SplittableRandom(seed));
      CorruptStorageException refused = assertThrows(CorruptStorageException.class,
          () -> SnapshotStore.open(new NioFileSystem(copy)).load(40, 3), done.what());
      assertTrue(refused.getMessage().contains(file.getFileName().toString()), refused.getMessage());
    }
  }

  @Test
  void flippedBitInASealedSegmentIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
    writeLog(dir, 1024);
    assertTrue(DataDamage.segments(dir).size() > 2);
    for (long seed = 0; seed < 5; seed++) {
      Path copy = dir.resolveSibling(dir.getFileName() + "-" + seed);
      DataDamage.copy(dir, copy);
      DataDamage.Done done = DataDamage.flipBit(copy, new SplittableRandom(seed)).orElseThrow();
      assertTrue(done.what().contains("sealed"), done.what());
      CorruptStorageException refused = assertThrows(CorruptStorageException.class,
          () -> WriteAheadLog.open(new NioFileSystem(copy), new WalOptions(1024, 1 << 20)).close());
      assertTrue(refused.getMessage().contains(done.file().getFileName().toString()), refused.getMessage());
    }
  }

  @Test
  void withoutSealedSegmentsTheFlipGoesWhereValidRecordsFollow(@TempDir Path dir) throws Exception {
    writeLog(dir, 64L << 20);
    DataDamage.Done done = DataDamage.flipBit(dir, new SplittableRandom(3)).orElseThrow();
    CorruptStorageException refused = assertThrows(CorruptStorageException.class,
        () -> WriteAheadLog.open(new NioFileSystem(dir)).close());
    assertTrue(refused.getMessage().contains(done.file().getFileName().toString()), refused.getMessage());
  }
}
