package io.raftkv.jepsen.nemesis;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Damage to a stopped node's write-ahead log (impl/storage/README.md: segments
 * {@code <sequence>-<firstIndex>.wal}, records {@code crc32c u32 | length u32 | type u8 | body}
 * with length = 1 + body length, big-endian).
 *
 * <ul>
 *   <li>Truncate: the newest segment loses the end of its last record, as a torn write would leave
 *       it. Recovery must cut the torn record and start.
 *   <li>Bit flip: one bit of a record in a sealed segment (any but the newest). Recovery must
 *       refuse to start, naming the file and offset. A run's servers seal segments at 64 KiB
 *       (JepsenRun.SEGMENT_BYTES); if none is sealed yet, the bit goes into a record of the newest
 *       segment that other records follow, which recovery must refuse the same way (damage a crash
 *       cannot explain). When the node has a snapshot file ({@code snapshot-<index>-<term>}), half
 *       of the bit flips go into it instead (anywhere: header, state or checksum): a snapshot is
 *       written whole and synced before the log is compacted behind it, so no crash can explain a
 *       damaged one, and the node must refuse to start naming the file.
 * </ul>
 */
public final class DataDamage {
  /**
   * What was done.
   *
   * @param file the segment damaged
   * @param offset the byte offset of the damage
   * @param what one line for the report
   */
  public record Done(Path file, long offset, String what) {}

  private DataDamage() {}

  public static Optional<Done> truncateTail(Path dataDir, SplittableRandom random) throws IOException {
    List<Path> segments = segments(dataDir);
    if (segments.isEmpty()) {
      return Optional.empty();
    }
    Path newest = segments.get(segments.size() - 1);
    List<long[]> records = records(newest);
    if (records.size() < 2) {
      return Optional.empty();
    }
    long[] last = records.get(records.size() - 1);
    long cut = last[0] + 1 + random.nextLong(last[1] - 1);
    long size = Files.size(newest);
    try (FileChannel channel = FileChannel.open(newest, StandardOpenOption.WRITE)) {
      channel.truncate(cut);
      channel.force(true);
    }
    return Optional.of(new Done(newest, cut, "truncated " + newest.getFileName() + " from " + size + " to " + cut
        + " bytes (inside its last record, at offset " + last[0] + ")"));
  }

  public static Optional<Done> flipBit(Path dataDir, SplittableRandom random) throws IOException {
    List<Path> snapshots = snapshots(dataDir);
    if (!snapshots.isEmpty() && random.nextBoolean()) {
      return Optional.of(flipBitInSnapshot(snapshots.get(snapshots.size() - 1), random));
    }
    List<Path> segments = segments(dataDir);
    if (segments.isEmpty()) {
      return Optional.empty();
    }
    boolean sealed = segments.size() > 1;
    Path file = sealed ? segments.get(random.nextInt(segments.size() - 1)) : segments.get(segments.size() - 1);
    List<long[]> records = records(file);
    // In the newest segment, never the last record (that one recovery may cut as torn).
    int candidates = sealed ? records.size() : records.size() - 1;
    if (candidates < 2) {
      return Optional.empty();
    }
    long[] record = records.get(1 + random.nextInt(candidates - 1));
    long offset = record[0] + random.nextLong(record[1]);
    int bit = random.nextInt(8);
    flip(file, offset, bit);
    return Optional.of(new Done(file, offset, "flipped bit " + bit + " at offset " + offset + " of "
        + (sealed ? "sealed" : "the newest (the only one left)") + " segment " + file.getFileName()
        + " (record at offset " + record[0] + ")"));
  }

  /** One bit anywhere in {@code file}, a snapshot file. */
  static Done flipBitInSnapshot(Path file, SplittableRandom random) throws IOException {
    long offset = random.nextLong(Files.size(file));
    int bit = random.nextInt(8);
    flip(file, offset, bit);
    return new Done(file, offset, "flipped bit " + bit + " at offset " + offset + " of snapshot file "
        + file.getFileName());
  }

  private static void flip(Path file, long offset, int bit) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, offset);
      one.put(0, (byte) (one.get(0) ^ (1 << bit)));
      one.rewind();
      channel.write(one, offset);
      channel.force(true);
    }
  }

  /** The snapshot files, oldest first (the names sort by index: zero-padded). */
  static List<Path> snapshots(Path dataDir) throws IOException {
    if (!Files.isDirectory(dataDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dataDir)) {
      return files.filter(p -> p.getFileName().toString().matches("snapshot-\\d{20}-\\d{20}"))
          .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
    }
  }

  /** The WAL segments in replay order. */
  static List<Path> segments(Path dataDir) throws IOException {
    if (!Files.isDirectory(dataDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dataDir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".wal"))
          .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
    }
  }

  /** Each whole record of a segment as {offset, size}; stops at the first that does not fit. */
  static List<long[]> records(Path segment) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(segment));
    List<long[]> records = new ArrayList<>();
    int offset = 0;
    while (offset + 9 <= bytes.limit()) {
      int length = bytes.getInt(offset + 4);
      if (length < 1 || length > bytes.limit() - offset - 8) {
        break;
      }
      records.add(new long[] {offset, 8L + length});
      offset += 8 + length;
    }
    return records;
  }

  /** Copies a data directory (to put it back if the damaged node refuses to start). */
  public static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
