package io.raftkv.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Entry;
import io.raftkv.core.HardState;
import io.raftkv.node.StorageException;
import io.raftkv.node.WriteBatch;
import io.raftkv.storage.WriteAheadLog;
import io.raftkv.storage.fs.MemoryFileSystem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A crash image never loses a record reported durable. The simulator's store ({@link SimLogStore},
 * the real write-ahead log on a {@link MemoryFileSystem}) is driven as a node loop drives it:
 * async appends whose fsyncs and completion notices come later and out of order, and sync writes
 * that overwrite the tail and change the term and vote. After every step the disk is copied and
 * crashed many ways (each crash keeps a random part of what was not synced and may tear the last
 * write), and each image is recovered. The recovered log must hold every entry reported durable
 * (what the completions delivered so far, and every sync write, vouch for), with the same content,
 * be a prefix of the log written, and carry the term and vote last synced. The same holds after a
 * process kill (nothing lost) followed by a recovery and then a power loss: whatever the first
 * recovery handed back, the restarted core treats as durable.
 */
class CrashImageTest {

  private static final int SEEDS = 40;
  private static final int STEPS = 120;
  private static final int CRASHES_PER_STEP = 4;

  /** The simulation as the store sees it: a clock and a queue of disk events. */
  private static final class Host implements SimLogStore.Host {
    private record Scheduled(long time, long order, SimLogStore.DiskEvent event) {}

    private final PriorityQueue<Scheduled> events =
        new PriorityQueue<>(
            (a, b) ->
                a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.order, b.order));
    private final DiskModel model = new DiskModel(5, 0.1, 60, 20, true, false);
    private long now;
    private long order;

    @Override
    public long now() {
      return now;
    }

    @Override
    public DiskModel diskModel() {
      return model;
    }

    @Override
    public void scheduleDisk(long time, SimLogStore.DiskEvent event) {
      events.add(new Scheduled(time, order++, event));
    }

    @Override
    public void handedOver(SimNode node, WriteBatch batch) {}

    @Override
    public void count(String what) {}
  }

  /** What the writer (the node loop and core, modelled) knows: the log, and its durable prefix. */
  private static final class Writer {
    final List<Entry> log = new ArrayList<>();
    final List<WriteBatch> batches = new ArrayList<>();
    long durable;
    long term = 1;
    int vote;
    long sequence;

    /** As the core's persisted(index, term): durable up to the entry if it is still the same. */
    void completed(long sequenceDone) {
      for (WriteBatch batch : batches) {
        if (batch.sequence() <= sequenceDone && batch.hasEntries()) {
          long index = batch.lastIndex();
          if (index <= log.size() && log.get((int) index - 1).term() == batch.lastTerm()) {
            durable = Math.max(durable, index);
          }
        }
      }
    }
  }

  @Test
  void aCrashImageNeverLosesAReportedDurableRecord() throws Exception {
    long images = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      SimNode node = new SimNode(1, random.split());
      Host host = new Host();
      SimLogStore store = SimLogStore.open(node, host);
      Writer writer = new Writer();
      store.writeSync(new WriteBatch(++writer.sequence, new HardState(1, 0, 0), List.of()));
      for (int step = 0; step < STEPS; step++) {
        act(random, host, store, writer);
        for (int k = 0; k < CRASHES_PER_STEP; k++) {
          checkImage(node.fs, random, writer, "seed " + seed + " step " + step);
          images++;
        }
      }
    }
    assertTrue(images > 10_000, "only " + images + " crash images checked");
  }

  /** One step of the writer: an async append, a sync overwrite, or time passing. */
  private static void act(SplittableRandom random, Host host, SimLogStore store, Writer writer)
      throws StorageException {
    int choice = random.nextInt(10);
    if (choice < 5) {
      List<Entry> entries = new ArrayList<>();
      int count = 1 + random.nextInt(4);
      for (int k = 0; k < count; k++) {
        entries.add(entry(writer.log.size() + 1, writer.term, random));
        writer.log.add(entries.get(k));
      }
      WriteBatch batch = new WriteBatch(++writer.sequence, null, entries);
      writer.batches.add(batch);
      store.submit(batch);
    } else if (choice < 6 && !writer.log.isEmpty()) {
      // A new term and a vote, and an overwrite of the tail: a sync write (DURABILITY.md).
      writer.term++;
      writer.vote = 1 + random.nextInt(3);
      int from = 1 + random.nextInt(writer.log.size());
      while (writer.log.size() >= from) {
        writer.log.remove(writer.log.size() - 1);
      }
      writer.durable = Math.min(writer.durable, from - 1);
      List<Entry> entries = List.of(entry(from, writer.term, random));
      writer.log.addAll(entries);
      WriteBatch batch =
          new WriteBatch(++writer.sequence, new HardState(writer.term, writer.vote, 0), entries);
      writer.batches.add(batch);
      store.writeSync(batch);
      writer.durable = writer.log.size();
    } else {
      host.now += 1 + random.nextInt(20);
      while (!host.events.isEmpty() && host.events.peek().time() <= host.now) {
        SimLogStore.DiskEvent event = host.events.poll().event();
        if (event.completion()) {
          writer.completed(event.sequence());
        } else {
          store.handle(event);
        }
      }
    }
  }

  private static Entry entry(long index, long term, SplittableRandom random) {
    byte[] data = new byte[1 + random.nextInt(60)];
    random.nextBytes(data);
    return Entry.command(index, term, data);
  }

  /** Crashes a copy of the disk and holds what recovery gives back to what the writer was told. */
  private static void checkImage(
      MemoryFileSystem disk, SplittableRandom random, Writer writer, String where)
      throws IOException {
    MemoryFileSystem image = disk.copy();
    if (random.nextInt(3) == 0) {
      // A process kill: the whole image survives; recovery hands it all back, and from then on
      // the restarted core treats all of it as durable. A power loss later must not take it back.
      List<Entry> handedBack;
      try (WriteAheadLog recovered = WriteAheadLog.open(image, SimLogStore.WAL_OPTIONS)) {
        handedBack = entries(recovered);
        assertEquals(writer.log, handedBack, where + ": a process kill lost written entries");
      }
      image.crash(random);
      try (WriteAheadLog recovered = WriteAheadLog.open(image, SimLogStore.WAL_OPTIONS)) {
        List<Entry> after = entries(recovered);
        assertTrue(
            after.size() >= handedBack.size()
                && after.subList(0, handedBack.size()).equals(handedBack),
            where + ": recovery handed back 1.." + handedBack.size() + " after a process kill,"
                + " and a power loss then left 1.." + after.size());
      }
      return;
    }
    image.crash(random);
    try (WriteAheadLog recovered = WriteAheadLog.open(image, SimLogStore.WAL_OPTIONS)) {
      List<Entry> entries = entries(recovered);
      assertTrue(
          entries.size() >= writer.durable,
          where + ": entries 1.." + writer.durable + " were reported durable, 1.." + entries.size()
              + " recovered");
      assertTrue(
          entries.size() <= writer.log.size()
              && writer.log.subList(0, entries.size()).equals(entries),
          where + ": recovered 1.." + entries.size() + ", not a prefix of the log written");
      assertEquals(writer.term, recovered.hardState().currentTerm(), where + ": synced term lost");
      assertEquals(writer.vote, recovered.hardState().votedFor(), where + ": synced vote lost");
    }
  }

  private static List<Entry> entries(WriteAheadLog log) {
    return log.lastIndex() < 1 ? List.of() : log.entries(1, log.lastIndex(), Long.MAX_VALUE);
  }
}
