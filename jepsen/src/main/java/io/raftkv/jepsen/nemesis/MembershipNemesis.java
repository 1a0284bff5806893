package io.raftkv.jepsen.nemesis;

import io.raftkv.client.MembershipReport;
import io.raftkv.client.Outcome;
import io.raftkv.jepsen.client.HistoryRecorder;
import io.raftkv.jepsen.db.LocalDb;
import io.raftkv.jepsen.history.Op;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Membership churn (thesis §4.3), on its own schedule beside the other faults, so that a change
 * can run into a partition or a kill: every {@code interval} it asks {@link MembershipPlan} for the
 * next change and makes it the way {@code raftkv cluster add|remove} does, each step watched
 * through the leader's GET /v1/admin/members:
 * <ul>
 *   <li>add N ({@code :member-add}): start N's process (over its data directory as it was left),
 *       add it as a learner, wait until that is committed, promote it (the joint configuration),
 *       asking again while the leader answers that it is not caught up, wait until the joint
 *       configuration is left with N a voter;
 *   <li>remove N ({@code :member-remove}): ask for the removal (through the joint configuration;
 *       the leader may remove itself), wait until a leader other than N reports a committed
 *       configuration without N, then stop N's process (SIGTERM): until then N may be needed in
 *       the old half of the joint quorum.
 * </ul>
 * Each change is an {@code :invoke} with the node and an {@code :info} saying what happened (done,
 * refused, or timed out with the leader's view), both of process {@code :nemesis}, and a window
 * for the report. Every wait has a deadline, so a change that a partition or a kill holds up ends
 * {@code :info} ("timed out ... the leader reports ...") and the schedule goes on.
 *
 * <p>A removed server keeps its data directory and is started over it when it is added again: its
 * id names its persistent state (term, vote, log), which Raft assumes survives, and a server
 * wiped under the same id could vote a second time in a term it voted in (and the spec has no
 * action that wipes a server, so its trace could not be checked). Rejoining with a stale log, a
 * configuration that excludes it and a term behind is also the harder path: the leader's probe
 * cuts its stale tail or sends the snapshot.
 */
public final class MembershipNemesis implements Runnable {
  private static final long POLL_NANOS = 50_000_000L;
  private static final Duration START_LIMIT = Duration.ofSeconds(60);

  private final LocalDb db;
  private final int minimumVoters;
  private final Duration interval;
  private final Duration changeLimit;
  private final SplittableRandom random;
  private final HistoryRecorder recorder;
  private final Consumer<String> log;
  private final long endNanos;
  private final List<Nemesis.Window> windows = new ArrayList<>();
  private MembershipPlan.Last last = MembershipPlan.Last.NONE;
  private volatile boolean stopped;

  /**
   * @param minimumVoters the voters the run keeps at least (its --nodes)
   * @param changeLimit the longest a whole change may take before it is recorded as timed out
   */
  public MembershipNemesis(LocalDb db, int minimumVoters, Duration interval, Duration changeLimit, long seed,
      HistoryRecorder recorder, Consumer<String> log, long endNanos) {
    this.db = db;
    this.minimumVoters = minimumVoters;
    this.interval = interval;
    this.changeLimit = changeLimit;
    this.random = new SplittableRandom(seed ^ 0x6d656d62657273L);
    this.recorder = recorder;
    this.log = log;
    this.endNanos = endNanos;
  }

  @Override
  public void run() {
    while (pause(recorder.now() + interval.toNanos()) && recorder.now() < endNanos) {
      try {
        cycle();
      } catch (IOException | RuntimeException failed) {
        log.accept("nemesis: membership: " + failed);
      }
    }
  }

  /**
   * Stops the schedule; a change in progress goes on until it is done or its own deadline passes
   * (as a Jepsen nemesis completes the op it has begun), so the run waits at most one change.
   */
  public void stop() {
    stopped = true;
  }

  private void cycle() throws IOException {
    Optional<MembershipReport> seen = db.leaderView();
    if (seen.isEmpty()) {
      log.accept("nemesis: membership: no leader reports a configuration; nothing changed");
      return;
    }
    MembershipReport view = seen.get();
    db.observe(view);
    retireNonMembers(view);
    MembershipPlan.Step step = MembershipPlan.next(planView(view), db.ids(), minimumVoters, db.held(), last, random);
    switch (step) {
      case MembershipPlan.Step.Add add -> change("member-add", add.node(), () -> add(add.node(), view));
      case MembershipPlan.Step.Promote promote -> change("member-add", promote.node(),
          () -> promote(promote.node(), System.nanoTime() + changeLimit.toNanos()));
      case MembershipPlan.Step.Remove remove -> change("member-remove", remove.node(),
          () -> remove(remove.node(), remove.leader()));
      case MembershipPlan.Step.Wait wait -> log.accept("nemesis: membership: waiting: " + wait.reason());
    }
  }

  static MembershipPlan.View planView(MembershipReport view) {
    return new MembershipPlan.View(Set.copyOf(view.voters()), Set.copyOf(view.outgoing()),
        Set.copyOf(view.learners()), view.committed(), view.id());
  }

  /** A server still running though no member (a removal that committed after its change timed out): stopped now. */
  private void retireNonMembers(MembershipReport view) {
    if (view.joint() || !view.committed()) {
      return;
    }
    for (int id : db.ids()) {
      if (!view.isMember(id) && db.running(id) && db.hold(id)) {
        try {
          db.stop(id);
          log.accept("nemesis: membership: stopped node " + id + ", no member of " + view.describe());
        } finally {
          db.release(id);
        }
      }
    }
  }

  @FunctionalInterface
  private interface Change {
    String make() throws IOException;
  }

  /** Records one change as an invoke/info pair and a window, holding the node meanwhile. */
  private void change(String f, int node, Change change) {
    if (!db.hold(node)) {
      log.accept("nemesis: membership: node " + node + " is held by another fault; no " + f);
      return;
    }
    long start = recorder.now();
    Op invocation = recorder.nemesisInvoke(f, (long) node);
    log.accept("nemesis: " + f + " " + node);
    String what;
    try {
      what = change.make();
    } catch (IOException | RuntimeException failed) {
      what = "failed: " + failed.getMessage();
    } finally {
      db.release(node);
    }
    recorder.complete(invocation, io.raftkv.jepsen.history.OpType.INFO, what);
    log.accept("nemesis: " + f + " " + node + ": " + what);
    synchronized (windows) {
      windows.add(new Nemesis.Window(FaultKind.MEMBERSHIP, f + " " + node + ": " + what, start, recorder.now()));
    }
    last = f.equals("member-add") ? MembershipPlan.Last.ADD : MembershipPlan.Last.REMOVE;
  }

  private String add(int node, MembershipReport before) throws IOException {
    if (!db.running(node)) {
      // A JVM takes 2-15 s to answer on a loaded 2-core machine: the start has its own allowance,
      // the change's deadline begins once the server answers.
      long mark = db.outputSize(node);
      db.start(node);
      if (!db.awaitAnswering(node, START_LIMIT)) {
        return "node " + node + (db.running(node) ? " started but did not answer in time"
            : " did not start: " + refusal(db.outputSince(node, mark))) + "; not added";
      }
    }
    long deadline = System.nanoTime() + changeLimit.toNanos();
    if (!before.isLearner(node)) {
      Outcome<Long> added = db.changeMembership(LocalDb.ADD_LEARNER, node, remaining(deadline));
      if (!added.isOk()) {
        return "add-learner not done: " + added.describe() + stillRunning(node);
      }
    }
    Optional<MembershipReport> learning = await(deadline, view -> view.isLearner(node) && view.committed());
    if (learning.isEmpty()) {
      return timedOut("node " + node + " to be a learner of a committed configuration");
    }
    // The leader decides when the learner is caught up: it refuses the promotion ("not caught up")
    // until then, and promote() asks again. (Its reported matchIndex of a learner that had installed
    // a snapshot was seen to lag the learner's log for over 10 s, so it is not waited on here.)
    return promote(node, deadline);
  }

  private String promote(int node, long deadline) {
    while (true) {
      Outcome<Long> promoted = db.changeMembership(LocalDb.PROMOTE, node, remaining(deadline));
      if (promoted.isOk()) {
        break;
      }
      if (!promoted.describe().contains("not caught up") || System.nanoTime() > deadline) {
        return "promote not done: " + promoted.describe() + " (node " + node + " stays a learner)";
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
    Optional<MembershipReport> done = await(deadline, view -> view.voters().contains(node) && !view.joint()
        && view.committed());
    return done.map(view -> "node " + node + " is a voter: " + view.describe() + "; leader node " + view.id())
        .orElseGet(() -> timedOut("the joint configuration to be left with node " + node + " a voter"));
  }

  private String remove(int node, boolean leader) {
    long deadline = System.nanoTime() + changeLimit.toNanos();
    Outcome<Long> asked = db.changeMembership(LocalDb.REMOVE, node, remaining(deadline));
    if (!asked.isOk()) {
      return "remove not done: " + asked.describe();
    }
    Optional<MembershipReport> done = await(deadline, view -> view.id() != node && !view.isMember(node)
        && !view.joint() && view.committed());
    if (done.isEmpty()) {
      return timedOut("a committed configuration without node " + node) + "; node " + node + " keeps running";
    }
    db.stop(node);
    return "node " + node + (leader ? " (the leader)" : "") + " removed: " + done.get().describe() + "; leader node "
        + done.get().id() + "; node " + node + " stopped";
  }

  /** The leader's view once it satisfies {@code condition}; empty at the deadline. */
  private Optional<MembershipReport> await(long deadline, Predicate<MembershipReport> condition) {
    while (System.nanoTime() < deadline) {
      Optional<MembershipReport> view = db.leaderView();
      if (view.isPresent()) {
        db.observe(view.get());
        if (condition.test(view.get())) {
          return view;
        }
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
    return Optional.empty();
  }

  private String timedOut(String what) {
    Optional<MembershipReport> now = db.leaderView();
    now.ifPresent(db::observe);
    return "timed out after " + changeLimit.toSeconds() + " s waiting for " + what + "; " + now.map(view -> "the leader, node " + view.id() + ", reports "
        + view.describe()).orElse("no node leads");
  }

  /** The line of a start's output saying why the server refused to start, else its last line. */
  private static String refusal(String output) {
    List<String> lines = output.strip().lines().toList();
    return lines.stream().filter(line -> line.contains("cannot start")).findFirst()
        .orElse(lines.isEmpty() ? "no output" : lines.get(lines.size() - 1)).strip();
  }

  private String stillRunning(int node) {
    return db.running(node) ? " (node " + node + " runs, no member; stopped at the next change)" : "";
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(100_000_000L, deadline - System.nanoTime()));
  }

  private boolean pause(long nanos) {
    long wait;
    while (!stopped && (wait = nanos - recorder.now()) > 0) {
      LockSupport.parkNanos(Math.min(wait, 20_000_000L));
    }
    return !stopped;
  }

  /**
   * After the fault phase: waits (bounded) until a leader reports a settled configuration, stops
   * the servers it does not name, and records it; the final reads and the heal use it.
   */
  public Optional<MembershipReport> settle(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    Optional<MembershipReport> settled = Optional.empty();
    while (settled.isEmpty() && System.nanoTime() < deadline) {
      settled = db.leaderView().filter(view -> !view.joint() && view.committed());
      if (settled.isEmpty()) {
        LockSupport.parkNanos(POLL_NANOS);
      }
    }
    settled.ifPresent(view -> {
      db.observe(view);
      retireNonMembers(view);
    });
    return settled;
  }

  public List<Nemesis.Window> windows() {
    synchronized (windows) {
      return List.copyOf(windows);
    }
  }
}
