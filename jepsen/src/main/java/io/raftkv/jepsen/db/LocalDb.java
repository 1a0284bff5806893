package io.raftkv.jepsen.db;

import io.raftkv.client.Api;
import io.raftkv.client.ClusterFile;
import io.raftkv.client.Endpoint;
import io.raftkv.client.MembershipReport;
import io.raftkv.client.NodeStatus;
import io.raftkv.client.Outcome;
import io.raftkv.client.RaftKvClient;
import io.raftkv.server.NodeProcesses;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Jepsen's db: the cluster's server processes on 127.0.0.1..N, run as {@code raftkv cluster}
 * runs them ({@code NodeProcesses}: the same JVM options and server command line), each with its
 * data in {@code DIR/node-N}, its log in {@code DIR/node-N.log}, its output in
 * {@code DIR/node-N.out}, and an NDJSON trace per incarnation in
 * {@code traces/node-N-<incarnation>.ndjson}, so that the run's traces can be validated afterwards.
 *
 * <p>Processes are started directly as {@code java} (no wrapper script), so the pid this class
 * signals is the server's own: SIGKILL and SIGTERM through {@link ProcessHandle}, SIGSTOP and
 * SIGCONT through {@code kill}.
 *
 * <p>With spares (for the membership nemesis), servers N+1..N+K are in every server's address book
 * ({@code --peers}) but not among the initial voters ({@code --voters 1..N}) and not started: the
 * nemesis starts one when it adds it. The db keeps the configuration as last observed
 * ({@link #observe}): {@link #members} are the servers the other faults, the heal and the final
 * reads work on, {@link #voters} the ones clients are bound to. A node another fault is working on
 * is {@link #hold held}, so the membership nemesis leaves it alone until the fault is healed.
 */
public final class LocalDb implements AutoCloseable {

  private final Path dir;
  private final Path traces;
  private final ClusterFile cluster;
  private final TreeMap<Integer, Process> processes = new TreeMap<>();
  private final TreeMap<Integer, Integer> incarnations = new TreeMap<>();
  private final TreeMap<Integer, Boolean> paused = new TreeMap<>();
  private final TreeSet<Integer> held = new TreeSet<>();
  private volatile List<Integer> voters;
  private volatile List<Integer> members;

  /**
   * @param dir where the nodes' data directories, logs and outputs go
   * @param traces where the traces go
   * @param serverArgs options for every {@code raftkv server} (after the per-node ones)
   * @param jvmArgs options for every server JVM
   */
  public LocalDb(Path dir, Path traces, int nodes, int peerPort, int clientPort, List<String> serverArgs,
      List<String> jvmArgs) throws IOException {
    this(dir, traces, nodes, 0, peerPort, clientPort, serverArgs, jvmArgs);
  }

  /**
   * The same with {@code spares} servers N+1..N+spares known to every server, not started, not
   * voters; {@code traces} null: the servers write no trace.
   */
  public LocalDb(Path dir, Path traces, int nodes, int spares, int peerPort, int clientPort, List<String> serverArgs,
      List<String> jvmArgs) throws IOException {
    if (nodes < 1 || spares < 0 || nodes + spares > 254) {
      throw new IllegalArgumentException("--nodes must be in 1..254 (spares included), got " + nodes + " + "
          + spares);
    }
    this.dir = Files.createDirectories(dir);
    this.traces = traces == null ? null : Files.createDirectories(traces);
    List<ClusterFile.Node> servers = new ArrayList<>();
    List<Integer> initial = new ArrayList<>();
    for (int id = 1; id <= nodes + spares; id++) {
      servers.add(new ClusterFile.Node(id, address(id) + ":" + peerPort, address(id) + ":" + clientPort, 0, ""));
      if (id <= nodes) {
        initial.add(id);
      }
    }
    this.cluster = spares == 0 ? new ClusterFile("raftkv-jepsen", servers, jvmArgs, serverArgs, false)
        : new ClusterFile("raftkv-jepsen", servers, jvmArgs, serverArgs, false, initial, initial);
    this.voters = List.copyOf(initial);
    this.members = List.copyOf(initial);
  }

  public static String address(int id) {
    return "127.0.0." + id;
  }

  /** Every server of the address book: the initial voters and the spares. */
  public List<Integer> ids() {
    return cluster.ids();
  }

  /** The initial voters, 1..N. */
  public List<Integer> initialVoters() {
    return cluster.initialVoters();
  }

  /** The configuration's servers (voters, outgoing voters, learners) as last observed, ascending. */
  public List<Integer> members() {
    return members;
  }

  /** The configuration's voters (incoming and outgoing) as last observed, ascending. */
  public List<Integer> voters() {
    return voters;
  }

  /** Records the configuration a leader reported. */
  public void observe(MembershipReport view) {
    TreeSet<Integer> voting = new TreeSet<>(view.voters());
    voting.addAll(view.outgoing());
    TreeSet<Integer> all = new TreeSet<>(voting);
    all.addAll(view.learners());
    voters = List.copyOf(voting);
    members = List.copyOf(all);
  }

  /** Marks {@code id} as worked on by a fault; false if something else holds it already. */
  public synchronized boolean hold(int id) {
    return held.add(id);
  }

  public synchronized void release(int id) {
    held.remove(id);
  }

  public synchronized Set<Integer> held() {
    return Set.copyOf(held);
  }

  public Endpoint clientEndpoint(int id) {
    return cluster.node(id).clientEndpoint();
  }

  public Path dataDirectory(int id) {
    return NodeProcesses.dataDirectory(dir, id);
  }

  /** Starts node {@code id} (a new incarnation, with its own trace file). */
  public synchronized void start(int id) throws IOException {
    if (running(id)) {
      throw new IllegalStateException("node " + id + " runs already");
    }
    int incarnation = incarnations.merge(id, 1, Integer::sum);
    List<String> command = new ArrayList<>(NodeProcesses.command(dir, cluster, id));
    if (traces != null) {
      command.addAll(List.of("--trace", traces.resolve("node-" + id + "-" + incarnation + ".ndjson")
          .toAbsolutePath().toString()));
    }
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(NodeProcesses.outputFile(dir, id).toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
    processes.put(id, process);
    paused.put(id, false);
  }

  public synchronized boolean running(int id) {
    Process process = processes.get(id);
    return process != null && process.isAlive();
  }

  /** The exit code of node {@code id}'s last process once it has ended, else empty. */
  public synchronized Optional<Integer> exitCode(int id) {
    Process process = processes.get(id);
    return process == null || process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
  }

  /** SIGKILL (a crash: nothing is written out); waits until the process is gone. */
  public synchronized void kill(int id) {
    Process process = processes.get(id);
    if (process != null && process.isAlive()) {
      resume(id); // a stopped process dies of SIGKILL too, but its pipes are released sooner
      NodeProcesses.kill(process.toHandle());
    }
  }

  /** SIGTERM (a clean stop), SIGKILL if it does not end in time. */
  public synchronized void stop(int id) {
    Process process = processes.get(id);
    if (process != null && process.isAlive()) {
      resume(id);
      NodeProcesses.stop(process.toHandle());
    }
  }

  /** SIGSTOP: the process freezes; its sockets stay open and silent. */
  public synchronized void pause(int id) throws IOException {
    Process process = processes.get(id);
    if (process != null && process.isAlive() && !paused.getOrDefault(id, false)) {
      signal("-STOP", process.pid());
      paused.put(id, true);
    }
  }

  /** SIGCONT of a paused node; nothing if it is not paused. */
  public synchronized void resume(int id) {
    Process process = processes.get(id);
    if (process != null && process.isAlive() && paused.getOrDefault(id, false)) {
      try {
        signal("-CONT", process.pid());
      } catch (IOException failed) {
        throw new IllegalStateException("cannot resume node " + id + ": " + failed.getMessage(), failed);
      }
    }
    paused.put(id, false);
  }

  public synchronized boolean paused(int id) {
    return paused.getOrDefault(id, false);
  }

  private static void signal(String signal, long pid) throws IOException {
    try {
      Process kill = new ProcessBuilder("kill", signal, Long.toString(pid)).redirectErrorStream(true).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IOException("kill " + signal + " " + pid + " failed: "
            + new String(kill.getInputStream().readAllBytes()).trim());
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while signalling " + pid, interrupted);
    }
  }

  /** Every status that answers now, by node id. */
  public TreeMap<Integer, NodeStatus> statuses() {
    TreeMap<Integer, NodeStatus> statuses = new TreeMap<>();
    try (RaftKvClient client = RaftKvClient.connect(RaftKvClient.Options.defaults(cluster.clientEndpoints())
        .withAttemptTimeout(Duration.ofMillis(300)))) {
      for (int id : ids()) {
        if (running(id) && !paused(id) && client.status(clientEndpoint(id)) instanceof Outcome.Ok<NodeStatus> ok) {
          statuses.put(id, ok.value());
        }
      }
    }
    return statuses;
  }

  /** The node that leads in the highest term any node reports, if one does. */
  public Optional<Integer> leader() {
    TreeMap<Integer, NodeStatus> statuses = statuses();
    long highest = statuses.values().stream().mapToLong(NodeStatus::term).max().orElse(0);
    return statuses.values().stream().filter(s -> s.leading() && s.term() == highest).map(NodeStatus::id)
        .findFirst();
  }

  /**
   * Asks node {@code leader} to hand leadership to {@code target} (POST /v1/admin/transfer; a node
   * that no longer leads redirects to the one that does, and the client follows); says what came
   * of it.
   */
  public String transferLeadership(int leader, int target) {
    try (RaftKvClient client = RaftKvClient.connect(RaftKvClient.Options.defaults(List.of(clientEndpoint(leader)))
        .withOperationTimeout(Duration.ofSeconds(2)).withAttemptTimeout(Duration.ofSeconds(1)))) {
      Outcome<Integer> asked = client.transferLeadership(target);
      return asked.isOk() ? "handover begun" : "refused: " + asked.describe();
    }
  }

  /**
   * The configuration as the node that leads in the highest term reports it (GET /v1/admin/members
   * of every running server, each asked once), if one leads.
   */
  public Optional<MembershipReport> leaderView() {
    List<MembershipReport> views = new ArrayList<>();
    try (RaftKvClient client = RaftKvClient.connect(RaftKvClient.Options.defaults(cluster.clientEndpoints())
        .withAttemptTimeout(Duration.ofMillis(300)))) {
      for (int id : ids()) {
        if (running(id) && !paused(id) && client.membership(clientEndpoint(id)) instanceof Outcome.Ok<MembershipReport> ok) {
          views.add(ok.value());
        }
      }
    }
    long highest = views.stream().mapToLong(MembershipReport::term).max().orElse(0);
    return views.stream().filter(view -> view.leading() && view.term() == highest).findFirst();
  }

  /**
   * Asks the leader for one configuration change (POST /v1/admin/members?op=...&id=...), through the
   * members' endpoints (a follower redirects to the leader): the CONFIG entry's index, or why not.
   */
  public Outcome<Long> changeMembership(String op, int id, Duration limit) {
    List<Endpoint> endpoints = new ArrayList<>();
    members().forEach(member -> endpoints.add(clientEndpoint(member)));
    try (RaftKvClient client = RaftKvClient.connect(RaftKvClient.Options.defaults(endpoints)
        .withOperationTimeout(limit).withAttemptTimeout(Duration.ofMillis(Math.min(1000, limit.toMillis()))))) {
      return client.changeMembership(op, id);
    }
  }

  /** The admin API's name of each change, for the nemesis. */
  public static final String ADD_LEARNER = Api.OP_ADD_LEARNER;
  public static final String PROMOTE = Api.OP_PROMOTE;
  public static final String REMOVE = Api.OP_REMOVE;

  /** Waits (bounded) for a leader; empty at the deadline. */
  public Optional<Integer> awaitLeader(Duration limit) {
    return NodeProcesses.await(limit, this::leader);
  }

  /** Waits (bounded) until node {@code id} answers its status, or its process has ended. */
  public boolean awaitAnswering(int id, Duration limit) {
    return NodeProcesses.await(limit, () -> !running(id) ? Optional.of(false)
        : statuses().containsKey(id) ? Optional.of(true) : Optional.<Boolean>empty()).orElse(false);
  }

  /** How many bytes of output node {@code id}'s processes have written so far. */
  public long outputSize(int id) {
    try {
      return Files.size(NodeProcesses.outputFile(dir, id));
    } catch (IOException none) {
      return 0;
    }
  }

  /** What node {@code id}'s processes printed after the first {@code mark} bytes of output. */
  public String outputSince(int id, long mark) {
    try {
      byte[] all = Files.readAllBytes(NodeProcesses.outputFile(dir, id));
      int from = (int) Math.min(all.length, Math.max(0, mark));
      return new String(all, from, all.length - from, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException none) {
      return "";
    }
  }

  /** The last lines of a node's output and log. */
  public String tail(int id, int lines) {
    return NodeProcesses.tail(dir, id, lines);
  }

  /** Removes every node's data directory (logs and traces stay). Only while no node runs. */
  public synchronized void wipe() throws IOException {
    for (int id : ids()) {
      if (running(id)) {
        throw new IllegalStateException("node " + id + " runs; stop it before wiping");
      }
      deleteTree(dataDirectory(id));
    }
  }

  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  /** Resumes and kills every node this db started. */
  @Override
  public synchronized void close() {
    for (int id : ids()) {
      kill(id);
    }
  }
}
