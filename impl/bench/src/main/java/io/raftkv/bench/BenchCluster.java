package io.raftkv.bench;

import java.io.IOException;
import java.time.Duration;

/**
 * A three-member cluster the comparison starts, drives, disturbs and removes: raftkv's own server
 * processes or etcd members. Members are numbered 1..3. Only one cluster runs at a time.
 */
interface BenchCluster extends AutoCloseable {
    /** Members of every cluster the comparison runs, numbered 1..MEMBERS. */
    int MEMBERS = 3;

    /** "raftkv" or "etcd". */
    String name();

    /** Starts every member on fresh data; returns once one leads. */
    void start() throws IOException;

    /**
     * A driver for the running cluster whose client pauses between retries start at 5 ms and double
     * up to {@code retryPauseMax}; the caller closes it.
     */
    KvDriver driver(Duration retryPauseMax);

    /**
     * The leader's member number once every member runs, answers and has caught up with the
     * leader; an IOException after {@code limit}.
     */
    int settledLeader(Duration limit) throws IOException;

    /**
     * Member {@code member}'s log index and the write-ahead-log fsyncs it has made since it started
     * (raftkv: {@code /v1/status}; etcd: its status and {@code /metrics}).
     */
    LogCounts logCounts(int member) throws IOException;

    /** A member's last log index and its WAL fsyncs so far. */
    record LogCounts(long index, long fsyncs) {}

    /** SIGKILL of member {@code member}'s process; returns as soon as the signal is sent. */
    void kill(int member) throws IOException;

    /** Starts member {@code member} again over its data and waits until it answers. */
    void restart(int member) throws IOException;

    /** Stops every process of the cluster and deletes its data. Safe to call twice. */
    @Override
    void close();
}
