/**
 * A node's durable state on disk: the segmented write-ahead log
 * ({@link io.raftkv.storage.WriteAheadLog}, the core's {@link io.raftkv.core.LogStorage} plus the
 * hard state), snapshot files ({@link io.raftkv.storage.SnapshotStore}), recovery after a crash,
 * and {@code raftkv wal-bench}. Everything goes through {@link io.raftkv.storage.fs.FileSystem},
 * so the simulator runs this code over a simulated disk.
 *
 * <h2>Data directory</h2>
 * <pre>
 *   00000000000000000001-00000000000000000001.wal   segment: sequence 1, created when the next index was 1
 *   00000000000000000002-00000000000000000413.wal   segment: sequence 2, created when the next index was 413
 *   snapshot-00000000000000000400-00000000000000000003   snapshot of the entries up to 400 (term 3)
 * </pre>
 * A segment is a sequence of records {@code crc32c u32 | length u32 | type u8 | body} (see
 * {@link io.raftkv.storage.RecordCodec} for the bodies): a segment header, in later segments the
 * snapshot marker and hard state current at creation, then entries, hard states, truncations and
 * snapshot markers as written. Replaying all segments in sequence order gives the log.
 *
 * <h2>What holds on disk</h2>
 * <ul>
 *   <li>Only the newest segment can end in a partial record: a segment is synced before the next
 *       one is created, and creating or removing a segment is followed by a directory sync.</li>
 *   <li>Segments are removed oldest first, one directory sync each, and only after a synced
 *       snapshot marker covers every live entry in them: the sequence numbers on disk never have a
 *       gap, and the latest hard state and snapshot marker are always in the newest segment.</li>
 *   <li>A checksum failure can be forgiven only as the last record of the newest segment with
 *       nothing valid after it (a torn write, cut and reported); anywhere else the node refuses to
 *       start, naming the file and the offset.</li>
 * </ul>
 */
package io.raftkv.storage;
