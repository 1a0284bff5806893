package io.raftkv.jepsen.client;

import io.raftkv.jepsen.generator.PlannedOp;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * A client bound to one voter, as Jepsen binds a client to a node, that moves to another voter
 * between two ops once its node has left the configuration (as the membership nemesis last
 * observed it). The op in flight when the node is removed ends as the node answers: a 503
 * {@code not_member} or a refused connection after it is stopped, retried on that node until the
 * op's deadline, so fail (nothing can have been appended) or info, never a hang. Moving between
 * ops changes nothing Jepsen's rules care about: the process has no op open then. Thread t is
 * bound to voter t mod |voters|, so the threads stay spread over the voters.
 */
public final class MemberBoundClient implements KvClient {
  private final int thread;
  private final Supplier<List<Integer>> voters;
  private final IntFunction<KvClient> onNode;
  private int node;
  private KvClient client;

  /**
   * @param voters the voters as last observed (never empty)
   * @param onNode a client bound to the given node
   */
  public MemberBoundClient(int thread, Supplier<List<Integer>> voters, IntFunction<KvClient> onNode) {
    this.thread = thread;
    this.voters = voters;
    this.onNode = onNode;
    bind(voters.get());
  }

  private void bind(List<Integer> now) {
    node = now.get(Math.floorMod(thread, now.size()));
    client = onNode.apply(node);
  }

  /** The node the client is bound to now. */
  public int node() {
    return node;
  }

  @Override
  public Completion invoke(PlannedOp op) {
    List<Integer> now = voters.get();
    if (!now.contains(node)) {
      client.close();
      bind(now);
    }
    return client.invoke(op);
  }

  @Override
  public void close() {
    client.close();
  }
}
