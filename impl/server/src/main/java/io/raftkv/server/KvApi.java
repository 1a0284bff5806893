package io.raftkv.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.raftkv.client.Api;
import io.raftkv.client.MembershipReport;
import io.raftkv.client.NodeStatus;
import io.raftkv.core.Membership;
import io.raftkv.core.MembershipChange;
import io.raftkv.core.NodeState;
import io.raftkv.core.ProposeResult;
import io.raftkv.core.Role;
import io.raftkv.core.TransferResult;
import io.raftkv.kv.Bytes;
import io.raftkv.kv.KvCommand;
import io.raftkv.kv.Versioned;
import io.raftkv.node.real.NodeRunner;
import io.raftkv.node.real.WalLogStore;
import io.raftkv.server.Proposer.Proposal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client API (paths and formats in {@link Api}): routes a request, reads and checks it, and
 * either answers at once (status, local reads, bad input, redirects), confirms a linearizable read
 * with ReadIndex (on a follower, through its leader), or proposes a command and answers when it is
 * applied. See impl/server/README.md for the whole API with examples.
 */
final class KvApi {
    private final ServerConfig config;
    private final NodeRunner runner;
    private final KvApplier applier;
    private final Proposer proposer;
    private final InternalSession internal;
    private final AtomicInteger pending = new AtomicInteger();

    KvApi(ServerConfig config, NodeRunner runner, KvApplier applier) {
        this.config = config;
        this.runner = runner;
        this.applier = applier;
        this.proposer = new Proposer(runner, applier);
        this.internal = new InternalSession(proposer);
    }

    /**
     * Answers {@code request}. Everything read from the request is read before this returns (the
     * caller releases it then); the future completes on the node's thread or a timer of
     * {@code executor}, never later than the request timeout.
     */
    CompletableFuture<FullHttpResponse> handle(FullHttpRequest request, EventExecutor executor) {
        try {
            return route(request, executor);
        } catch (ApiException refused) {
            FullHttpResponse response = Replies.failed(refused.status, refused.code, refused.getMessage());
            if (refused.allow != null) {
                response.headers().set(HttpHeaderNames.ALLOW, refused.allow);
            }
            return CompletableFuture.completedFuture(response);
        }
    }

    private CompletableFuture<FullHttpResponse> route(FullHttpRequest request, EventExecutor executor) {
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        String path = query.rawPath();
        HttpMethod method = request.method();
        if (path.equals(Api.STATUS_PATH)) {
            allow(method, HttpMethod.GET);
            return done(Replies.json(HttpResponseStatus.OK, status()));
        }
        if (path.equals(Api.SESSIONS_PATH)) {
            allow(method, HttpMethod.POST);
            return throughLog(new KvCommand.Register(0), Bytes.EMPTY, request, executor);
        }
        if (path.startsWith(Api.SESSIONS_PATH + "/")) {
            allow(method, HttpMethod.DELETE);
            long clientId = RequestReader.positive(path.substring(Api.SESSIONS_PATH.length() + 1), "the client id");
            return throughLog(new KvCommand.Unregister(0, clientId), Bytes.EMPTY, request, executor);
        }
        if (path.equals(Api.TRANSFER_PATH)) {
            allow(method, HttpMethod.POST);
            int target = (int) RequestReader.positive(query.parameters().getOrDefault(Api.TRANSFER_TARGET_PARAMETER,
                    List.of("")).get(0), "the transfer target (" + Api.TRANSFER_TARGET_PARAMETER + "=N)");
            return guarded(request, executor, deadline -> transfer(target, request.uri()));
        }
        if (path.equals(Api.MEMBERS_PATH)) {
            return members(request, query, executor);
        }
        if (path.startsWith(Api.KV_PREFIX)) {
            return key(request, query, RequestReader.key(path.substring(Api.KV_PREFIX.length())), executor);
        }
        if (path.startsWith(Api.CAS_PREFIX)) {
            allow(method, HttpMethod.POST);
            Bytes key = RequestReader.key(path.substring(Api.CAS_PREFIX.length()));
            return operation(RequestReader.compareAndSet(key, request), request, executor);
        }
        throw new ApiException(HttpResponseStatus.NOT_FOUND, Api.NOT_FOUND, "no such path: " + path + " (the API"
                + " is under /v1/kv/, /v1/cas/, /v1/sessions, /v1/status, /v1/admin/transfer and /v1/admin/members)");
    }

    private CompletableFuture<FullHttpResponse> key(FullHttpRequest request, QueryStringDecoder query, Bytes key,
            EventExecutor executor) {
        HttpMethod method = request.method();
        if (method.equals(HttpMethod.GET)) {
            RequestReader.Consistency consistency = RequestReader.consistency(query);
            if (consistency == RequestReader.Consistency.LOCAL) {
                return done(localRead(key));
            }
            if (RequestReader.session(request.headers()).isPresent()) {
                return operation(new KvCommand.Get(key), request, executor); // in its session, through the log
            }
            boolean lease = consistency == RequestReader.Consistency.LEASE;
            return guarded(request, executor, true, deadline -> linearizableRead(key, lease, executor, deadline,
                    request.uri()));
        }
        if (method.equals(HttpMethod.PUT)) {
            return operation(new KvCommand.Put(key, RequestReader.putValue(request)), request, executor);
        }
        if (method.equals(HttpMethod.DELETE)) {
            return operation(new KvCommand.Delete(key), request, executor);
        }
        throw methodNotAllowed(method, "GET, PUT, DELETE");
    }

    /** A key operation, in the request's own session if it brings one, else in the node's. */
    private CompletableFuture<FullHttpResponse> operation(KvCommand.Operation operation, FullHttpRequest request,
            EventExecutor executor) {
        Optional<RequestReader.ClientSession> session = RequestReader.session(request.headers());
        if (session.isPresent()) {
            return throughLog(session.get().request(operation), operation.key(), request, executor);
        }
        return guarded(request, executor, deadline -> proposeInNodeSession(operation, executor, deadline, true)
                .thenApply(proposal -> ResultReplies.of(proposal, operation.key(), isGet(operation), config,
                        request.uri())));
    }

    private CompletableFuture<FullHttpResponse> throughLog(KvCommand command, Bytes key, FullHttpRequest request,
            EventExecutor executor) {
        boolean get = command instanceof KvCommand.Request r && isGet(r.operation());
        return guarded(request, executor, deadline -> proposer.propose(command, executor, deadline)
                .thenApply(proposal -> ResultReplies.of(proposal, key, get, config, request.uri())));
    }

    private CompletableFuture<FullHttpResponse> guarded(FullHttpRequest request, EventExecutor executor,
            java.util.function.LongFunction<CompletableFuture<FullHttpResponse>> body) {
        return guarded(request, executor, false, body);
    }

    /**
     * Sends followers' requests to the leader (but for a linearizable read, {@code readHere}, which a
     * follower that knows its leader forwards itself) and bounds the requests waiting on the log;
     * then runs {@code body} with the request's deadline.
     */
    private CompletableFuture<FullHttpResponse> guarded(FullHttpRequest request, EventExecutor executor,
            boolean readHere, java.util.function.LongFunction<CompletableFuture<FullHttpResponse>> body) {
        Optional<FullHttpResponse> elsewhere = leaderElsewhere(request.uri(), readHere);
        if (elsewhere.isPresent()) {
            return done(elsewhere.get());
        }
        if (pending.incrementAndGet() > config.maxPendingRequests()) {
            pending.decrementAndGet();
            return done(Replies.failed(HttpResponseStatus.SERVICE_UNAVAILABLE, Api.OVERLOADED,
                    config.maxPendingRequests() + " requests are already waiting on this node's log; retry later"));
        }
        long deadline = System.nanoTime() + config.requestTimeoutMillis() * 1_000_000L;
        CompletableFuture<FullHttpResponse> response = body.apply(deadline);
        response.whenComplete((done, failure) -> pending.decrementAndGet());
        return response;
    }

    /**
     * A redirect (or 503) unless this node leads, or, for a read, follows a leader it knows (the core
     * forwards the read; should it have lost the leader meanwhile, the read's own NotLeader answer
     * redirects). The leader's URL keeps the request's path and query.
     */
    private Optional<FullHttpResponse> leaderElsewhere(String uri, boolean readHere) {
        NodeRunner.Status status = runner.status();
        if (!status.running()) {
            return Optional.of(Replies.failed(HttpResponseStatus.SERVICE_UNAVAILABLE, Api.NODE_STOPPED,
                    "node " + config.id() + " has stopped: " + status.stopCause()));
        }
        if (status.state().role() == Role.LEADER) {
            return Optional.empty();
        }
        if (readHere && status.state().role() == Role.FOLLOWER && status.leaderId() != 0) {
            return Optional.empty();
        }
        Membership membership = status.state().config();
        if (status.leaderId() == 0 && membership != null && !membership.isMember(config.id())) {
            // A spare not yet added, or a removed server: it will hear of no leader; send the client on.
            return Optional.of(Replies.failed(HttpResponseStatus.SERVICE_UNAVAILABLE, Api.NOT_MEMBER, "node "
                    + config.id() + " is not a member of the cluster's configuration as it knows it (" + membership
                    + "); ask one of the members"));
        }
        return Optional.of(ResultReplies.notLeader(status.leaderId(), config, uri));
    }

    /**
     * Proposes in the node's own session; a session the store has forgotten (expired, evicted) is
     * registered again once and the request retried, since the refused copy certainly had no effect.
     */
    private CompletableFuture<Proposal> proposeInNodeSession(KvCommand.Operation operation, EventExecutor executor,
            long deadline, boolean mayRetry) {
        return internal.begin(executor, deadline).handle((ticket, failure) -> {
            if (failure != null) {
                return CompletableFuture.<Proposal>completedFuture(new Proposal.Refused(cause(failure).getMessage()));
            }
            return proposer.propose(ticket.request(operation), executor, deadline).thenCompose(proposal -> {
                internal.end(ticket);
                if (mayRetry && ResultReplies.isUnknownSession(proposal)) {
                    internal.lost(ticket.clientId());
                    return proposeInNodeSession(operation, executor, deadline, false);
                }
                return CompletableFuture.completedFuture(proposal);
            });
        }).thenCompose(proposal -> proposal);
    }

    /**
     * A linearizable read without a log entry (ReadIndex, thesis §6.4): the leader confirms with a
     * heartbeat round that it still leads, waits until it has applied what it had committed when the
     * read began, and answers from its state machine. A {@code lease} read skips the round while the
     * leader holds a lease (§6.4.1; with --lease-reads, otherwise it is a ReadIndex read). On a
     * follower the read is forwarded to the leader, which confirms a round of its own and answers with
     * its commit index; this node answers from its own state machine once it has applied that far
     * (lease or not: a follower holds no lease). A read changes nothing, so one that is not confirmed
     * (aborted, or not in time) certainly had no effect: it fails and may be retried anywhere.
     */
    private CompletableFuture<FullHttpResponse> linearizableRead(Bytes key, boolean lease, EventExecutor executor,
            long deadline, String uri) {
        CompletableFuture<FullHttpResponse> response = new CompletableFuture<>();
        long delay = deadline - System.nanoTime();
        ScheduledFuture<?> timeout = executor.schedule(() -> response.complete(Replies.failed(
                HttpResponseStatus.GATEWAY_TIMEOUT, Api.TIMEOUT, "the leader could not confirm the read within "
                        + config.requestTimeoutMillis() + " ms (a partition or an election); retry")),
                Math.max(delay, 0), TimeUnit.NANOSECONDS);
        response.whenComplete((done, failure) -> timeout.cancel(false));
        (lease ? runner.leaseRead() : runner.read()).whenComplete((outcome, failure) -> {
            if (failure != null) {
                response.complete(Replies.failed(HttpResponseStatus.SERVICE_UNAVAILABLE, Api.NODE_STOPPED,
                        "node " + config.id() + " is down: " + cause(failure).getMessage()));
                return;
            }
            if (response.isDone()) {
                return; // timed out meanwhile: build nothing that would only have to be released
            }
            FullHttpResponse answer = switch (outcome) {
                case NodeRunner.ReadOutcome.Confirmed confirmed -> {
                    Optional<Versioned> found = applier.readLocal(key);
                    yield found.isPresent()
                            ? Replies.json(HttpResponseStatus.OK, ResultReplies.found(key, found.get()))
                            : Replies.json(HttpResponseStatus.NOT_FOUND, ResultReplies.absent(key));
                }
                case NodeRunner.ReadOutcome.NotLeader notLeader -> ResultReplies.notLeader(notLeader.leaderHint(),
                        config, uri);
                case NodeRunner.ReadOutcome.Aborted aborted -> Replies.failed(HttpResponseStatus.SERVICE_UNAVAILABLE,
                        Api.READ_ABORTED, aborted.reason() + "; the read had no effect, retry (here or elsewhere)");
            };
            if (!response.complete(answer)) {
                answer.release(); // the timeout answered first
            }
        });
        return response;
    }

    /**
     * {@code GET}: this node's configuration, answered by any node. {@code POST ?op=..&id=N}: a
     * configuration change, which followers send to the leader like every write.
     */
    private CompletableFuture<FullHttpResponse> members(FullHttpRequest request, QueryStringDecoder query,
            EventExecutor executor) {
        HttpMethod method = request.method();
        if (method.equals(HttpMethod.GET)) {
            return done(Replies.json(HttpResponseStatus.OK, membership(runner.status())));
        }
        allow(method, HttpMethod.POST);
        MembershipChange change = RequestReader.membershipChange(query);
        if (!config.peers().containsKey(change.id())) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, Api.BAD_REQUEST, "server " + change.id() + " is"
                    + " not in this cluster's address book (servers " + config.peers().keySet() + "): its address is"
                    + " unknown to the members, so it could never receive the log");
        }
        return guarded(request, executor, deadline -> changeMembership(change, request.uri()));
    }

    /** A configuration change: 200 with the CONFIG entry's index once appended, 409 with the refusal. */
    private CompletableFuture<FullHttpResponse> changeMembership(MembershipChange change, String uri) {
        return runner.changeMembership(change).handle((result, failure) -> {
            if (failure != null) {
                return Replies.failed(HttpResponseStatus.SERVICE_UNAVAILABLE, Api.NODE_STOPPED,
                        "node " + config.id() + " is down: " + cause(failure).getMessage());
            }
            return switch (result) {
                case ProposeResult.Accepted accepted -> Replies.json(HttpResponseStatus.OK, Replies.object()
                        .put(Api.INDEX, accepted.index()).put(Api.TERM, accepted.term()));
                case ProposeResult.NotLeader notLeader -> ResultReplies.notLeader(notLeader.leaderHint(), config, uri);
                case ProposeResult.Dropped dropped -> Replies.failed(HttpResponseStatus.CONFLICT,
                        Api.MEMBERSHIP_REFUSED, dropped.reason());
            };
        });
    }

    /** The node's configuration as {@link MembershipReport}. */
    private static MembershipReport membership(NodeRunner.Status status) {
        NodeState state = status.state();
        Membership membership = state.config();
        return new MembershipReport(status.id(), state.role().name(), state.currentTerm(), status.leaderId(),
                membership.voters(), membership.outgoing(), membership.learners(), status.membershipCommitted(),
                state.commitIndex(), state.logLength(), status.matchIndex());
    }

    /** Leadership transfer: 200 once the leader began handing over, 409 when it refused. */
    private CompletableFuture<FullHttpResponse> transfer(int target, String uri) {
        return runner.transferLeadership(target).handle((result, failure) -> {
            if (failure != null) {
                return Replies.failed(HttpResponseStatus.SERVICE_UNAVAILABLE, Api.NODE_STOPPED,
                        "node " + config.id() + " is down: " + cause(failure).getMessage());
            }
            return switch (result) {
                case TransferResult.Started started -> Replies.json(HttpResponseStatus.OK,
                        Replies.object().put(Api.TRANSFERRING_TO, started.target()));
                case TransferResult.NotLeader notLeader -> ResultReplies.notLeader(notLeader.leaderHint(), config, uri);
                case TransferResult.Refused refused -> Replies.failed(HttpResponseStatus.CONFLICT, Api.BAD_REQUEST,
                        refused.reason());
            };
        });
    }

    private FullHttpResponse localRead(Bytes key) {
        long applied = applier.appliedIndex();
        Optional<Versioned> found = applier.readLocal(key);
        ObjectNode body = found.isPresent() ? ResultReplies.found(key, found.get())
                : ResultReplies.absent(key);
        body.put(Api.APPLIED_INDEX, applied);
        return Replies.json(found.isPresent() ? HttpResponseStatus.OK : HttpResponseStatus.NOT_FOUND, body);
    }

    NodeStatus status() {
        NodeRunner.Status status = runner.status();
        NodeState state = status.state();
        List<NodeStatus.Member> members = new ArrayList<>();
        for (Map.Entry<Integer, java.net.InetSocketAddress> peer : config.peers().entrySet()) {
            members.add(new NodeStatus.Member(peer.getKey(), peer.getValue().getHostString() + ":"
                    + peer.getValue().getPort(), config.clientUrl(peer.getKey())));
        }
        int leader = status.leaderId();
        NodeRunner.ReadCounts reads = runner.readCounts();
        WalLogStore.WriteCounts writes = runner.writeCounts();
        return new NodeStatus(config.id(), state.role().name(), state.currentTerm(), leader,
                leader == 0 ? null : config.clientUrl(leader), state.commitIndex(), status.appliedIndex(),
                state.logLength(), state.durableLength(), status.running(),
                status.stopCause() == null ? null : status.stopCause().toString(), config.tickMillis(),
                config.electionTimeoutMillis(), members, membership(status), config.leaseReads(),
                config.leaseMillis(), reads.byLease(), reads.byReadIndex(), reads.forwarded(), writes.entries(),
                writes.syncs(), runner.leadersGivenUp());
    }

    private static boolean isGet(KvCommand.Operation operation) {
        return operation instanceof KvCommand.Get;
    }

    private static void allow(HttpMethod method, HttpMethod allowed) {
        if (!method.equals(allowed)) {
            throw methodNotAllowed(method, allowed.name());
        }
    }

    private static ApiException methodNotAllowed(HttpMethod method, String allowed) {
        return new ApiException(HttpResponseStatus.METHOD_NOT_ALLOWED, Api.METHOD_NOT_ALLOWED, method
                + " is not allowed here; allowed: " + allowed, allowed);
    }

    private static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static CompletableFuture<FullHttpResponse> done(FullHttpResponse response) {
        return CompletableFuture.completedFuture(response);
    }
}
