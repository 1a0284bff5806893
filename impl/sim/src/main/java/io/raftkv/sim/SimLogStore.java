package io.raftkv.sim;

import io.raftkv.core.HardState;
import io.raftkv.core.LogStorage;
import io.raftkv.node.LogStore;
import io.raftkv.node.StorageException;
import io.raftkv.node.WriteBatch;
import io.raftkv.storage.WalOptions;
import io.raftkv.storage.WriteAheadLog;
import java.io.IOException;
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
  }

  /** A write's fsync ({@code completion} false) or its completion notice, for one store. */
  record DiskEvent(SimLogStore store, long sequence, boolean completion) {
    @Override
    public String toString() {
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
  private HardState appendedHardState;
  private HardState syncedHardState;

  private SimLogStore(SimNode node, Host host, WriteAheadLog wal, SplittableRandom random) {
    this.node = node;
    this.host = host;
    this.wal = wal;
    this.random = random;
    this.recoveredHardState = wal.hardState();
    this.appendedHardState = recoveredHardState;
    this.syncedHardState = appendedHardState;
  }

  /** Opens (recovers) the node's WAL; fails if recovery has to write and the disk is full. */
  static SimLogStore open(SimNode node, Host host) throws IOException {
    return new SimLogStore(node, host, WriteAheadLog.open(node.fs, WAL_OPTIONS), node.diskRandom);
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
    return wal;
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
    host.handedOver(node, batch);
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
