package io.raftkv.jepsen.nemesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The membership nemesis's choice of the next change, a pure function of the configuration the
 * leader reports, the servers of the address book, the voters the run must keep, the nodes another
 * fault holds, the last change made and the seeded random source. Nothing here talks to a server.
 *
 * <p>The rules: a joint or uncommitted configuration is left to settle (the leader leaves the joint
 * configuration by itself; a second change is refused until then). A learner left by an add that
 * timed out is promoted first, so no server stays a learner for long. Otherwise adds and removes
 * alternate: an add needs a server of the address book that is no member (a spare, or a server
 * removed earlier), a remove needs more than {@code minimumVoters} voters, so the voters never drop
 * below the run's {@code --nodes}. A remove takes the leader half the time (when it is not held by
 * another fault), since a leader that removes itself leads the joint phase and then steps down,
 * the path with the most to get wrong; else any voter no other fault holds.
 */
public final class MembershipPlan {
  private MembershipPlan() {}

  /** A configuration as a leader reports it. */
  public record View(Set<Integer> voters, Set<Integer> outgoing, Set<Integer> learners, boolean committed,
      int leader) {
    public View {
      voters = Set.copyOf(voters);
      outgoing = Set.copyOf(outgoing);
      learners = Set.copyOf(learners);
    }

    public boolean joint() {
      return !outgoing.isEmpty();
    }

    public boolean isMember(int server) {
      return voters.contains(server) || outgoing.contains(server) || learners.contains(server);
    }
  }

  /** What to do next. */
  public sealed interface Step {
    /** Add {@code node}: start it, add it as a learner, promote it once caught up. */
    record Add(int node) implements Step {}

    /** Promote the learner {@code node} (what is left of an add that timed out). */
    record Promote(int node) implements Step {}

    /** Remove the voter {@code node}; {@code leader} says whether it leads. */
    record Remove(int node, boolean leader) implements Step {}

    /** Nothing now, and why. */
    record Wait(String reason) implements Step {}
  }

  /** Which change the last cycle made: the next one is the other, when both are possible. */
  public enum Last { NONE, ADD, REMOVE }

  /**
   * @param servers every server of the address book (voters, spares, removed servers)
   * @param minimumVoters the voters the run keeps at least (its --nodes)
   * @param held nodes another fault holds now (killed, paused, damaged): neither added nor removed
   */
  public static Step next(View view, List<Integer> servers, int minimumVoters, Set<Integer> held, Last last,
      SplittableRandom random) {
    if (view.joint() || !view.committed()) {
      return new Step.Wait("the configuration is not settled yet: " + describe(view));
    }
    for (int learner : new TreeSet<>(view.learners())) {
      if (!held.contains(learner)) {
        return new Step.Promote(learner);
      }
    }
    List<Integer> spares = servers.stream().filter(id -> !view.isMember(id) && !held.contains(id)).toList();
    List<Integer> removable = new TreeSet<>(view.voters()).stream().filter(id -> !held.contains(id)).toList();
    boolean canAdd = !spares.isEmpty();
    boolean canRemove = view.voters().size() > minimumVoters && !removable.isEmpty();
    if (!canAdd && !canRemove) {
      return new Step.Wait("no spare to add and no voter to remove above " + minimumVoters + " voters: "
          + describe(view) + (held.isEmpty() ? "" : ", held by other faults " + new TreeSet<>(held)));
    }
    boolean add = canAdd && (!canRemove || last != Last.ADD);
    if (add) {
      return new Step.Add(spares.get(random.nextInt(spares.size())));
    }
    boolean leaderRemovable = removable.contains(view.leader());
    if (leaderRemovable && random.nextBoolean()) {
      return new Step.Remove(view.leader(), true);
    }
    int node = removable.get(random.nextInt(removable.size()));
    return new Step.Remove(node, node == view.leader());
  }

  static String describe(View view) {
    List<String> parts = new ArrayList<>();
    parts.add("voters " + new TreeSet<>(view.voters()));
    if (view.joint()) {
      parts.add("and " + new TreeSet<>(view.outgoing()) + " (joint)");
    }
    if (!view.learners().isEmpty()) {
      parts.add("learners " + new TreeSet<>(view.learners()));
    }
    return String.join(" ", parts) + (view.committed() ? "" : " (not yet committed)");
  }
}
