package io.raftkv.jepsen.nemesis;

import io.raftkv.jepsen.client.HistoryRecorder;
import io.raftkv.jepsen.db.LocalDb;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Jepsen's nemesis: one fault at a time, chosen from the mix with the run's seed. It waits
 * {@code interval}, starts a fault, holds it {@code duration}, heals it, and so on until the end
 * of the fault phase. Each start and heal is recorded in the history ({@code :nemesis :info}) and
 * as a {@link Window} for the report's shading.
 */
public final class Nemesis implements Runnable {
  /** A fault's span, in recorder time. */
  public record Window(FaultKind kind, String description, long startNanos, long endNanos) {}

  /**
   * What a damaged node did on restart.
   *
   * @param recovered true: it started and answered; false: it refused to start
   * @param detail its refusal (the line naming file and offset), or its recovery
   */
  public record DamageOutcome(int node, FaultKind kind, String damage, boolean recovered, String detail) {}

  private static final Duration RESTART_LIMIT = Duration.ofSeconds(60);

  private final LocalDb db;
  private final Nftables nftables;
  private final List<FaultKind> kinds;
  private final Duration interval;
  private final Duration duration;
  private final SplittableRandom random;
  private final HistoryRecorder recorder;
  private final Consumer<String> log;
  private final long endNanos;
  private final List<Window> windows = new ArrayList<>();
  private final List<DamageOutcome> damages = new ArrayList<>();
  private volatile boolean stopped;

  public Nemesis(LocalDb db, Nftables nftables, List<FaultKind> kinds, Duration interval, Duration duration,
      long seed, HistoryRecorder recorder, Consumer<String> log, long endNanos) {
    this.db = db;
    this.nftables = nftables;
    this.kinds = List.copyOf(kinds);
    this.interval = interval;
    this.duration = duration;
    this.random = new SplittableRandom(seed ^ 0x6e656d65736973L);
    this.recorder = recorder;
    this.log = log;
    this.endNanos = endNanos;
  }

  @Override
  public void run() {
    if (kinds.isEmpty()) {
      return;
    }
    while (waitUntil(recorder.now() + interval.toNanos()) && recorder.now() < endNanos) {
      FaultKind kind = choose();
      Fault fault;
      try {
        fault = start(kind);
      } catch (IOException | RuntimeException failed) {
        log.accept("nemesis: could not start " + kind.option() + ": " + failed.getMessage());
        continue;
      }
      waitUntil(Math.min(recorder.now() + duration.toNanos(), endNanos));
      heal(fault);
    }
  }

  /**
   * A family first (partition, kill, pause, transfer, damage: equally likely among those in the mix), then a
   * kind within it; so {@code partition,kill} kills about as often as it partitions, rather than
   * once in six faults.
   */
  private FaultKind choose() {
    List<String> families = kinds.stream().map(FaultKind::family).distinct().toList();
    String family = families.get(random.nextInt(families.size()));
    List<FaultKind> members = kinds.stream().filter(kind -> kind.family().equals(family)).toList();
    return members.get(random.nextInt(members.size()));
  }

  /** Stops the schedule; the fault in progress is healed by {@link #run} before it returns. */
  public void stop() {
    stopped = true;
  }

  private boolean waitUntil(long nanos) {
    long wait;
    while (!stopped && (wait = nanos - recorder.now()) > 0) {
      LockSupport.parkNanos(Math.min(wait, 20_000_000L));
    }
    return !stopped;
  }

  /** A fault in progress: how to heal it. */
  private record Fault(FaultKind kind, String description, long startNanos, Healing healing) {}

  @FunctionalInterface
  private interface Healing {
    String heal() throws IOException;
  }

  private Fault start(FaultKind kind) throws IOException {
    long start = recorder.now();
    Fault fault = switch (kind) {
      case PARTITION_HALVES, PARTITION_RING, PARTITION_BRIDGE, PARTITION_LEADER, PARTITION_ONE -> partition(kind,
          start);
      case KILL -> kill(start);
      case PAUSE -> pause(start);
      case TRANSFER -> transfer(start);
      case TRUNCATE, BITFLIP -> damage(kind, start);
      case MEMBERSHIP -> throw new IllegalArgumentException("membership changes run on their own schedule");
    };
    recorder.nemesis("start-" + kind.option(), fault.description());
    log.accept("nemesis: " + kind.option() + ": " + fault.description());
    return fault;
  }

  private void heal(Fault fault) {
    String how;
    try {
      how = fault.healing().heal();
    } catch (IOException | RuntimeException failed) {
      how = "heal failed: " + failed.getMessage();
    }
    recorder.nemesis("stop-" + fault.kind().option(), how);
    log.accept("nemesis: healed " + fault.kind().option() + ": " + how);
    synchronized (windows) {
      windows.add(new Window(fault.kind(), fault.description(), fault.startNanos(), recorder.now()));
    }
  }

  private Fault partition(FaultKind kind, long start) throws IOException {
    List<Integer> nodes = db.members();
    Grudge grudge = switch (kind) {
      case PARTITION_HALVES -> Grudge.halves(nodes, random);
      case PARTITION_RING -> Grudge.majoritiesRing(nodes, random);
      case PARTITION_BRIDGE -> Grudge.bridge(nodes, random);
      case PARTITION_LEADER -> Grudge.isolate(nodes, db.leader().orElse(pick(nodes)));
      default -> Grudge.isolate(nodes, pick(nodes));
    };
    nftables.apply(grudge);
    return new Fault(kind, grudge.describe(), start, () -> {
      Nftables.heal();
      return "partition removed";
    });
  }

  private int pick(List<Integer> nodes) {
    return nodes.get(random.nextInt(nodes.size()));
  }

  /**
   * The leader half the time (when one is known), else any member; held (so a membership change
   * leaves it alone) until the fault is healed.
   */
  private int target() throws IOException {
    Optional<Integer> leader = random.nextBoolean() ? db.leader() : Optional.empty();
    if (leader.isPresent() && db.hold(leader.get())) {
      return leader.get();
    }
    return holdAny();
  }

  /** A member no other fault or membership change holds, now held. */
  private int holdAny() throws IOException {
    List<Integer> free = new ArrayList<>(db.members());
    free.removeAll(db.held());
    while (!free.isEmpty()) {
      int node = free.remove(random.nextInt(free.size()));
      if (db.hold(node)) {
        return node;
      }
    }
    throw new IOException("every member is held by a membership change");
  }

  private Fault kill(long start) throws IOException {
    int node = target();
    db.kill(node);
    return new Fault(FaultKind.KILL, "node " + node + " killed (SIGKILL)", start, released(node, () -> restart(node)));
  }

  /** The healing, then the node is free for membership changes again. */
  private Healing released(int node, Healing healing) {
    return () -> {
      try {
        return healing.heal();
      } finally {
        db.release(node);
      }
    };
  }

  private Fault pause(long start) throws IOException {
    int node = target();
    try {
      db.pause(node);
    } catch (IOException | RuntimeException failed) {
      db.release(node);
      throw failed;
    }
    return new Fault(FaultKind.PAUSE, "node " + node + " paused (SIGSTOP)", start, released(node, () -> {
      db.resume(node);
      return "node " + node + " resumed (SIGCONT)";
    }));
  }

  /**
   * The leader hands leadership to another node (TimeoutNow once that node's log is complete);
   * nothing to heal: the window is how long the cluster had to settle under the new leader.
   */
  private Fault transfer(long start) throws IOException {
    int leader = db.leader().orElseThrow(() -> new IOException("no leader to transfer from"));
    List<Integer> others = db.voters().stream().filter(id -> id != leader).toList();
    if (others.isEmpty()) {
      throw new IOException("no other voter to hand over to");
    }
    int target = others.get(random.nextInt(others.size()));
    String asked = db.transferLeadership(leader, target);
    return new Fault(FaultKind.TRANSFER, "leader " + leader + " asked to hand over to node " + target + ": " + asked,
        start, () -> db.leader().map(now -> "node " + now + " leads").orElse("no leader known"));
  }

  private String restart(int node) throws IOException {
    if (!db.running(node)) {
      db.start(node);
    }
    boolean answering = db.awaitAnswering(node, RESTART_LIMIT);
    return "node " + node + (answering ? " restarted" : " restarted but not answering: " + db.tail(node, 2));
  }

  private Fault damage(FaultKind kind, long start) throws IOException {
    int node = holdAny();
    try {
      return damage(kind, start, node);
    } catch (IOException | RuntimeException failed) {
      db.release(node);
      throw failed;
    }
  }

  private Fault damage(FaultKind kind, long start, int node) throws IOException {
    db.kill(node);
    Path data = db.dataDirectory(node);
    Path backup = data.resolveSibling(data.getFileName() + ".before-damage");
    LocalDb.deleteTree(backup);
    DataDamage.copy(data, backup);
    Optional<DataDamage.Done> done = kind == FaultKind.TRUNCATE ? DataDamage.truncateTail(data, random)
        : DataDamage.flipBit(data, random);
    String description = "node " + node + " killed; " + done.map(DataDamage.Done::what)
        .orElse("nothing to damage yet (too few records)");
    return new Fault(kind, description, start, released(node, () -> restartDamaged(node, kind, done, data, backup)));
  }

  /** Restarts a damaged node: it must recover or refuse; a refusal is recorded and the copy put back. */
  private String restartDamaged(int node, FaultKind kind, Optional<DataDamage.Done> done, Path data, Path backup)
      throws IOException {
    long mark = db.outputSize(node);
    db.start(node);
    boolean answering = db.awaitAnswering(node, RESTART_LIMIT);
    if (done.isEmpty()) {
      LocalDb.deleteTree(backup);
      return "node " + node + " restarted (undamaged)";
    }
    if (answering) {
      damages.add(new DamageOutcome(node, kind, done.get().what(), true, "recovered and answered"));
      LocalDb.deleteTree(backup);
      return "node " + node + " recovered";
    }
    String refusal = refusal(node, mark);
    damages.add(new DamageOutcome(node, kind, done.get().what(), false, refusal));
    db.kill(node);
    LocalDb.deleteTree(data);
    DataDamage.copy(backup, data);
    LocalDb.deleteTree(backup);
    return "node " + node + " refused to start (exit " + db.exitCode(node).orElse(-1) + ": " + refusal
        + "); undamaged copy put back: " + restart(node);
  }

  /** The line of this start's output that says why the node refused, or the output's tail. */
  private String refusal(int node, long mark) {
    String output = db.outputSince(node, mark).strip();
    for (String line : output.split("\n")) {
      if (line.contains("cannot start")) {
        return line.strip();
      }
    }
    return output.isEmpty() ? "no output; last lines: " + db.tail(node, 3).strip().replace('\n', ' ')
        : output.lines().reduce((first, second) -> second).orElse("");
  }

  public List<Window> windows() {
    synchronized (windows) {
      return List.copyOf(windows);
    }
  }

  public List<DamageOutcome> damages() {
    return List.copyOf(damages);
  }
}
