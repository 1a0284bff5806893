package io.raftkv.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Entry;
import io.raftkv.core.HardState;
import io.raftkv.core.Snapshot;
import io.raftkv.node.WriteBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The simulator's store keeps snapshots as the node-level contract says: a saved snapshot is
 * durable at once and the log's compaction is a later disk event, so a crash between them leaves
 * a snapshot newer than the log's compaction point, which the next open compacts to; a leader's
 * snapshot installed without keeping the log leaves nothing after it, even where the log held its
 * last entry; a compaction that an install overtook does nothing.
 */
class SimLogStoreSnapshotTest {

  /** Disk events run only when the test says so; nothing else happens. */
  private static final class Host implements SimLogStore.Host {
    final List<SimLogStore.DiskEvent> events = new ArrayList<>();
    final TreeMap<String, Long> counts = new TreeMap<>();
    private final DiskModel model = new DiskModel(5, 0, 60, 20, false, false);

    @Override
    public long now() {
      return 0;
    }

    @Override
    public DiskModel diskModel() {
      return model;
    }

    @Override
    public void scheduleDisk(long time, SimLogStore.DiskEvent event) {
      events.add(event);
    }

    @Override
    public void handedOver(SimNode node, WriteBatch batch) {}

    @Override
    public void count(String what) {
      counts.merge(what, 1L, Long::sum);
    }

    /** Runs every fsync and compaction scheduled so far (completions are not needed here). */
    void runDisk(SimLogStore store) {
      List<SimLogStore.DiskEvent> due = new ArrayList<>(events);
      events.clear();
      for (SimLogStore.DiskEvent event : due) {
        if (!event.completion()) {
          store.handle(event);
        }
      }
    }
  }

  private final SimNode node = new SimNode(1, new SplittableRandom(7));
  private final Host host = new Host();

  private static List<Entry> entries(long from, long to, long term) {
    List<Entry> entries = new ArrayList<>();
    for (long index = from; index <= to; index++) {
      entries.add(Entry.command(index, term, Workload.encode(index)));
    }
    return entries;
  }

  private static Snapshot snapshot(long index, long term) {
    SimStateMachine machine = new SimStateMachine();
    for (Entry entry : entries(1, index, term)) {
      machine.apply(entry);
    }
    return new Snapshot(index, term, machine.snapshot());
  }

  /** A store holding entries 1..10 of term 1, all synced, with commit index {@code commit}. */
  private SimLogStore storeWithTenEntries(long commit) throws Exception {
    SimLogStore store = SimLogStore.open(node, host);
    store.writeSync(new WriteBatch(1, new HardState(1, 1, commit), entries(1, 10, 1)));
    return store;
  }

  @Test
  void aCrashBetweenSaveAndCompactionIsFinishedAtOpen() throws Exception {
    SimLogStore store = storeWithTenEntries(8);
    Snapshot saved = snapshot(6, 1);
    store.saveSnapshot(saved);
    store.compact(6, 1); // scheduled, not run: the node crashes first
    assertEquals(saved, store.log().snapshot());
    assertEquals(0, store.log().snapshotIndex());
    node.fs.crash(new SplittableRandom(1));

    SimLogStore reopened = SimLogStore.open(node, host);
    assertEquals(saved, reopened.recoveredSnapshot());
    assertEquals(6, reopened.log().snapshotIndex());
    assertEquals(1, reopened.log().snapshotTerm());
    assertEquals(10, reopened.log().lastIndex());
    assertEquals(entries(7, 10, 1), reopened.log().entries(7, 10, Long.MAX_VALUE));
    assertEquals(1L, host.counts.get("snapshot:log compacted at open (crash between save and compaction)"));
  }

  @Test
  void aScheduledCompactionDropsTheEntriesAndOlderSnapshots() throws Exception {
    SimLogStore store = storeWithTenEntries(9);
    store.saveSnapshot(snapshot(4, 1));
    store.compact(4, 1);
    store.saveSnapshot(snapshot(8, 1));
    store.compact(8, 1);
    host.runDisk(store);
    assertEquals(8, store.log().snapshotIndex());
    assertEquals(List.of("snapshot-00000000000000000008-00000000000000000001"),
        node.fs.list().stream().filter(name -> name.startsWith("snapshot-")).toList());
    node.fs.crash(new SplittableRandom(2));
    SimLogStore reopened = SimLogStore.open(node, host);
    assertEquals(8, reopened.recoveredSnapshot().index());
    assertEquals(entries(9, 10, 1), reopened.log().entries(9, 10, Long.MAX_VALUE));
    assertNull(host.counts.get("snapshot:log compacted at open (crash between save and compaction)"));
  }

  @Test
  void anInstallThatDiscardsTheLogLeavesNothingAfterTheSnapshotEvenWhereTheLogMatches()
      throws Exception {
    SimLogStore store = storeWithTenEntries(3);
    Snapshot leaders = snapshot(7, 1); // the log holds entry 7 of term 1, but the core discards
    store.writeSync(new WriteBatch(2, new HardState(1, 1, 7), List.of(), leaders, false));
    assertEquals(7, store.log().snapshotIndex());
    assertEquals(7, store.log().lastIndex());
    assertEquals(1L, host.counts.get("snapshot:install discarded a log that holds its last entry"));
    node.fs.crash(new SplittableRandom(3));
    SimLogStore reopened = SimLogStore.open(node, host);
    assertEquals(leaders, reopened.recoveredSnapshot());
    assertEquals(7, reopened.log().lastIndex());
    assertEquals(7, reopened.hardState().commitIndex());
  }

  @Test
  void anInstallThatKeepsTheLogKeepsTheEntriesAfterIt() throws Exception {
    SimLogStore store = storeWithTenEntries(3);
    store.writeSync(new WriteBatch(2, new HardState(1, 1, 7), List.of(), snapshot(7, 1), true));
    node.fs.crash(new SplittableRandom(4));
    SimLogStore reopened = SimLogStore.open(node, host);
    assertEquals(7, reopened.log().snapshotIndex());
    assertEquals(entries(8, 10, 1), reopened.log().entries(8, 10, Long.MAX_VALUE));
  }

  @Test
  void anInstallBeyondTheLogAndItsFollowingEntriesStartTheLogAfterIt() throws Exception {
    SimLogStore store = storeWithTenEntries(3);
    store.writeSync(
        new WriteBatch(2, new HardState(2, 2, 15), entries(16, 17, 2), snapshot(15, 2), false));
    node.fs.crash(new SplittableRandom(5));
    SimLogStore reopened = SimLogStore.open(node, host);
    assertEquals(15, reopened.log().snapshotIndex());
    assertEquals(2, reopened.log().snapshotTerm());
    assertEquals(entries(16, 17, 2), reopened.log().entries(16, 17, Long.MAX_VALUE));
  }

  @Test
  void aCompactionOvertakenByAnInstallDoesNothing() throws Exception {
    SimLogStore store = storeWithTenEntries(5);
    store.saveSnapshot(snapshot(5, 1));
    store.compact(5, 1);
    store.writeSync(new WriteBatch(2, new HardState(1, 1, 9), List.of(), snapshot(9, 1), true));
    host.runDisk(store);
    assertEquals(9, store.log().snapshotIndex());
    assertEquals(1L, host.counts.get("snapshot:compaction overtaken by an install"));
    assertTrue(store.log().lastIndex() == 10, "the entry after the snapshot stays");
  }

  @Test
  void aLogCompactedBeyondEverySnapshotIsRefused() throws Exception {
    SimLogStore store = storeWithTenEntries(9);
    store.saveSnapshot(snapshot(6, 1));
    store.compact(6, 1);
    host.runDisk(store);
    node.fs.delete("snapshot-00000000000000000006-00000000000000000001");
    node.fs.syncDirectory();
    IOException refused =
        org.junit.jupiter.api.Assertions.assertThrows(
            IOException.class, () -> SimLogStore.open(node, host));
    assertTrue(refused.getMessage().contains("the file is missing"), refused.getMessage());
  }
}
