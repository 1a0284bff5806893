package io.raftkv.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code DIR/cluster.json}: what {@code raftkv cluster start} recorded about a local cluster, so
 * that later commands ({@code cluster status|stop|kill|restart}, {@code kv --cluster DIR}) find its
 * nodes. It lives here, not with the cluster commands, because the client reads it too.
 *
 * @param clusterId  the cluster id every node was started with
 * @param nodes      by id
 * @param jvmArgs    options given to every server's JVM (after the defaults)
 * @param serverArgs options given to every {@code raftkv server} after the per-node ones
 * @param trace      whether nodes write NDJSON traces (into DIR/traces)
 * @param voters     the initial voters (the core's {@code Config.members()}); null (files written
 *                   before membership changes) means every node. The other nodes are spares: their
 *                   addresses are known to every server, and they join by {@code raftkv cluster add}
 * @param members    the servers of the configuration as the last {@code cluster start|add|remove}
 *                   left it: the ones {@code cluster start} starts and clients try first; null
 *                   means {@code voters}. The cluster itself is the authority (GET
 *                   /v1/admin/members); this is the command line's record of it
 */
public record ClusterFile(String clusterId, List<Node> nodes, List<String> jvmArgs, List<String> serverArgs,
        boolean trace, List<Integer> voters, List<Integer> members) {

    public static final String FILE_NAME = "cluster.json";

    /**
     * One node.
     *
     * @param id        node id
     * @param peer      its peer address, host:port
     * @param client    its client address, host:port
     * @param pid       the server process's pid, 0 if it is not running
     * @param startedAt the process's start instant as the OS reports it (ISO-8601), so that a pid
     *                  reused by another process is never taken for the node
     */
    public record Node(int id, String peer, String client, long pid, String startedAt) {
        public Node withProcess(long newPid, String newStartedAt) {
            return new Node(id, peer, client, newPid, newStartedAt);
        }

        public Endpoint clientEndpoint() {
            return Endpoint.parse(client);
        }
    }

    public ClusterFile {
        nodes = List.copyOf(nodes);
        jvmArgs = jvmArgs == null ? List.of() : List.copyOf(jvmArgs);
        serverArgs = serverArgs == null ? List.of() : List.copyOf(serverArgs);
        voters = voters == null || voters.isEmpty() ? null : List.copyOf(new TreeSet<>(voters));
        members = members == null ? null : List.copyOf(new TreeSet<>(members));
        List<Integer> ids = nodes.stream().map(Node::id).toList();
        for (List<Integer> listed : java.util.Arrays.asList(voters, members)) {
            if (listed != null && !ids.containsAll(listed)) {
                throw new IllegalArgumentException("the cluster file names servers " + listed + " but has addresses"
                        + " only for " + ids);
            }
        }
    }

    /** Every node an initial voter (a file without spares). */
    public ClusterFile(String clusterId, List<Node> nodes, List<String> jvmArgs, List<String> serverArgs,
            boolean trace) {
        this(clusterId, nodes, jvmArgs, serverArgs, trace, null, null);
    }

    /** The initial voters, ascending. */
    public List<Integer> initialVoters() {
        return voters != null ? voters : ids();
    }

    /** The configuration's members as last recorded, ascending (the initial voters until a change). */
    public List<Integer> currentMembers() {
        return members != null ? members : initialVoters();
    }

    /** Whether node {@code id} is an initial voter; the others start as no member. */
    public boolean isInitialVoter(int id) {
        return initialVoters().contains(id);
    }

    /** The same file recording {@code newMembers} as the configuration's members. */
    public ClusterFile withMembers(List<Integer> newMembers) {
        return new ClusterFile(clusterId, nodes, jvmArgs, serverArgs, trace, voters, newMembers);
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public static Path path(Path directory) {
        return directory.resolve(FILE_NAME);
    }

    public static boolean exists(Path directory) {
        return Files.isRegularFile(path(directory));
    }

    /** Reads DIR/cluster.json; an IOException that says so when there is none or it is unreadable. */
    public static ClusterFile read(Path directory) throws IOException {
        Path file = path(directory);
        try {
            return JSON.readValue(file.toFile(), ClusterFile.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException missing) {
            throw new IOException("no cluster in " + directory + " (" + file + " does not exist; start one with"
                    + " raftkv cluster start --dir " + directory + ")", missing);
        } catch (IOException unreadable) {
            throw new IOException("cannot read " + file + ": " + unreadable.getMessage(), unreadable);
        }
    }

    /** Writes DIR/cluster.json atomically (a temporary file renamed over it). */
    public void write(Path directory) throws IOException {
        Path file = path(directory);
        Path temporary = directory.resolve(FILE_NAME + ".tmp");
        JSON.writeValue(temporary.toFile(), this);
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException notAtomic) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public Node node(int id) {
        for (Node node : nodes) {
            if (node.id() == id) {
                return node;
            }
        }
        throw new IllegalArgumentException("no node " + id + " in this cluster; nodes are " + ids());
    }

    public ClusterFile withNode(Node replacement) {
        List<Node> updated = new ArrayList<>();
        for (Node node : nodes) {
            updated.add(node.id() == replacement.id() ? replacement : node);
        }
        return new ClusterFile(clusterId, updated, jvmArgs, serverArgs, trace, voters, members);
    }

    public List<Integer> ids() {
        return nodes.stream().map(Node::id).toList();
    }

    /**
     * Every node's client address, the configuration's members first: a client tries them in this
     * order while it knows no leader, and a spare or removed server (not running, or answering that
     * it is no member) only costs it a refused connection or a redirect.
     */
    public List<Endpoint> clientEndpoints() {
        List<Integer> first = currentMembers();
        List<Endpoint> endpoints = new ArrayList<>();
        nodes.stream().filter(node -> first.contains(node.id())).forEach(node -> endpoints.add(node.clientEndpoint()));
        nodes.stream().filter(node -> !first.contains(node.id())).forEach(node -> endpoints.add(node.clientEndpoint()));
        return endpoints;
    }
}
