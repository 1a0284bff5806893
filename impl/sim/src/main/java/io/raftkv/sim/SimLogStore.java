package io.raftkv.sim;

import io.raftkv.core.Entry;
import io.raftkv.core.HardState;
import io.raftkv.core.LogStorage;
import io.raftkv.core.Snapshot;
import io.raftkv.node.LogStore;
import io.raftkv.node.StorageException;
import io.raftkv.node.WriteBatch;
import io.raftkv.storage.SnapshotRecovery;
import io.raftkv.storage.SnapshotStore;
import io.raftkv.storage.SnapshotWrites;
import io.raftkv.storage.WalOptions;
import io.raftkv.storage.WriteAheadLog;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The simulator's {@link LogStore}: the real {@link WriteAheadLog} over the node's
 * {@link io.raftkv.storage.fs.MemoryFileSystem}, with fsyncs and completion notices as simulator
 * events. One store serves one incarnation of a node (the node loop numbers its batches from 1).
 *
 * <ul>
 *   <li>{@link #submit}: the batch is appended to the WAL at once (its bytes land unsynced, where
 *       a crash may lose or tear them) and its fsync is scheduled after this seed's disk delay,
 *       behind every earlier fsync; when that fsync runs, its completion notice is scheduled, and
 *       delivering it calls {@code NodeLoop.writeCompleted}. A stalled disk defers fsyncs until
 *       the stall ends.
 *   <li>{@link #writeSync}: append and sync within the current event. A crash happens only between
 *       events, and a crash during a sync write is, to everyone else, a crash just before the
 *       input that caused it, since nothing of that Ready has left the node (DURABILITY.md).
 *   <li>A full disk makes the append or the sync fail: a sync write throws, an async one is
 *       reported at its fsync with {@code NodeLoop.writeFailed}; either way the node stops.
 *   <li>Snapshots are {@link SnapshotStore} files on the same disk. {@link #saveSnapshot} writes
 *       one durably within the event (a crash cannot tear it); {@link #compact} is a later disk
 *       event, queued behind the fsyncs already scheduled (a stall holds it too), so a crash can
 *       come between the two: {@link #open} then finds a snapshot newer than the log's compaction
 *       point and compacts the log to it. A batch with a leader's snapshot (always a sync write)
 *       stores the term and vote it adopts from that leader, saves the snapshot, compacts the log
 *       through it (discarding every entry after it unless the batch keeps the log), then writes
 *       its hard state and entries, as the real store ({@code WalLogStore}) does.
 * </ul>
 */
final class SimLogStore implements LogStore {

  /** What the store needs from the simulation. */
  interface Host {
    long now();

    /** The disk behaviour in force now (the liveness phase turns the faults off). */
    DiskModel diskModel();

    void scheduleDisk(long time, DiskEvent event);

    /** The node loop handed {@code batch} to storage: the node's log now ends as it says. */
    void handedOver(SimNode node, WriteBatch batch);

    /** Counts one occurrence of a fault or of its effect, for the run's statistics. */
    void count(String what);

    /** The node loop saves {@code snapshot} of the node's state machine (before it is written). */
    default void snapshotSaved(SimNode node, Snapshot snapshot) {}

    /**
     * A leader's {@code snapshot} was installed on the node's disk (the log now starts after it,
     * keeping the entries after it if {@code keepsLog}); the rest of its batch is handed over next.
     */
    default void snapshotInstalled(SimNode node, Snapshot snapshot, boolean keepsLog) {}
  }

  /**
   * A write's fsync ({@code completion} false) or its completion notice, for one store; or, with
   * a {@code compactTerm}, the compaction of the log through index {@code sequence}.
   */
  record DiskEvent(SimLogStore store, long sequence, boolean completion, long compactTerm) {
    DiskEvent(SimLogStore store, long sequence, boolean completion) {
      this(store, sequence, completion, 0);
    }

    boolean compaction() {
      return compactTerm != 0;
    }

    @Override
    public String toString() {
      if (compaction()) {
        return "compaction through " + sequence + " at node " + store.node.id;
      }
      return (completion ? "completion" : "fsync") + " of batch " + sequence + " at node "
          + store.node.id;
    }
  }

  /** The message of the simulated full disk's write failures. */
  static final String FULL_DISK = "No space left on device (simulated full disk)";

  /**
   * Small segments, so that segments roll over (and old ones are sealed) many times in a run; a
   * small entry cache, so that the core's reads go to the simulated disk too.
   */
  static final WalOptions WAL_OPTIONS =
      WalOptions.DEFAULT.withSegmentBytesMax(4096).withCacheBytesMax(16 * 1024);

  private final SimNode node;
  private final Host host;
  private final WriteAheadLog wal;
  private final SnapshotStore snapshots;
  /** The snapshot recovered at open, or null. */
  private final Snapshot recoveredSnapshot;
  /** The latest snapshot saved or recovered: what the core's log hands a leader to send. */
  private Snapshot latestSnapshot;
  private final LogStorage log = new SnapshotLog();
  private final SplittableRandom random;
  private final HardState recoveredHardState;
  private long lastFsyncTime;
  private long lastCompletionTime;
  /** The highest sequence whose completion notice is scheduled (in-order mode skips lower ones). */
  private long highestCompletionScheduled;
  private long highestCompletionDelivered;
  /** The first write failure, after which nothing more is written. */
  private IOException failure;
  private boolean failureReported;
  private boolean installFailed;
  private HardState appendedHardState;
  private HardState syncedHardState;

  private SimLogStore(
      SimNode node, Host host, WriteAheadLog wal, SnapshotStore snapshots, Snapshot recovered) {
    this.node = node;
    this.host = host;
    this.wal = wal;
    this.snapshots = snapshots;
    this.recoveredSnapshot = recovered;
    this.latestSnapshot = recovered;
    this.random = node.diskRandom;
    this.recoveredHardState = wal.hardState();
    this.appendedHardState = recoveredHardState;
    this.syncedHardState = appendedHardState;
  }

  /**
   * Opens (recovers) the node's WAL and its latest snapshot ({@link SnapshotRecovery}), compacting
   * the log to that snapshot if a crash came between saving it and compacting; fails if recovery has
   * to write and the disk is full, or if the log and the snapshot files contradict each other (the
   * log compacted beyond every snapshot, a snapshot of a term beyond the stored one, ...).
   */
  static SimLogStore open(SimNode node, Host host) throws IOException {
    WriteAheadLog wal = WriteAheadLog.open(node.fs, WAL_OPTIONS);
    try {
      SnapshotStore snapshots = SnapshotStore.open(node.fs);
      long marker = wal.snapshotIndex();
      Snapshot latest = SnapshotRecovery.reconcile(wal, snapshots).orElse(null);
      if (wal.snapshotIndex() > marker) {
        host.count("snapshot:log compacted at open (crash between save and compaction)");
      }
      return new SimLogStore(node, host, wal, snapshots, latest);
    } catch (IOException | RuntimeException e) {
      wal.close();
      throw e;
    }
  }

  @Override
  public HardState hardState() {
    return recoveredHardState;
  }

  /** How many segment files the log spans. */
  int segments() {
    return wal.segmentFiles().size();
  }

  /** Whether recovery cut a torn record off the end of the log. */
  boolean recoveredTornTail() {
    return wal.tornTail().isPresent();
  }

  @Override
  public LogStorage log() {
    return log;
  }

  @Override
  public Snapshot recoveredSnapshot() {
    return recoveredSnapshot;
  }

  /** Durable when it returns (SnapshotStore syncs the file and the directory). */
  @Override
  public void saveSnapshot(Snapshot snapshot) throws StorageException {
    host.snapshotSaved(node, snapshot);
    if (failure == null) {
      try {
        snapshots.save(snapshot);
        latestSnapshot = snapshot;
        return;
      } catch (IOException e) {
        failure = e;
        host.count("disk-full:snapshot save failed");
      }
    }
    failureReported = true;
    throw new StorageException("node " + node.id + ": saving " + snapshot + " failed: "
        + failure.getMessage(), failure);
  }

  /** A later disk event, behind every fsync scheduled so far (see the class comment). */
  @Override
  public void compact(long index, long term) {
    long time = Math.max(host.now() + host.diskModel().fsyncUnits(random), lastFsyncTime);
    lastFsyncTime = time;
    host.scheduleDisk(time, new DiskEvent(this, index, false, term));
  }

  int nodeId() {
    return node.id;
  }

  /** The last hard state known appended and synced (term and vote a crash cannot take back). */
  HardState syncedHardState() {
    return syncedHardState;
  }

  boolean failed() {
    return failure != null;
  }

  /** Whether the write failure (if any) came from the simulated full disk, not from elsewhere. */
  boolean failedOnFullDisk() {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (FULL_DISK.equals(cause.getMessage())) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void submit(WriteBatch batch) {
    Checks.check(batch.snapshot() == null, "node %s: an async batch with a snapshot", node.id);
    host.handedOver(node, batch);
    append(batch);
    DiskModel model = host.diskModel();
    long units = model.fsyncUnits(random);
    if (model.slow(units)) {
      host.count("slow-disk:slow fsync");
    }
    long time = Math.max(host.now() + units, lastFsyncTime);
    lastFsyncTime = time;
    host.scheduleDisk(time, new DiskEvent(this, batch.sequence(), false));
  }

  @Override
  public void writeSync(WriteBatch batch) throws StorageException {
    if (batch.snapshot() != null) {
      install(batch);
    }
    if (!installFailed) {
      host.handedOver(node, batch); // a failed install leaves the log as it was: nothing follows
    }
    append(batch);
    sync();
    if (failure != null) {
      failureReported = true;
      throw new StorageException("node " + node.id + ": sync write of batch " + batch.sequence()
          + " failed: " + failure.getMessage(), failure);
    }
  }

  /** Handles one of this store's disk events; the node is up and this is its current store. */
  void handle(DiskEvent event) {
    if (event.compaction() && host.now() >= node.stalledUntil) {
      compactNow(event.sequence(), event.compactTerm());
      return;
    }
    if (event.completion()) {
      if (event.sequence() < highestCompletionDelivered) {
        host.count("reorder-completions:completion overtaken");
      }
      highestCompletionDelivered = Math.max(highestCompletionDelivered, event.sequence());
      node.loop.writeCompleted(event.sequence());
      return;
    }
    if (host.now() < node.stalledUntil) {
      // Rescheduled in the order they come due, so the fsync queue keeps its order.
      host.count("stall:fsync held");
      host.scheduleDisk(node.stalledUntil, event);
      return;
    }
    sync();
    if (failure != null) {
      if (!failureReported) {
        failureReported = true;
        node.loop.writeFailed(new StorageException("node " + node.id + ": write of batch "
            + event.sequence() + " failed: " + failure.getMessage(), failure));
      }
      return;
    }
    DiskModel model = host.diskModel();
    if (!model.reorderCompletions() && event.sequence() < highestCompletionScheduled) {
      return; // an fsync covers every byte appended before it: a later notice already says so
    }
    long time = host.now() + model.completionUnits(random);
    if (!model.reorderCompletions()) {
      time = Math.max(time, lastCompletionTime);
    }
    lastCompletionTime = Math.max(lastCompletionTime, time);
    highestCompletionScheduled = Math.max(highestCompletionScheduled, event.sequence());
    host.scheduleDisk(time, new DiskEvent(this, event.sequence(), true));
  }

  /**
   * A leader's snapshot: the term and vote adopted from that leader stored first, the snapshot
   * saved, then the log compacted through it ({@link SnapshotWrites#installLeaderSnapshot}).
   */
  private void install(WriteBatch batch) {
    Snapshot snapshot = batch.snapshot();
    boolean keepsLog = batch.snapshotKeepsLog();
    if (failure != null) {
      installFailed = true; // an earlier write failed: nothing more reaches the disk
      host.count("disk-full:snapshot install failed");
      return;
    }
    try {
      if (!keepsLog && holdsAfter(snapshot.index(), snapshot.term())) {
        host.count("snapshot:install discarded a log that holds its last entry");
      }
      SnapshotWrites.installLeaderSnapshot(wal, snapshots, batch.hardState(), snapshot, keepsLog);
      latestSnapshot = snapshot;
      appendedHardState = wal.hardState(); // the leader's term, stored first, if it changed
      syncedHardState = appendedHardState; // compact synced everything appended
    } catch (IOException e) {
      failure = e;
      installFailed = true;
      host.count("disk-full:snapshot install failed");
      return;
    }
    host.snapshotInstalled(node, snapshot, keepsLog);
  }

  /**
   * Whether a leader's snapshot failed to install (the disk is full): the core counted it durable,
   * but the node stopped before telling anyone, and its disk still holds the log from before.
   */
  boolean installFailed() {
    return installFailed;
  }

  /**
   * Whether the log holds entry {@code index} with {@code term} and entries after it: a leader's
   * snapshot there that the core installs without keeping the log (that entry was not durable yet)
   * discards entries a plain compaction would keep.
   */
  private boolean holdsAfter(long index, long term) {
    return wal.lastIndex() > index && index > wal.snapshotIndex() && wal.term(index) == term;
  }

  /** The compaction {@link #compact} scheduled, unless a leader's snapshot went further since. */
  private void compactNow(long index, long term) {
    if (failure != null) {
      return; // reported by the write that failed
    }
    try {
      if (!SnapshotWrites.compactBehind(wal, snapshots, index, term)) {
        host.count("snapshot:compaction overtaken by an install");
        return;
      }
      syncedHardState = appendedHardState;
      host.count("snapshot:log compacted");
    } catch (IOException e) {
      failure = e;
      failureReported = true;
      host.count("disk-full:compaction failed");
      node.loop.writeFailed(new StorageException("node " + node.id + ": compaction through "
          + index + " failed: " + e.getMessage(), e));
    }
  }

  /** The write-ahead log, with the latest snapshot saved or recovered. */
  private final class SnapshotLog implements LogStorage {
    @Override
    public long snapshotIndex() {
      return wal.snapshotIndex();
    }

    @Override
    public long snapshotTerm() {
      return wal.snapshotTerm();
    }

    @Override
    public long lastIndex() {
      return wal.lastIndex();
    }

    @Override
    public long term(long index) {
      return wal.term(index);
    }

    @Override
    public List<Entry> entries(long from, long to, long maxBytes) {
      return wal.entries(from, to, maxBytes);
    }

    @Override
    public Snapshot snapshot() {
      return latestSnapshot;
    }
  }

  private void append(WriteBatch batch) {
    if (failure != null) {
      return; // after a failed write the log's tail is unknown: write nothing more
    }
    try {
      wal.append(batch.hardState(), batch.entries());
      if (batch.hardState() != null) {
        appendedHardState = batch.hardState();
      }
    } catch (IOException e) {
      failure = e;
      host.count("disk-full:write failed");
    }
  }

  private void sync() {
    if (failure != null) {
      return;
    }
    if (host.diskModel().fsyncLies()) {
      syncedHardState = appendedHardState;
      return;
    }
    try {
      wal.sync();
      syncedHardState = appendedHardState;
    } catch (IOException e) {
      failure = e;
      host.count("disk-full:sync failed");
    }
  }
}
