package io.raftkv.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * The liveness phase's leader changes, each held to its bounds. A leader change is measured from
 * the heal, or from a failover (the leader crashes), until a leader is elected that then stays in
 * office for {@link #SETTLE_ELECTION_TIMEOUTS} maximum election timeouts. All of it happens on the
 * healed network (no loss, delays far below an election timeout: Raft's timing requirement, paper
 * §5.6), where each bound below has a reason to hold.
 *
 * <p>The simulation reports the events that matter ({@link #elected}, {@link #campaigned}) and asks
 * after every event whether a bound is broken ({@link #check}).
 */
final class LeaderChanges {

  /**
   * What one leader change may take.
   *
   * @param electionTimeouts the settled leader is elected within this many maximum election
   *     timeouts ({@code electionTimeoutTicksMax}) of the heal or failover
   * @param elections at most this many elections: terms in which some node campaigned (the
   *     candidates of one term are one election)
   * @param leaders at most this many leaders elected, the settled one included: a leader elected on
   *     the healed network is deposed only when something is wrong
   */
  record Bounds(int electionTimeouts, int elections, int leaders) {}

  /**
   * After a failover every node is in the leader's term and up to date with it, so only split
   * votes cost extra elections: with integer timeouts drawn from as few as five values, candidates
   * often tie. Over seeds 1..2000 (4,000 failovers) a correct core took at most 3 election
   * timeouts and 4 elections, and always elected one leader; the bounds leave room for rarer ties.
   * One leader is what catches a voter that does not reset its election timer when it grants a
   * vote: it times out a few message delays after the winner's election and deposes it (a core
   * with that bug fails 134 of seeds 1..2000 here, and nothing else in the simulator notices it).
   */
  static final Bounds AFTER_FAILOVER = new Bounds(5, 6, 1);

  /**
   * After the heal a node that was cut off may rejoin behind the others or with a higher term.
   * Without PreVote it campaigns again and again and cannot win, each of its terms restarts the
   * others' election timers (they adopt its term), and with a higher term it may depose a leader
   * just elected; so the heal is allowed more: over seeds 1..2000 a correct core took at most 5
   * election timeouts and 9 elections, and up to 2 leaders.
   */
  static final Bounds AFTER_HEAL = new Bounds(8, 12, Integer.MAX_VALUE);

  /** A leader is settled once it has stayed in office this many maximum election timeouts. */
  static final int SETTLE_ELECTION_TIMEOUTS = 2;

  /** Whether a node still leads in a term (the simulation's view of its nodes). */
  interface Cluster {
    boolean leads(int node, long term);
  }

  private final int electionTimeoutTicksMax;
  private final List<SimulationResult.LeaderChange> settledChanges = new ArrayList<>();

  private String name = "";
  private boolean failover;
  private long start;
  /** Terms in which a node campaigned during this change: its elections. */
  private final HashSet<Long> electionTerms = new HashSet<>();
  private int leaders;
  private boolean settled;
  /** The leader this change is watching (0 if none), its term and when it took office (or -1). */
  private int leaderNode;
  private long leaderTerm;
  private long leaderSince = -1;

  LeaderChanges(int electionTimeoutTicksMax) {
    this.electionTimeoutTicksMax = electionTimeoutTicksMax;
  }

  /**
   * A leader change begins at {@code now} (in simulator units); {@code leader} is a node that leads
   * already (in {@code term}), or 0: one that keeps its office settles the change at once.
   */
  void begin(String changeName, boolean afterFailover, long now, int leader, long term) {
    name = changeName;
    failover = afterFailover;
    start = now;
    electionTerms.clear();
    leaders = 0;
    settled = false;
    leaderNode = leader;
    leaderTerm = term;
    leaderSince = leader == 0 ? -1 : now;
  }

  void elected(int node, long term, long now) {
    leaderNode = node;
    leaderTerm = term;
    leaderSince = now;
    leaders++;
  }

  void campaigned(long term) {
    electionTerms.add(term);
  }

  boolean settled() {
    return settled;
  }

  boolean failover() {
    return failover;
  }

  String name() {
    return name;
  }

  /** The changes that settled, in order. */
  List<SimulationResult.LeaderChange> settledChanges() {
    return settledChanges;
  }

  /**
   * After every event until the change settles: what bound is broken (a sentence), or null. Marks
   * the change settled once its leader has stayed in office long enough.
   */
  String check(long now, Cluster cluster) {
    if (settled) {
      return null;
    }
    if (leaderNode != 0 && !cluster.leads(leaderNode, leaderTerm)) {
      leaderNode = 0;
      leaderSince = -1;
    }
    Bounds bounds = failover ? AFTER_FAILOVER : AFTER_HEAL;
    long timeoutUnits = (long) electionTimeoutTicksMax * Simulation.TICK_UNITS;
    String broken = null;
    if (leaders > bounds.leaders()) {
      broken = leaders + " leaders elected (bound " + bounds.leaders() + "): a leader elected on"
          + " the healed network was deposed";
    } else if (electionTerms.size() > bounds.elections()) {
      broken = electionTerms.size() + " elections (bound " + bounds.elections() + ")";
    } else if ((leaderSince < 0 ? now : leaderSince) - start
        > bounds.electionTimeouts() * timeoutUnits) {
      broken = "no leader in office within " + bounds.electionTimeouts() + " election timeouts of "
          + electionTimeoutTicksMax + " ticks (the bound)";
    }
    if (broken != null) {
      return broken + " for one leader change " + name + ", "
          + (now - start) / Simulation.TICK_UNITS + " ticks in, after " + electionTerms.size()
          + " elections and " + leaders + " leaders";
    }
    if (leaderSince >= 0 && now - leaderSince >= SETTLE_ELECTION_TIMEOUTS * timeoutUnits) {
      settled = true;
      settledChanges.add(
          new SimulationResult.LeaderChange(
              failover,
              electionTerms.size(),
              leaders,
              (leaderSince - start) / Simulation.TICK_UNITS,
              electionTimeoutTicksMax));
    }
    return null;
  }
}
