package io.raftkv.core;

/**
 * A Raft node as a pure state machine (etcd's RawNode): driven by {@link #tick()},
 * {@link #step(Message)} and {@link #propose(byte[])}, it answers with {@link Ready} batches.
 * No threads, clocks or IO; all randomness comes from the seed.
 */
public final class RaftNode {
    private final Config config;
    private final int id;

    private RaftNode(Config config, int id, long seed, DurableState durable, RaftObserver observer) {
        this.config = config;
        this.id = id;
    }

    /** A node that has never run: term 0, empty log. */
    public static RaftNode create(Config config, int id, long seed, RaftObserver observer) {
        return new RaftNode(config, id, seed, DurableState.EMPTY, observer);
    }

    /** A node coming back from its durable state; emits the Restart event. */
    public static RaftNode restart(Config config, int id, long seed, DurableState durable, RaftObserver observer) {
        return new RaftNode(config, id, seed, durable, observer);
    }

    public void tick() {}

    public void step(Message message) {}

    /** Start an election now, as if the election timeout had elapsed (no-op on a leader). */
    public void campaign() {}

    public ProposeResult propose(byte[] command) {
        return new ProposeResult.NotLeader(0);
    }

    public boolean hasReady() {
        return false;
    }

    public Ready ready() {
        throw new UnsupportedOperationException("not yet");
    }

    public void advance(Ready ready) {}

    public int id() {
        return id;
    }

    public Config config() {
        return config;
    }

    public Role role() {
        return Role.FOLLOWER;
    }

    public long currentTerm() {
        return 0;
    }

    public int votedFor() {
        return 0;
    }

    public long commitIndex() {
        return 0;
    }

    /** The leader this node last heard from in currentTerm, 0 if none (itself when leader). */
    public int leaderId() {
        return 0;
    }

    public long firstIndex() {
        return 1;
    }

    public long lastIndex() {
        return 0;
    }

    /** The entry at {@code index}, which must be in [firstIndex, lastIndex]. */
    public Entry entry(long index) {
        throw new IllegalArgumentException("no entry " + index);
    }

    /** Term of the entry at {@code index}; 0 for index 0; the snapshot term at firstIndex - 1. */
    public long termAt(long index) {
        return 0;
    }

    /** The spec-visible state (what events carry). */
    public NodeState state() {
        return new NodeState(0, 0, Role.FOLLOWER, 0, 0, 0);
    }

    /** The durable state as of the last persisted Ready (what a crash leaves behind). */
    public DurableState durableState() {
        return DurableState.EMPTY;
    }

    /** Checks every local invariant; throws {@link Assert.InvariantViolation} on a broken one. */
    public void checkInvariants() {}
}
