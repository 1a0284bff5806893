package io.raftkv.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The raftkv client library: put, get, delete and compare-and-set against a cluster, with leader
 * discovery, redirects, timeouts and retries that are safe because of exactly-once sessions.
 *
 * <h2>How an operation runs</h2>
 * The client opens a session (POST /v1/sessions) on first use. Each write gets the next
 * sequence number of the session and keeps it across every retry, so the store applies it at most
 * once and answers a retry with the first result (thesis §6.3). A read goes without a session: it
 * is confirmed by the leader's ReadIndex and changes nothing. A write is sent to the leader it last
 * heard of, or else to the endpoints in turn; a 307 from a follower names the leader. A read is sent
 * to the endpoints in turn and answered where it lands: a follower forwards it to its leader and
 * answers it itself (thesis §6.4), so reads spread over the endpoints instead of all going to the
 * leader; a 307 for a read (a node that knows no leader yet, a server from before follower reads)
 * is followed for that read only. A lease read goes to the leader, which alone holds a lease. A refused connection moves on to the next endpoint; an answer
 * that says no leader is known or that the read was aborted, or a timeout, is retried after a short
 * pause, until the operation's deadline.
 *
 * <h2>Outcomes</h2>
 * {@link Outcome.Ok} when an answer came back; {@link Outcome.Failed} when the store refused the
 * operation for good (a failed compare-and-set, a bad request) or when no attempt can have reached
 * a leader (every one was refused before it was appended); {@link Outcome.Unknown} when the
 * deadline passed after an attempt that may have been applied: the operation may still take
 * effect, until the next operation of this client acknowledges past it and the store refuses any
 * late copy.
 *
 * <p>One operation at a time per client (the methods are synchronized); for concurrency use one
 * client per thread, each with its own session. The client starts no thread.
 */
public final class RaftKvClient implements AutoCloseable {

    /**
     * @param endpoints        the nodes' client addresses, tried in this order while no leader is known
     * @param operationTimeout an operation gives up after this long, retries included
     * @param attemptTimeout   one request waits this long for its answer
     * @param connectTimeout   opening a connection waits this long
     * @param retryPauseMax    the pause between attempts starts at 5 ms and doubles up to this
     */
    public record Options(List<Endpoint> endpoints, Duration operationTimeout, Duration attemptTimeout,
            Duration connectTimeout, Duration retryPauseMax) {
        public Options {
            endpoints = List.copyOf(endpoints);
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("the client needs at least one endpoint");
            }
            requirePositive(operationTimeout, "operationTimeout");
            requirePositive(attemptTimeout, "attemptTimeout");
            requirePositive(connectTimeout, "connectTimeout");
            requirePositive(retryPauseMax, "retryPauseMax");
        }

        /** 10 s per operation, 2 s per attempt, 1 s to connect, pauses up to 100 ms. */
        public static Options defaults(List<Endpoint> endpoints) {
            return new Options(endpoints, Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(1),
                    Duration.ofMillis(100));
        }

        public Options withOperationTimeout(Duration timeout) {
            return new Options(endpoints, timeout, attemptTimeout, connectTimeout, retryPauseMax);
        }

        public Options withAttemptTimeout(Duration timeout) {
            return new Options(endpoints, operationTimeout, timeout, connectTimeout, retryPauseMax);
        }

        public Options withRetryPauseMax(Duration pause) {
            return new Options(endpoints, operationTimeout, attemptTimeout, connectTimeout, pause);
        }

        private static void requirePositive(Duration duration, String name) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + duration);
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Options options;
    private final Map<Endpoint, HttpConnection> connections = new HashMap<>();
    /** The leader last heard of, null if none. */
    private Endpoint leader;
    /** Index into the endpoints of the next one to try while no leader is known. */
    private int nextEndpoint;
    /** The session's client id, 0 while there is none. */
    private long clientId;
    /** The last sequence number used in the session; every earlier operation has ended. */
    private long lastSequence;

    private RaftKvClient(Options options) {
        this.options = options;
    }

    public static RaftKvClient connect(Options options) {
        return new RaftKvClient(options);
    }

    public static RaftKvClient connect(List<Endpoint> endpoints) {
        return new RaftKvClient(Options.defaults(endpoints));
    }

    /** Writes {@code value} under {@code key}; Ok holds the new version. */
    public synchronized Outcome<Long> put(String key, byte[] value) {
        return execute(new Call<>("PUT", kvPath(key), value, false, RaftKvClient::written));
    }

    /**
     * A linearizable read (the leader confirms it with ReadIndex, no log entry; asked of a follower,
     * the follower forwards it and answers it); Ok holds the value and its version, or empty if the
     * key is absent. A read changes nothing, so it needs no session and is retried freely, an aborted
     * one included.
     */
    public synchronized Outcome<Optional<VersionedValue>> get(String key) {
        return linearizableGet(kvPath(key), true);
    }

    /**
     * A linearizable read the leader may answer from its lease, without a heartbeat round
     * ({@code ?consistency=lease}, servers started with --lease-reads; a server without it answers
     * it as {@link #get}). Outcomes and retries as for {@link #get}; sent to the leader like a write,
     * since only the leader holds a lease (a follower would forward it for a round).
     */
    public synchronized Outcome<Optional<VersionedValue>> getLease(String key) {
        return linearizableGet(kvPath(key) + "?" + Api.CONSISTENCY_PARAMETER + "=" + Api.CONSISTENCY_LEASE, false);
    }

    private Outcome<Optional<VersionedValue>> linearizableGet(String path, boolean anyNode) {
        Attempts attempts = new Attempts(System.nanoTime() + options.operationTimeout().toNanos());
        return attemptUntilAnswered(new Call<>("GET", path, new byte[0], false, anyNode, RaftKvClient::read),
                Map.of(), attempts).orElseThrow(() -> new IllegalStateException("a read without a session lost"
                        + " its session"));
    }

    /** Deletes {@code key}; Ok holds whether it existed. */
    public synchronized Outcome<Boolean> delete(String key) {
        return execute(new Call<>("DELETE", kvPath(key), new byte[0], false,
                body -> new Outcome.Ok<>(body.path(Api.DELETED).asBoolean())));
    }

    /**
     * Writes {@code replacement} if the key holds exactly {@code expected}; Ok holds the new version,
     * Failed with error {@code compare_failed} says the key held something else (or nothing).
     */
    public synchronized Outcome<Long> compareAndSet(String key, byte[] expected, byte[] replacement) {
        ObjectNode body = JSON.createObjectNode();
        Api.putBytes(body, Api.EXPECTED, expected);
        Api.putBytes(body, Api.VALUE, replacement);
        return execute(new Call<>("POST", Api.CAS_PREFIX + Api.encodeKey(key), json(body), true,
                RaftKvClient::written));
    }

    /** Writes {@code replacement} if the key's version is {@code expectedVersion} (0: absent). */
    public synchronized Outcome<Long> compareAndSetVersion(String key, long expectedVersion, byte[] replacement) {
        ObjectNode body = JSON.createObjectNode();
        body.put(Api.EXPECTED_VERSION, expectedVersion);
        Api.putBytes(body, Api.VALUE, replacement);
        return execute(new Call<>("POST", Api.CAS_PREFIX + Api.encodeKey(key), json(body), true,
                RaftKvClient::written));
    }

    /**
     * Asks the leader to hand leadership to node {@code target} (thesis §3.10); Ok once the leader
     * began the handover (the target campaigns once its log is complete; the leader gives up after
     * an election timeout), Failed if the leader refused (no such member, a transfer already under
     * way). Watch the target's status to see it lead.
     */
    public synchronized Outcome<Integer> transferLeadership(int target) {
        Attempts attempts = new Attempts(System.nanoTime() + options.operationTimeout().toNanos());
        Call<Integer> call = new Call<>("POST", Api.TRANSFER_PATH + "?" + Api.TRANSFER_TARGET_PARAMETER + "=" + target,
                new byte[0], false, body -> new Outcome.Ok<>(body.path(Api.TRANSFERRING_TO).asInt()));
        return attemptUntilAnswered(call, Map.of(), attempts)
                .orElseThrow(() -> new IllegalStateException("a request without a session lost its session"));
    }

    /**
     * Asks the leader for a configuration change (thesis §4.3): {@code op} is
     * {@link Api#OP_ADD_LEARNER}, {@link Api#OP_PROMOTE} or {@link Api#OP_REMOVE}. Ok with the index
     * of the CONFIG entry once the leader appended it (not yet committed: watch
     * {@link #membership}); Failed with the leader's reason ({@link Api#MEMBERSHIP_REFUSED}: not
     * caught up, another change in progress, no such member, the last voter) or for a bad request.
     * Not exactly-once: a retry after a lost answer may be refused as already done.
     */
    public synchronized Outcome<Long> changeMembership(String op, int id) {
        Attempts attempts = new Attempts(System.nanoTime() + options.operationTimeout().toNanos());
        Call<Long> call = new Call<>("POST", Api.MEMBERS_PATH + "?" + Api.MEMBERS_OP_PARAMETER + "=" + op + "&"
                + Api.MEMBERS_ID_PARAMETER + "=" + id, new byte[0], false,
                body -> new Outcome.Ok<>(body.path(Api.INDEX).asLong()));
        return attemptUntilAnswered(call, Map.of(), attempts)
                .orElseThrow(() -> new IllegalStateException("a request without a session lost its session"));
    }

    /** One node's configuration as it sees it, asked once (no retry, no redirect), within the attempt timeout. */
    public synchronized Outcome<MembershipReport> membership(Endpoint endpoint) {
        long deadline = System.nanoTime() + options.attemptTimeout().toNanos();
        try {
            HttpReply reply = connection(endpoint).exchange("GET", Api.MEMBERS_PATH, Map.of(), new byte[0], deadline);
            if (reply.status() != 200) {
                return new Outcome.Failed<>(Api.INTERNAL, endpoint + " answered HTTP " + reply.status());
            }
            return new Outcome.Ok<>(JSON.readValue(reply.body(), MembershipReport.class));
        } catch (HttpConnection.NotSentException notSent) {
            return new Outcome.Failed<>(Api.NODE_STOPPED, notSent.getMessage());
        } catch (IOException failed) {
            return new Outcome.Unknown<>("no answer from " + endpoint + ": " + failed.getMessage());
        }
    }

    /**
     * A read of one node's own state machine (?consistency=local), asked once, within the attempt
     * timeout: not linearizable, since the node may lag the leader or be cut off from it.
     */
    public synchronized Outcome<Optional<VersionedValue>> readLocal(Endpoint endpoint, String key) {
        long deadline = System.nanoTime() + options.attemptTimeout().toNanos();
        String path = kvPath(key) + "?" + Api.CONSISTENCY_PARAMETER + "=" + Api.CONSISTENCY_LOCAL;
        try {
            HttpReply reply = connection(endpoint).exchange("GET", path, Map.of(), new byte[0], deadline);
            JsonNode body = parse(reply.body());
            if (reply.status() == 200 || reply.status() == 404 && Api.KEY_NOT_FOUND.equals(body.path(Api.ERROR)
                    .asText())) {
                return read(body);
            }
            return new Outcome.Failed<>(body.path(Api.ERROR).asText(Api.INTERNAL), endpoint + " answered HTTP "
                    + reply.status() + ": " + body.path(Api.MESSAGE).asText(""));
        } catch (IOException failed) {
            return new Outcome.Failed<>(Api.NODE_STOPPED, "no answer from " + endpoint + ": " + failed.getMessage());
        }
    }

    /** One node's status, asked once (no retry, no redirect), within the attempt timeout. */
    public synchronized Outcome<NodeStatus> status(Endpoint endpoint) {
        long deadline = System.nanoTime() + options.attemptTimeout().toNanos();
        try {
            HttpReply reply = connection(endpoint).exchange("GET", Api.STATUS_PATH, Map.of(), new byte[0], deadline);
            if (reply.status() != 200) {
                return new Outcome.Failed<>(Api.INTERNAL, endpoint + " answered HTTP " + reply.status());
            }
            return new Outcome.Ok<>(JSON.readValue(reply.body(), NodeStatus.class));
        } catch (HttpConnection.NotSentException notSent) {
            return new Outcome.Failed<>(Api.NODE_STOPPED, notSent.getMessage());
        } catch (IOException failed) {
            return new Outcome.Unknown<>("no status from " + endpoint + ": " + failed.getMessage());
        }
    }

    /** The session's client id, 0 before the first operation opened one. */
    public synchronized long clientId() {
        return clientId;
    }

    /** Closes the session (best effort, within a second) and the connections. */
    @Override
    public synchronized void close() {
        if (clientId != 0) {
            Call<Boolean> unregister = new Call<>("DELETE", Api.SESSIONS_PATH + "/" + clientId, new byte[0], false,
                    body -> new Outcome.Ok<>(true));
            attemptUntilAnswered(unregister, Map.of(), new Attempts(System.nanoTime() + 1_000_000_000L));
            clientId = 0;
        }
        connections.values().forEach(HttpConnection::close);
        connections.clear();
    }

    // ------------------------------------------------------------------------------------------

    /**
     * One request and how to read its answer.
     *
     * @param anyNode   a linearizable read: any member answers it (a follower through its leader),
     *                  so it goes to the endpoints in turn rather than to the leader
     * @param interpret reads the body of a 200 (or of a 404 key_not_found) into the outcome
     */
    private record Call<T>(String method, String path, byte[] body, boolean json, boolean anyNode,
            Function<JsonNode, Outcome<T>> interpret) {
        Call(String method, String path, byte[] body, boolean json, Function<JsonNode, Outcome<T>> interpret) {
            this(method, path, body, json, false, interpret);
        }
    }

    /** What one attempt decided. */
    private sealed interface Step<T> {
        record Done<T>(Outcome<T> outcome) implements Step<T> {}

        record Retry<T>() implements Step<T> {}

        record SessionLost<T>() implements Step<T> {}
    }

    /** Runs an operation within the session: its sequence number stays the same across retries. */
    private <T> Outcome<T> execute(Call<T> call) {
        Attempts attempts = new Attempts(System.nanoTime() + options.operationTimeout().toNanos());
        while (true) {
            Optional<Outcome<T>> noSession = ensureSession(attempts);
            if (noSession.isPresent()) {
                return noSession.get();
            }
            long sequence = ++lastSequence;
            Map<String, String> headers = Map.of(Api.HEADER_CLIENT_ID, Long.toString(clientId), Api.HEADER_SEQUENCE,
                    Long.toString(sequence), Api.HEADER_ACKNOWLEDGED, Long.toString(sequence - 1));
            Optional<Outcome<T>> answer = attemptUntilAnswered(call, headers, attempts);
            if (answer.isPresent()) {
                return answer.get();
            }
            // The store no longer knows the session (expired or evicted). If no attempt can have been
            // applied, the operation starts over in a new session; otherwise it is of unknown outcome.
            clientId = 0;
            if (attempts.maybeApplied) {
                return new Outcome.Unknown<>("the session ended while an earlier attempt's outcome was unknown");
            }
        }
    }

    /** Opens a session unless there is one; an outcome only when that failed. */
    private <T> Optional<Outcome<T>> ensureSession(Attempts attempts) {
        if (clientId != 0) {
            return Optional.empty();
        }
        Call<Long> register = new Call<>("POST", Api.SESSIONS_PATH, new byte[0], false,
                body -> new Outcome.Ok<>(body.path(Api.CLIENT_ID).asLong()));
        Attempts registering = new Attempts(attempts.deadlineNanos);
        Optional<Outcome<Long>> registered = attemptUntilAnswered(register, Map.of(), registering);
        if (registered.isPresent() && registered.get() instanceof Outcome.Ok<Long> ok && ok.value() > 0) {
            clientId = ok.value();
            lastSequence = 0;
            return Optional.empty();
        }
        String why = registered.map(Outcome::describe).orElse("the session was refused");
        return Optional.of(new Outcome.Failed<>("no_session", "cannot open a session: " + why));
    }

    /** Attempts until an answer or the deadline; empty if the store no longer knows the session. */
    private <T> Optional<Outcome<T>> attemptUntilAnswered(Call<T> call, Map<String, String> headers,
            Attempts attempts) {
        while (true) {
            Step<T> step = attempt(call, headers, attempts);
            if (step instanceof Step.Done<T> done) {
                return Optional.of(done.outcome());
            }
            if (step instanceof Step.SessionLost<T>) {
                return Optional.empty();
            }
            if (attempts.expired()) {
                return Optional.of(attempts.giveUp());
            }
            attempts.pause();
        }
    }

    private <T> Step<T> attempt(Call<T> call, Map<String, String> sessionHeaders, Attempts attempts) {
        Endpoint target = call.anyNode() ? attempts.readTarget() : target();
        long deadline = Math.min(attempts.deadlineNanos, System.nanoTime() + options.attemptTimeout().toNanos());
        Map<String, String> headers = new LinkedHashMap<>(sessionHeaders);
        if (call.json()) {
            headers.put("Content-Type", "application/json");
        }
        try {
            HttpReply reply = connection(target).exchange(call.method(), call.path(), headers, call.body(), deadline);
            return classify(call, target, reply, attempts);
        } catch (HttpConnection.NotSentException notSent) {
            unreachable(target, attempts);
            return attempts.retry(false, notSent.getMessage(), false);
        } catch (IOException lost) {
            unreachable(target, attempts);
            return attempts.retry(true, "no answer from " + target + ": " + lost.getMessage(), false);
        }
    }

    /** Turns an answer into an outcome, or into the next step. */
    private <T> Step<T> classify(Call<T> call, Endpoint from, HttpReply reply, Attempts attempts) {
        JsonNode body = parse(reply.body());
        String error = body.path(Api.ERROR).asText("");
        if (reply.status() == 200 || (reply.status() == 404 && error.equals(Api.KEY_NOT_FOUND))) {
            return new Step.Done<>(call.interpret().apply(body));
        }
        if (reply.status() == 307 && body.hasNonNull(Api.LEADER_URL)) {
            leader = Endpoint.parse(body.get(Api.LEADER_URL).asText());
            if (call.anyNode()) {
                attempts.redirected = leader;
            }
            return attempts.retry(false, from + " redirected to the leader at " + leader, false);
        }
        String message = body.path(Api.MESSAGE).asText("HTTP " + reply.status() + " from " + from);
        switch (error) {
            case Api.UNKNOWN_SESSION:
                return new Step.SessionLost<>();
            case Api.COMPARE_FAILED, Api.BAD_REQUEST, Api.PAYLOAD_TOO_LARGE, Api.NOT_FOUND, Api.METHOD_NOT_ALLOWED,
                    Api.MEMBERSHIP_REFUSED:
                return new Step.Done<>(new Outcome.Failed<>(error, message));
            case Api.STALE_SEQUENCE:
                return new Step.Done<>(new Outcome.Unknown<>(message));
            case Api.NO_LEADER, Api.NODE_STOPPED, Api.NOT_MEMBER, Api.READ_ABORTED:
                unreachable(from, attempts);
                break;
            default:
                break;
        }
        boolean failed = !error.isEmpty() && Api.OUTCOME_FAILED.equals(body.path(Api.OUTCOME).asText());
        return attempts.retry(!failed, error.isEmpty() ? message : error + ": " + message, true);
    }

    private Endpoint target() {
        List<Endpoint> endpoints = options.endpoints();
        return leader != null ? leader : endpoints.get(Math.floorMod(nextEndpoint, endpoints.size()));
    }

    /**
     * The next attempt goes elsewhere: to the next endpoint, or to the first after a stale leader
     * (which a read that followed a redirect forgets too).
     */
    private void unreachable(Endpoint endpoint, Attempts attempts) {
        if (endpoint.equals(attempts.redirected)) {
            attempts.redirected = null;
        }
        if (endpoint.equals(leader)) {
            leader = null;
        } else {
            nextEndpoint++;
        }
    }

    private HttpConnection connection(Endpoint endpoint) {
        return connections.computeIfAbsent(endpoint,
                e -> new HttpConnection(e, (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis())));
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode node = body.length == 0 ? null : JSON.readTree(body);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException notJson) {
            return JSON.createObjectNode();
        }
    }

    private static byte[] json(ObjectNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException impossible) {
            throw new IllegalStateException("cannot write JSON", impossible);
        }
    }

    private static String kvPath(String key) {
        return Api.KV_PREFIX + Api.encodeKey(key);
    }

    private static Outcome<Long> written(JsonNode body) {
        return new Outcome.Ok<>(body.path(Api.VERSION).asLong());
    }

    private static Outcome<Optional<VersionedValue>> read(JsonNode body) {
        if (!body.path(Api.FOUND).asBoolean(true)) {
            return new Outcome.Ok<>(Optional.empty());
        }
        byte[] value = Api.readBytes(body, Api.VALUE).orElse(new byte[0]);
        return new Outcome.Ok<>(Optional.of(new VersionedValue(value, body.path(Api.VERSION).asLong())));
    }

    /**
     * The retry state of one operation: its deadline, whether any attempt may have been applied
     * (then giving up is Unknown, never Failed), the last reason, and the pause between attempts.
     */
    private final class Attempts {
        static final long PAUSE_NANOS_MIN = 5_000_000;

        final long deadlineNanos;
        boolean maybeApplied;
        String lastReason = "no attempt";
        /** Attempts since the last pause that moved on at once (redirects, refused connections). */
        int hops;
        int pauses;
        boolean pauseNext;
        /** The caller's thread was interrupted: the operation ends at once, as at its deadline. */
        boolean interrupted;
        /** A read that a node redirected: where its next attempts go, null while none was. */
        Endpoint redirected;

        Attempts(long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
        }

        /** Where a read goes: where it was redirected, else the endpoint in turn (any member answers). */
        Endpoint readTarget() {
            List<Endpoint> endpoints = options.endpoints();
            return redirected != null ? redirected : endpoints.get(Math.floorMod(nextEndpoint, endpoints.size()));
        }

        <T> Step<T> retry(boolean mayHaveBeenApplied, String reason, boolean pause) {
            maybeApplied |= mayHaveBeenApplied;
            lastReason = reason;
            // Moving on at once is right once per endpoint; a full round of redirects and refusals
            // means the cluster is between leaders, and the next round waits.
            pauseNext = pause || ++hops >= options.endpoints().size();
            return new Step.Retry<>();
        }

        boolean expired() {
            return interrupted || System.nanoTime() >= deadlineNanos;
        }

        void pause() {
            if (!pauseNext) {
                return;
            }
            hops = 0;
            long pause = Math.min(options.retryPauseMax().toNanos(), PAUSE_NANOS_MIN << Math.min(pauses++, 10));
            long sleep = Math.min(pause, deadlineNanos - System.nanoTime());
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    interrupted = true;
                }
            }
        }

        <T> Outcome<T> giveUp() {
            String message = "no answer within " + options.operationTimeout().toMillis() + " ms; last: " + lastReason;
            return maybeApplied ? new Outcome.Unknown<>(message) : new Outcome.Failed<>(Api.TIMEOUT, message);
        }
    }
}
