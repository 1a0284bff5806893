package io.raftkv.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.raftkv.cli.TraceWriterFactory;
import io.raftkv.core.HardState;
import io.raftkv.core.RaftObserver;
import io.raftkv.kv.KvConfig;
import io.raftkv.kv.KvStateMachine;
import io.raftkv.node.StorageException;
import io.raftkv.node.real.HybridClock;
import io.raftkv.node.real.NodeRunner;
import io.raftkv.node.real.WalLogStore;
import io.raftkv.transport.PeerTransport;
import io.raftkv.transport.TransportConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One raftkv process: the write-ahead log ({@link WalLogStore}, recovered at start), the node
 * ({@link NodeRunner} over the {@link KvApplier}), the peer transport ({@link PeerTransport}) and
 * the client API ({@link HttpFrontEnd}). The thread pools of the system live here: the HTTP event
 * loops (the node's runner, clock and WAL writer threads, and the transport's event loops, belong
 * to the parts that start them).
 *
 * <p>Fail-stop (DESIGN.md "Errors"): when the node stops on its own (a storage error, a broken
 * invariant), {@link #awaitStop()} returns the cause and the process must end; nothing is answered
 * from that node any more.
 */
public final class RaftKvServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RaftKvServer.class);
    /** How often the node is checked for a fail-stop. */
    static final long WATCH_MILLIS = 20;
    static final int INPUT_QUEUE_CAPACITY = 4096;

    /** The server could not start; the message says why (for a corrupt log: file and offset). */
    public static final class StartException extends Exception {
        StartException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final ServerConfig config;
    private final Deque<AutoCloseable> parts = new ArrayDeque<>();
    private final CompletableFuture<Throwable> stopped = new CompletableFuture<>();
    private NodeRunner runner;
    private HttpFrontEnd http;
    private KvApplier applier;
    /** The node's trace writer, null without --trace. */
    private TraceWriterFactory.NodeTraceWriter trace;
    private boolean closed;
    /** The role and term last logged; accept loop only. */
    private String lastRole = "";

    private RaftKvServer(ServerConfig config) {
        this.config = config;
    }

    /** Recovers the log, starts the node, the transport and the API; all or nothing. */
    public static RaftKvServer start(ServerConfig config) throws StartException {
        RaftKvServer server = new RaftKvServer(config);
        try {
            server.startParts();
            return server;
        } catch (StartException | RuntimeException failed) {
            server.close();
            throw failed instanceof StartException start ? start
                    : new StartException(failed.getMessage() == null ? failed.toString() : failed.getMessage(), failed);
        }
    }

    private void startParts() throws StartException {
        WalLogStore store = openStore();
        // The process's clock starts at the wall clock so that a node's later incarnation stamps its
        // trace above everything its earlier ones stamped (trace-check/README.md).
        HybridClock stamps = HybridClock.startedNow();
        trace = openTrace(stamps);
        applier = new KvApplier(new KvStateMachine(KvConfig.defaults()));
        PeerLinks links = new PeerLinks(stamps);
        runner = startNode(store, links, trace, stamps);
        links.attach(runner);
        PeerTransport transport = PeerTransport.start(TransportConfig.defaults(config.clusterId())
                .withSeed(config.seed()), config.id(), config.peers(), links);
        parts.push(transport);
        links.attach(transport);
        EventLoopGroup boss = eventLoops(1, "raftkv-http-accept-" + config.id());
        EventLoopGroup workers = eventLoops(config.httpThreads(), "raftkv-http-" + config.id());
        http = new HttpFrontEnd(config.clientAddress(), boss, workers, new KvApi(config, runner, applier), config);
        parts.push(http);
        boss.scheduleAtFixedRate(this::watch, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
        logStarted(store);
    }

    private WalLogStore openStore() throws StartException {
        WalLogStore store;
        try {
            store = WalLogStore.open(config.dataDirectory(), config.walOptions());
        } catch (StorageException failed) {
            throw new StartException(failed.getMessage(), failed);
        }
        store.tornTail().ifPresent(torn -> log.warn("node {}: recovery cut a torn write: {}", config.id(),
                torn.describe()));
        return store;
    }

    /** The node's trace writer, or null without --trace. */
    private TraceWriterFactory.NodeTraceWriter openTrace(HybridClock stamps)
            throws StartException {
        if (config.traceFile() == null) {
            return null;
        }
        Iterator<TraceWriterFactory> factories = ServiceLoader.load(TraceWriterFactory.class).iterator();
        if (!factories.hasNext()) {
            throw new StartException("--trace needs a trace writer (io.raftkv.cli.TraceWriterFactory, from the"
                    + " trace-check module) on the class path; ./raftkv has it", null);
        }
        // The spec's servers are every server the cluster may ever have (the peers, spares included),
        // numbered 1..N; its InitVoters are the initial voters (the core's members).
        List<Integer> servers = List.copyOf(config.peers().keySet());
        if (servers.get(servers.size() - 1) != servers.size()) {
            throw new StartException("--trace needs the servers numbered 1.." + servers.size() + " (the spec's"
                    + " servers), but they are " + servers, null);
        }
        TraceWriterFactory.NodeTrace node = new TraceWriterFactory.NodeTrace(config.id(), servers.size(),
                config.raftConfig().members(), config.raftConfig().preVote(), stamps.originMicros(),
                stamps::stamp, config.leaseReads());
        try {
            TraceWriterFactory.NodeTraceWriter writer = factories.next().openNode(config.traceFile(), node);
            parts.push(writer);
            return writer;
        } catch (IOException failed) {
            throw new StartException("cannot open the trace file " + config.traceFile() + ": " + failed.getMessage(),
                    failed);
        }
    }

    /** Starts the node; it replays the committed log into the state machine before it returns. */
    private NodeRunner startNode(WalLogStore store, PeerLinks links, TraceWriterFactory.NodeTraceWriter writer,
            HybridClock stamps)
            throws StartException {
        RaftObserver observer = writer == null ? RaftObserver.NONE : writer;
        Runnable beforeInput = writer == null ? () -> {} : writer::nextInput;
        NodeRunner.Options options = new NodeRunner.Options(Duration.ofMillis(config.tickMillis()),
                INPUT_QUEUE_CAPACITY, config.snapshotEntries());
        try {
            NodeRunner started = NodeRunner.start(config.id(), config.raftConfig(), config.seed(), store, links,
                    applier, observer, options, beforeInput, stamps);
            parts.push(started); // closing the runner closes the store
            return started;
        } catch (RuntimeException failed) {
            closeQuietly(store);
            throw new StartException("node " + config.id() + " cannot start over " + config.dataDirectory() + ": "
                    + failed.getMessage(), failed);
        }
    }

    private EventLoopGroup eventLoops(int threads, String name) {
        NioEventLoopGroup group = new NioEventLoopGroup(threads, new DefaultThreadFactory(name, true));
        parts.push(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS));
        return group;
    }

    private void logStarted(WalLogStore store) {
        HardState hard = store.hardState();
        log.info("node {} up: clients on http://{}, peers on {}, cluster '{}', data {} (recovered term {}, commit {},"
                + " last index {}), election timeout {}..{} ms, tick {} ms, seed {}", config.id(),
                hostPort(http.address()), hostPort(config.peerAddress()), config.clusterId(), config.dataDirectory(),
                hard.currentTerm(), hard.commitIndex(), store.log().lastIndex(), config.electionTimeoutMillis(),
                2 * config.electionTimeoutMillis(), config.tickMillis(), config.seed());
        if (config.leaseReads()) {
            log.info("node {}: lease reads on: a lease lasts {} ms (election timeout {} ms - 2 ticks - drift bound {}"
                    + " ms, in whole ticks); this node votes for no one within {} ms of hearing the leader or of"
                    + " starting", config.id(), config.leaseMillis(), config.electionTimeoutMillis(),
                    config.raftConfig().leaseDriftTicks() * config.tickMillis(), config.electionTimeoutMillis());
        }
    }

    /** Runs on the accept loop: logs role changes and notices a node that stopped on its own. */
    private void watch() {
        NodeRunner.Status status = runner.status();
        String role = status.state().role() + " in term " + status.state().currentTerm();
        if (!role.equals(lastRole)) {
            lastRole = role;
            log.info("node {} is {} (leader {}, commit {}, applied {})", config.id(), role, status.leaderId(),
                    status.state().commitIndex(), status.appliedIndex());
        }
        if (!status.running() && !stopped.isDone()) {
            Throwable cause = status.stopCause() != null ? status.stopCause()
                    : new IllegalStateException("node " + config.id() + " stopped without a recorded cause");
            stopped.complete(cause);
        }
    }

    /**
     * Blocks until the server is closed (returns null) or the node stopped on its own (returns why:
     * fail-stop, the process must end).
     */
    public Throwable awaitStop() throws InterruptedException {
        try {
            return stopped.get();
        } catch (ExecutionException impossible) {
            return impossible.getCause();
        }
    }

    public InetSocketAddress clientAddress() {
        return http.address();
    }

    /** Stops serving, then the node (its log is written out first), the transport, the trace. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        noteFailStop();
        while (!parts.isEmpty()) {
            closeQuietly(parts.pop());
        }
        if (applier != null) {
            applier.abandonAll();
        }
        stopped.complete(null);
        log.info("node {} closed", config.id());
    }

    /** A node that stopped on its own ends its trace saying so: its last write may have failed. */
    private void noteFailStop() {
        Throwable cause = runner == null ? null : runner.status().stopCause();
        if (cause != null && trace != null) {
            trace.failStopped(cause.toString());
        }
    }

    private void closeQuietly(AutoCloseable part) {
        try {
            part.close();
        } catch (Exception failed) {
            log.warn("node {}: closing {} failed: {}", config.id(), part.getClass().getSimpleName(), failed.toString());
        }
    }

    private static String hostPort(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }
}
