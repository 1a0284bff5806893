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
 */
public record ClusterFile(String clusterId, List<Node> nodes, List<String> jvmArgs, List<String> serverArgs,
        boolean trace) {

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
        return new ClusterFile(clusterId, updated, jvmArgs, serverArgs, trace);
    }

    public List<Integer> ids() {
        return nodes.stream().map(Node::id).toList();
    }

    public List<Endpoint> clientEndpoints() {
        return nodes.stream().map(Node::clientEndpoint).toList();
    }
}
