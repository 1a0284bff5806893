package io.raftkv.server;

import io.raftkv.core.Config;
import io.raftkv.storage.WalOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything a server process is started with, validated once here (STYLE.md habit 4).
 *
 * @param id                    this node's id, one of {@code peers}
 * @param peers                 every member's peer address by id; node N listens on its own and
 *                              dials from its host
 * @param dataDirectory         the write-ahead log's directory
 * @param clientPort            the HTTP port; every node uses the same one on its own host, which is
 *                              how a follower names the leader's client address
 * @param clusterId             checked in the peer handshake
 * @param traceFile             NDJSON trace of the core's events, or null
 * @param tickMillis            wall time per logical tick
 * @param electionTimeoutMillis the election timeout is drawn from [this, 2 x this)
 * @param heartbeatMillis       a leader's heartbeat interval
 * @param maxBodyBytes          larger request bodies are refused with 413 before anything is proposed
 * @param requestTimeoutMillis  a request not answered by then gets 504 (unknown outcome)
 * @param httpThreads           Netty event-loop threads serving clients
 * @param maxConnections        client connections open at once; more are closed at once
 * @param maxPendingRequests    requests waiting for the log at once; more get 503 (overloaded)
 * @param seed                  seeds the core's election timeouts
 * @param walSegmentBytes       a write-ahead log segment is sealed and the next one started at this
 *                              size (small segments make tests seal and recover several)
 * @param snapshotEntries       the node snapshots the key-value state and compacts its log once this
 *                              many entries were applied since its last snapshot; 0 never
 * @param voters                the initial voters (the core's {@link Config#members()}), ascending, a
 *                              nonempty subset of {@code peers}' ids; the other peers are servers that
 *                              may join later by a configuration change. A node not among them starts
 *                              as no member: it never campaigns and waits for a leader's log
 * @param leaseReads            lease reads (thesis §6.4.1): the leader answers {@code consistency=lease}
 *                              reads without a heartbeat round while a quorum heard it recently, and
 *                              every node keeps the promise a lease rests on (no vote for another
 *                              candidate within one minimum election timeout of hearing the leader or of
 *                              starting). Every server of a cluster must be started with the same
 *                              setting (and the same timing options)
 * @param leaseDriftMillis      the clock-drift bound of lease reads: how much the leader's clock may run
 *                              slow against a follower's over one minimum election timeout; taken in
 *                              whole ticks, rounded up. The lease lasts {@link #leaseMillis()}
 */
public record ServerConfig(int id, SortedMap<Integer, InetSocketAddress> peers, Path dataDirectory, int clientPort,
        String clusterId, Path traceFile, int tickMillis, int electionTimeoutMillis, int heartbeatMillis,
        int maxBodyBytes, int requestTimeoutMillis, int httpThreads, int maxConnections, int maxPendingRequests,
        long seed, long walSegmentBytes, long snapshotEntries, List<Integer> voters, boolean leaseReads,
        int leaseDriftMillis) {

    public static final int DEFAULT_CLIENT_PORT = 8001;
    public static final String DEFAULT_CLUSTER_ID = "raftkv";
    /** Two ticks of the default 10 ms: the core's default drift bound. */
    public static final int DEFAULT_LEASE_DRIFT_MILLIS = 20;

    /** Without lease reads. */
    public ServerConfig(int id, SortedMap<Integer, InetSocketAddress> peers, Path dataDirectory, int clientPort,
            String clusterId, Path traceFile, int tickMillis, int electionTimeoutMillis, int heartbeatMillis,
            int maxBodyBytes, int requestTimeoutMillis, int httpThreads, int maxConnections, int maxPendingRequests,
            long seed, long walSegmentBytes, long snapshotEntries, List<Integer> voters) {
        this(id, peers, dataDirectory, clientPort, clusterId, traceFile, tickMillis, electionTimeoutMillis,
                heartbeatMillis, maxBodyBytes, requestTimeoutMillis, httpThreads, maxConnections, maxPendingRequests,
                seed, walSegmentBytes, snapshotEntries, voters, false, DEFAULT_LEASE_DRIFT_MILLIS);
    }

    public ServerConfig {
        peers = Collections.unmodifiableSortedMap(new TreeMap<>(peers));
        voters = voters == null || voters.isEmpty() ? List.copyOf(peers.keySet()) : List.copyOf(new TreeSet<>(voters));
        require(peers.keySet().containsAll(voters), "--voters " + voters + " must be among the --peers "
                + peers.keySet());
        require(peers.containsKey(id), "--id " + id + " is not among the --peers " + peers.keySet());
        require(dataDirectory != null, "a data directory is required");
        require(clientPort >= 1 && clientPort <= 65535, "--client-port must be in 1..65535, got " + clientPort);
        require(tickMillis >= 1, "--tick-ms must be >= 1, got " + tickMillis);
        require(heartbeatMillis >= tickMillis, "--heartbeat-ms must be at least one tick (" + tickMillis + " ms)");
        require(electionTimeoutMillis >= 2 * heartbeatMillis, "--election-timeout-ms (" + electionTimeoutMillis
                + ") must be at least twice --heartbeat-ms (" + heartbeatMillis + ")");
        require(maxBodyBytes >= 1024, "--max-body-bytes must be >= 1024, got " + maxBodyBytes);
        require(requestTimeoutMillis >= 10, "--request-timeout-ms must be >= 10, got " + requestTimeoutMillis);
        require(httpThreads >= 1, "--http-threads must be >= 1, got " + httpThreads);
        require(maxConnections >= 1, "--max-connections must be >= 1, got " + maxConnections);
        require(maxPendingRequests >= 1, "--max-pending-requests must be >= 1, got " + maxPendingRequests);
        require(walSegmentBytes >= WalOptions.SEGMENT_BYTES_MIN && walSegmentBytes <= WalOptions.SEGMENT_BYTES_LIMIT,
                "--wal-segment-bytes must be in " + WalOptions.SEGMENT_BYTES_MIN + ".." + WalOptions.SEGMENT_BYTES_LIMIT
                        + ", got " + walSegmentBytes);
        require(snapshotEntries >= 0, "--snapshot-entries must be >= 0 (0: never), got " + snapshotEntries);
        for (InetSocketAddress address : peers.values()) {
            require(!address.isUnresolved(), "cannot resolve the peer address " + address);
        }
        if (leaseReads) {
            requireLeaseDrift(leaseDriftMillis, tickMillis, electionTimeoutMillis);
        }
        raftConfig(voters, tickMillis, electionTimeoutMillis, heartbeatMillis, leaseReads, leaseDriftMillis);
    }

    /**
     * The drift bound in whole ticks (rounded up) must leave a lease of at least one tick: at most
     * electionTicks - 3 ticks (the core's rule, said here in the options' own units).
     */
    private static void requireLeaseDrift(int driftMillis, int tickMillis, int electionTimeoutMillis) {
        require(driftMillis >= 0, "--lease-drift-ms must be >= 0, got " + driftMillis);
        int electionTicks = electionTicks(tickMillis, electionTimeoutMillis);
        int maxMillis = (electionTicks - 3) * tickMillis;
        require(driftTicks(driftMillis, tickMillis) <= electionTicks - 3, "--lease-drift-ms " + driftMillis
                + " leaves no lease: with --election-timeout-ms " + electionTimeoutMillis + " and --tick-ms "
                + tickMillis + " the drift bound is at most " + maxMillis + " ms (the lease is the election timeout"
                + " minus 2 ticks minus the bound, and must last at least one tick)");
    }

    /**
     * Parses {@code 1,2,3} (the --voters option).
     *
     * @throws IllegalArgumentException naming the part that is wrong
     */
    public static List<Integer> parseVoters(String text) {
        List<Integer> voters = new ArrayList<>();
        for (String part : text.split(",")) {
            try {
                voters.add(Integer.parseInt(part.trim()));
            } catch (NumberFormatException notNumber) {
                throw new IllegalArgumentException("expected node ids like 1,2,3 in --voters, got '" + part + "'");
            }
        }
        return voters;
    }

    /**
     * Parses {@code 1=127.0.0.1:7001,2=127.0.0.2:7001,...}.
     *
     * @throws IllegalArgumentException naming the part that is wrong
     */
    public static SortedMap<Integer, InetSocketAddress> parsePeers(String text) {
        TreeMap<Integer, InetSocketAddress> peers = new TreeMap<>();
        for (String part : text.split(",")) {
            String[] idAndAddress = part.trim().split("=", 2);
            int colon = idAndAddress.length == 2 ? idAndAddress[1].lastIndexOf(':') : -1;
            require(colon > 0, "expected ID=HOST:PORT in --peers, got '" + part + "'");
            try {
                int id = Integer.parseInt(idAndAddress[0].trim());
                int port = Integer.parseInt(idAndAddress[1].substring(colon + 1));
                require(id >= 1, "node ids must be >= 1, got " + id);
                require(port >= 1 && port <= 65535, "port out of range in '" + part + "'");
                InetSocketAddress previous = peers.put(id, new InetSocketAddress(idAndAddress[1].substring(0, colon),
                        port));
                require(previous == null, "node " + id + " appears twice in --peers");
            } catch (NumberFormatException notNumber) {
                throw new IllegalArgumentException("expected numeric id and port in --peers, got '" + part + "'");
            }
        }
        return peers;
    }

    /** The write-ahead log's options: the defaults with this segment size. */
    public WalOptions walOptions() {
        return WalOptions.DEFAULT.withSegmentBytesMax(walSegmentBytes);
    }

    /**
     * The core's configuration: ticks derived from the millisecond options. Without lease reads the
     * drift bound means nothing and is 0, so it never limits the election timeout.
     */
    public Config raftConfig() {
        return raftConfig(voters, tickMillis, electionTimeoutMillis, heartbeatMillis, leaseReads, leaseDriftMillis);
    }

    /** How long a lease lasts in wall time (the core's lease ticks times --tick-ms); 0 without lease reads. */
    public int leaseMillis() {
        return leaseReads ? raftConfig().leaseTicks() * tickMillis : 0;
    }

    private static Config raftConfig(List<Integer> voters, int tickMillis, int electionTimeoutMillis,
            int heartbeatMillis, boolean leaseReads, int leaseDriftMillis) {
        int electionTicks = electionTicks(tickMillis, electionTimeoutMillis);
        int heartbeatTicks = Math.max(1, Math.min(electionTicks - 1, heartbeatMillis / tickMillis));
        return Config.defaults(voters)
                .withElectionTimeoutTicks(electionTicks, 2 * electionTicks)
                .withHeartbeatIntervalTicks(heartbeatTicks)
                .withLeaseReads(leaseReads, leaseReads ? driftTicks(leaseDriftMillis, tickMillis) : 0);
    }

    private static int electionTicks(int tickMillis, int electionTimeoutMillis) {
        return Math.max(2, electionTimeoutMillis / tickMillis);
    }

    /** Rounded up: a bound in ticks never smaller than the one asked for. */
    private static int driftTicks(int driftMillis, int tickMillis) {
        return (int) ((driftMillis + (long) tickMillis - 1) / tickMillis);
    }

    public InetSocketAddress peerAddress() {
        return peers.get(id);
    }

    /** This node's HTTP address: its peer host, the client port. */
    public InetSocketAddress clientAddress() {
        return new InetSocketAddress(peerAddress().getAddress(), clientPort);
    }

    /** Where member {@code member} serves clients, as a URL (same client port on every host). */
    public String clientUrl(int member) {
        InetSocketAddress peer = peers.get(member);
        return peer == null ? null : "http://" + peer.getHostString() + ":" + clientPort;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
