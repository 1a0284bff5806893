package io.raftkv.cli;

import io.raftkv.core.RaftObserver;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;

/**
 * Opens an NDJSON trace file as a {@link RaftObserver}.
 *
 * <p>The writer lives in the trace-check module, which depends on impl; impl cannot depend on it,
 * so commands in impl (such as {@code raftkv sim --trace FILE}) find an implementation with
 * {@link java.util.ServiceLoader}: trace-check lists its class in
 * {@code META-INF/services/io.raftkv.cli.TraceWriterFactory}. Callers must say clearly when no
 * implementation is on the class path.
 */
public interface TraceWriterFactory {

  /**
   * Creates (or truncates) {@code file} and returns an observer that writes one line per event it
   * receives, in the order received. Closing it flushes and closes the file.
   */
  TraceWriter open(Path file) throws IOException;

  /**
   * As {@link #open(Path)}, the file starting with a header that names the cluster: its servers,
   * PreVote and initial voters (what {@code raftkv sim --trace} knows of the seed it traces).
   */
  TraceWriter open(Path file, ClusterHeader header) throws IOException;

  /**
   * What a trace's header says about the cluster.
   *
   * @param servers the number of servers (ids 1..servers), spares that may join later included
   * @param preVote whether elections start with a pre-vote round
   * @param voters  the initial voters (the spec's InitVoters), ascending ids among 1..servers
   * @param leaseReads whether the servers run lease reads (the spec's LeaseReads)
   */
  record ClusterHeader(int servers, boolean preVote, List<Integer> voters, boolean leaseReads) {
    /** A cluster without lease reads. */
    public ClusterHeader(int servers, boolean preVote, List<Integer> voters) {
      this(servers, preVote, voters, false);
    }

    public ClusterHeader {
      voters = List.copyOf(voters);
      if (servers < 1 || voters.isEmpty()) {
        throw new IllegalArgumentException("a cluster of " + servers + " servers with initial voters " + voters);
      }
      for (int k = 0; k < voters.size(); k++) {
        if (voters.get(k) < 1 || voters.get(k) > servers || (k > 0 && voters.get(k - 1) >= voters.get(k))) {
          throw new IllegalArgumentException("voters must be ascending ids among 1.." + servers + ", got " + voters);
        }
      }
    }
  }

  /**
   * Creates (or truncates) {@code file} for the trace of one incarnation (one process lifetime) of
   * one node of a real cluster: a header naming the node, the cluster and the incarnation, then one
   * line per event stamped with the node's clock and the number of the input it belongs
   * to, each line handed to the operating system before the event's effects can leave the process
   * (so a kill -9 loses no line whose effects were seen). trace-check/README.md, "Traces of a real
   * cluster", says how such files are merged and why the merge is sound.
   */
  NodeTraceWriter openNode(Path file, NodeTrace node) throws IOException;

  /**
   * What a node's trace says about the node.
   *
   * @param node          the node's id
   * @param servers       the cluster's size (ids 1..servers), spares that may join later included
   * @param voters        the initial voters ({@code Config.members()}, the spec's InitVoters),
   *                      ascending; the other servers start as no member
   * @param preVote       whether the node runs PreVote
   * @param startedMicros when this incarnation started (wall clock, microseconds since the epoch):
   *                      orders the incarnations of one node
   * @param lamport       the process's hybrid logical clock: each call returns its next stamp,
   *                      above every earlier one; the same clock stamps the messages the node sends
   *                      and moves past the stamps of those it takes in
   * @param leaseReads    whether the node runs lease reads (the spec's LeaseReads)
   */
  record NodeTrace(int node, int servers, List<Integer> voters, boolean preVote, long startedMicros,
      LongSupplier lamport, boolean leaseReads) {
    /** A node without lease reads. */
    public NodeTrace(int node, int servers, List<Integer> voters, boolean preVote, long startedMicros,
        LongSupplier lamport) {
      this(node, servers, voters, preVote, startedMicros, lamport, false);
    }

    public NodeTrace {
      if (node < 1 || servers < node) {
        throw new IllegalArgumentException("node " + node + " is not among servers 1.." + servers);
      }
      if (lamport == null) {
        throw new IllegalArgumentException("a node trace needs the process's Lamport clock");
      }
      voters = List.copyOf(voters);
      if (voters.isEmpty()) {
        throw new IllegalArgumentException("a cluster needs at least one initial voter");
      }
      for (int k = 0; k < voters.size(); k++) {
        if (voters.get(k) < 1 || voters.get(k) > servers || (k > 0 && voters.get(k - 1) >= voters.get(k))) {
          throw new IllegalArgumentException("voters must be ascending ids among 1.." + servers + ", got " + voters);
        }
      }
    }

    /** A node of a cluster whose servers are all initial voters. */
    public NodeTrace(int node, int servers, boolean preVote, long startedMicros, LongSupplier lamport) {
      this(node, servers, IntStream.rangeClosed(1, servers).boxed().toList(), preVote, startedMicros, lamport,
          false);
    }
  }

  /** A trace-writing observer that must be closed to flush the file. */
  interface TraceWriter extends RaftObserver, Closeable {}

  /** A node's trace: also told where one input of the node's loop ends and the next begins. */
  interface NodeTraceWriter extends TraceWriter {
    /** The events from now on belong to the next input. */
    void nextInput();

    /**
     * The node stopped on its own (fail-stop): closing the file will end it with
     * {@code {"failStop": cause}} rather than {@code {"closed":true}}, so a merge treats the last
     * input as it treats a kill's (its write may have failed).
     */
    void failStopped(String cause);
  }
}
