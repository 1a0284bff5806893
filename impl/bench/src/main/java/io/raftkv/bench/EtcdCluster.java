package io.raftkv.bench;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.raftkv.server.FreePorts;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Three etcd members on 127.0.0.1 with distinct ports, each in its own data directory under the
 * run's directory (the same disk as raftkv's), fsync on (etcd's default; nothing here turns it
 * off), with the given heartbeat and election timeout. Members are child processes of this JVM.
 */
final class EtcdCluster implements BenchCluster {
    /** Reads the members' /metrics. */
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dir;
    private final String etcd;
    private final int electionTimeoutMillis;
    private final int heartbeatMillis;
    private final Process[] processes = new Process[MEMBERS + 1];
    private int basePort;
    private Client statusClient;

    EtcdCluster(Path dir, String etcd, int electionTimeoutMillis, int heartbeatMillis) {
        this.dir = dir;
        this.etcd = etcd;
        this.electionTimeoutMillis = electionTimeoutMillis;
        this.heartbeatMillis = heartbeatMillis;
    }

    @Override
    public String name() {
        return "etcd";
    }

    String clientUrl(int member) {
        return "http://127.0.0.1:" + (basePort + 2 * (member - 1));
    }

    String peerUrl(int member) {
        return "http://127.0.0.1:" + (basePort + 2 * (member - 1) + 1);
    }

    List<String> clientUrls() {
        List<String> urls = new ArrayList<>();
        for (int member = 1; member <= MEMBERS; member++) {
            urls.add(clientUrl(member));
        }
        return urls;
    }

    @Override
    public void start() throws IOException {
        Files.createDirectories(dir);
        basePort = FreePorts.freeRun(2 * MEMBERS, 1);
        for (int member = 1; member <= MEMBERS; member++) {
            spawn(member);
        }
        statusClient = Client.builder().endpoints(clientUrls().toArray(String[]::new)).build();
        settledLeader(Duration.ofSeconds(60));
    }

    /** The command line of member {@code member}: the options of etcd 3.4's own cluster guide. */
    List<String> command(int member) {
        StringBuilder initial = new StringBuilder();
        for (int other = 1; other <= MEMBERS; other++) {
            initial.append(other == 1 ? "" : ",").append("m").append(other).append('=').append(peerUrl(other));
        }
        return List.of(etcd, "--name", "m" + member, "--data-dir", dir.resolve("m" + member).toString(),
                "--listen-client-urls", clientUrl(member), "--advertise-client-urls", clientUrl(member),
                "--listen-peer-urls", peerUrl(member), "--initial-advertise-peer-urls", peerUrl(member),
                "--initial-cluster", initial.toString(), "--initial-cluster-token", "raftkv-bench",
                "--initial-cluster-state", "new", "--heartbeat-interval", Integer.toString(heartbeatMillis),
                "--election-timeout", Integer.toString(electionTimeoutMillis), "--logger", "zap",
                "--log-level", "warn");
    }

    private void spawn(int member) throws IOException {
        processes[member] = new ProcessBuilder(command(member))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("m" + member + ".out").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
    }

    @Override
    public KvDriver driver(Duration retryPauseMax) {
        return new EtcdDriver(clientUrls(), retryPauseMax);
    }

    @Override
    public int settledLeader(Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            long[] memberIds = new long[MEMBERS + 1];
            long[] leaders = new long[MEMBERS + 1];
            long[] indexes = new long[MEMBERS + 1];
            try {
                for (int member = 1; member <= MEMBERS; member++) {
                    StatusResponse status = statusClient.getMaintenanceClient().statusMember(clientUrl(member))
                            .get(500, TimeUnit.MILLISECONDS);
                    memberIds[member] = status.getHeader().getMemberId();
                    leaders[member] = status.getLeader();
                    indexes[member] = status.getRaftIndex();
                }
                int leader = settled(memberIds, leaders, indexes);
                if (leader > 0) {
                    return leader;
                }
                last = "members not caught up or no common leader";
            } catch (Exception notYet) {
                last = notYet.toString();
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        throw new IOException("etcd did not settle within " + limit + ": " + last + "; see " + dir + "/m*.out");
    }

    /** The member whose id every member names as leader, all at the same raft index; else 0. */
    static int settled(long[] memberIds, long[] leaders, long[] indexes) {
        int leader = 0;
        for (int member = 1; member < memberIds.length; member++) {
            if (leaders[member] == 0 || leaders[member] != leaders[1] || indexes[member] != indexes[1]) {
                return 0;
            }
            if (memberIds[member] == leaders[member]) {
                leader = member;
            }
        }
        return leader;
    }

    /** etcd's count of WAL fsyncs (the count of its fsync-duration histogram), in Prometheus text. */
    static final String FSYNC_COUNT_METRIC = "etcd_disk_wal_fsync_duration_seconds_count";

    @Override
    public LogCounts logCounts(int member) throws IOException {
        long index;
        try {
            index = statusClient.getMaintenanceClient().statusMember(clientUrl(member)).get(2, TimeUnit.SECONDS)
                    .getRaftIndex();
        } catch (Exception failed) {
            throw new IOException("etcd member " + member + " did not report its status: " + failed, failed);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(clientUrl(member) + "/metrics"))
                .timeout(Duration.ofSeconds(2)).build();
        try {
            HttpResponse<String> metrics = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new LogCounts(index, metric(metrics.body(), FSYNC_COUNT_METRIC));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading etcd member " + member + "'s metrics", interrupted);
        }
    }

    /** The value of the unlabelled sample {@code name} in Prometheus text; an IOException if absent. */
    static long metric(String text, String name) throws IOException {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ")) {
                try {
                    return (long) Double.parseDouble(line.substring(name.length() + 1).trim());
                } catch (NumberFormatException bad) {
                    throw new IOException("etcd metric " + name + " is not a number: '" + line + "'");
                }
            }
        }
        throw new IOException("etcd's /metrics has no " + name);
    }

    @Override
    public void kill(int member) throws IOException {
        Process process = processes[member];
        if (process == null || !process.isAlive()) {
            throw new IOException("etcd member " + member + " has no running process");
        }
        process.destroyForcibly();
    }

    @Override
    public void restart(int member) throws IOException {
        Process old = processes[member];
        if (old != null) {
            old.destroyForcibly();
            old.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(timeout -> old).join();
        }
        spawn(member);
    }

    @Override
    public synchronized void close() {
        if (statusClient != null) {
            statusClient.close();
            statusClient = null;
        }
        List<Long> pids = new ArrayList<>();
        for (Process process : processes) {
            if (process != null) {
                pids.add(process.pid());
            }
        }
        Processes.killAll(pids);
        Processes.deleteTree(dir);
    }
}
