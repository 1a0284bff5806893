package io.raftkv.node.real;

import static org.junit.jupiter.api.Assertions.fail;

import io.raftkv.core.Config;
import io.raftkv.core.Entry;
import io.raftkv.core.EntryType;
import io.raftkv.core.ProposeResult;
import io.raftkv.core.RaftObserver;
import io.raftkv.core.Role;
import io.raftkv.node.StorageException;
import io.raftkv.storage.WalOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A cluster of real {@link NodeRunner}s, each with a {@link WalLogStore} in its own directory under
 * one root, connected by a {@link LocalNetwork}. Waiting is always for a condition, with a deadline.
 */
final class RealCluster implements AutoCloseable {
    /** Election timeouts of 200..400 ms: long against GC and fsync pauses on a busy test machine. */
    static final Config CONFIG = Config.ofSize(3).withElectionTimeoutTicks(40, 80).withHeartbeatIntervalTicks(4);
    static final NodeRunner.Options OPTIONS = new NodeRunner.Options(Duration.ofMillis(5), 1024);
    static final Duration DEADLINE = Duration.ofSeconds(30);

    final LocalNetwork network = new LocalNetwork();
    final TreeMap<Integer, NodeRunner> runners = new TreeMap<>();
    final TreeMap<Integer, RecordingStateMachine> machines = new TreeMap<>();
    private final Path root;
    private final Config config;
    private final NodeRunner.Options options;
    private final WalOptions walOptions;

    RealCluster(Path root) {
        this(root, CONFIG, OPTIONS, WalOptions.DEFAULT);
    }

    /** Nodes run with {@code options} (say, a snapshot threshold) over logs with {@code walOptions}. */
    RealCluster(Path root, NodeRunner.Options options, WalOptions walOptions) {
        this(root, CONFIG, options, walOptions);
    }

    /** Nodes run with the core's {@code config} (say, lease reads on). */
    RealCluster(Path root, Config config, NodeRunner.Options options, WalOptions walOptions) {
        this.root = root;
        this.config = config;
        this.options = options;
        this.walOptions = walOptions;
    }

    /** Starts (or restarts, over what its directory holds) node {@code id}. */
    void start(int id) throws StorageException {
        start(id, () -> {});
    }

    /** As {@link #start(int)}, calling {@code beforeInput} on the node's thread before each input. */
    void start(int id, Runnable beforeInput) throws StorageException {
        WalLogStore store = WalLogStore.open(directory(id), walOptions);
        RecordingStateMachine machine = new RecordingStateMachine();
        NodeRunner runner = NodeRunner.start(id, config, 7919L * id, store, network.transport(id), machine,
                RaftObserver.NONE, options, beforeInput);
        machines.put(id, machine);
        runners.put(id, runner);
        network.register(id, runner::deliver);
    }

    /** Stops node {@code id} cleanly (its store writes what was queued); messages to it are lost. */
    void stop(int id) throws StorageException {
        network.unregister(id);
        runners.remove(id).close();
    }

    void startAll() throws StorageException {
        for (int id : config.members()) {
            start(id);
        }
    }

    Path directory(int id) {
        return root.resolve("node-" + id);
    }

    /** The one node that leads in the highest term any node knows, once there is one. */
    int awaitLeader() {
        int[] leader = new int[1];
        await("a leader", () -> {
            leader[0] = currentLeader();
            return leader[0] != 0;
        });
        return leader[0];
    }

    private int currentLeader() {
        long term = 0;
        int leader = 0;
        for (NodeRunner runner : runners.values()) {
            NodeRunner.Status status = runner.status();
            if (status.running() && status.state().role() == Role.LEADER && status.state().currentTerm() > term) {
                term = status.state().currentTerm();
                leader = status.id();
            }
        }
        return leader;
    }

    /** Proposes {@code command} to whoever leads until a leader accepts it. */
    void propose(String command) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            ProposeResult result = runners.get(awaitLeader()).propose(bytes(command)).get(10, TimeUnit.SECONDS);
            if (result instanceof ProposeResult.Accepted) {
                return;
            }
            LockSupport.parkNanos(1_000_000); // leadership is changing hands: ask again
        }
        fail("no leader accepted " + command + " within " + DEADLINE);
    }

    /** The command payloads node {@code id} applied, in order. */
    List<String> commands(int id) {
        return commands(machines.get(id).applied());
    }

    static List<String> commands(List<Entry> entries) {
        List<String> result = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry.type() == EntryType.COMMAND) {
                result.add(new String(entry.data(), StandardCharsets.UTF_8));
            }
        }
        return result;
    }

    @Override
    public void close() throws StorageException {
        StorageException first = null;
        for (NodeRunner runner : runners.values()) {
            network.unregister(runner.id());
            try {
                runner.close();
            } catch (StorageException failed) {
                first = first == null ? failed : first;
            }
        }
        runners.clear();
        if (first != null) {
            throw first;
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static void await(String what, BooleanSupplier condition) {
        await(what, condition, () -> "");
    }

    /** Polls {@code condition} until it holds; fails with {@code detail} at the deadline. */
    static void await(String what, BooleanSupplier condition, Supplier<String> detail) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("waited " + DEADLINE + " for " + what + " " + detail.get());
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
