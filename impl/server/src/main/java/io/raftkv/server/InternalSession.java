package io.raftkv.server;

import io.netty.util.concurrent.EventExecutor;
import io.raftkv.kv.KvCommand;
import io.raftkv.kv.KvResult;
import io.raftkv.server.Proposer.Proposal;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * The session this node uses for requests that bring none (curl, scripts): every command of the
 * store runs in a session (thesis §6.3), so the node registers one of its own the first time it
 * needs it as leader and numbers those requests itself.
 *
 * <p>Sequence numbers are handed out in order but requests finish in any order, so what the node
 * acknowledges to the store is everything below the oldest request still open: the store may then
 * forget those results, and refuses a late copy of any of them. A request that timed out counts as
 * finished; a late copy of it is then refused rather than applied twice.
 *
 * <p>At most {@link #MAX_OPEN} requests are open at once, because the store caches at most that
 * many unacknowledged results per session (KvConfig.maxPendingResultsPerSession, default 1024).
 */
final class InternalSession {
    static final int MAX_OPEN = 512;

    /** A request's place in the session. */
    record Ticket(long clientId, long sequence, long acknowledgedThrough) {
        KvCommand.Request request(KvCommand.Operation operation) {
            return new KvCommand.Request(0, clientId, sequence, acknowledgedThrough, operation);
        }
    }

    private final Proposer proposer;
    /** 0 while no session is registered. Guarded by this (as is everything below). */
    private long clientId;
    private CompletableFuture<Long> registering;
    private long lastSequence;
    private final TreeSet<Long> open = new TreeSet<>();

    InternalSession(Proposer proposer) {
        this.proposer = proposer;
    }

    /**
     * A ticket for one request, registering the session first if needed. Completes exceptionally
     * with an {@link IllegalStateException} when too many requests are open or registering failed;
     * the request was then not proposed.
     */
    CompletableFuture<Ticket> begin(EventExecutor timer, long deadlineNanos) {
        CompletableFuture<Long> session;
        synchronized (this) {
            if (open.size() >= MAX_OPEN) {
                return CompletableFuture.failedFuture(new IllegalStateException(MAX_OPEN
                        + " requests without a session are already waiting on this node"));
            }
            session = clientId != 0 ? CompletableFuture.completedFuture(clientId) : register(timer, deadlineNanos);
        }
        return session.thenApply(this::ticket);
    }

    /** The request holding {@code ticket} has its answer (or gave up). */
    synchronized void end(Ticket ticket) {
        if (ticket.clientId() == clientId) {
            open.remove(ticket.sequence());
        }
    }

    /** The store no longer knows the session (expired or evicted): the next request registers anew. */
    synchronized void lost(long lostClientId) {
        if (clientId == lostClientId) {
            clientId = 0;
        }
    }

    private synchronized Ticket ticket(long sessionId) {
        if (sessionId != clientId) {
            throw new IllegalStateException("the node's session changed while a request waited for it");
        }
        long sequence = ++lastSequence;
        long acknowledged = open.isEmpty() ? sequence - 1 : open.first() - 1;
        open.add(sequence);
        return new Ticket(sessionId, sequence, acknowledged);
    }

    /** One registration at a time; everyone who needs the session waits for it. Holds the monitor. */
    private CompletableFuture<Long> register(EventExecutor timer, long deadlineNanos) {
        if (registering != null) {
            return registering;
        }
        CompletableFuture<Long> result = new CompletableFuture<>();
        registering = result;
        proposer.propose(new KvCommand.Register(0), timer, deadlineNanos).whenComplete((proposal, failure) -> {
            synchronized (this) {
                registering = null;
                if (proposal instanceof Proposal.Applied applied
                        && applied.result() instanceof KvResult.Registered registered) {
                    clientId = registered.clientId();
                    lastSequence = 0;
                    open.clear();
                }
            }
            if (clientId() != 0) {
                result.complete(clientId());
            } else {
                result.completeExceptionally(new IllegalStateException("the node could not register its own session: "
                        + (failure != null ? failure : proposal)));
            }
        });
        return result;
    }

    private synchronized long clientId() {
        return clientId;
    }
}
