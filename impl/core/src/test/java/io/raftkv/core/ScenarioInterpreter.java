package io.raftkv.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Runs one scenario command and returns its output: the events the nodes emitted while it ran
 * (one line each: node, spec action, details, post-state) followed by what the command prints.
 *
 * <pre>
 * cluster N [prevote=on|off] [checkquorum=on|off] [timeout=MIN..MAX] [heartbeat=H] [inflight=K]
 *           [maxbytes=B] [uncommitted=B] [seed=S] [lease=DRIFT]
 *                                                  a fresh cluster of nodes 1..N; lease= turns
 *                                                  lease reads on with that drift bound in ticks
 * events on|off                 print events (default on)
 * campaign N                    node N's election timeout fires now
 * tick N|all [xK]               K ticks (default 1)
 * run K                         K rounds of: tick every live node, deliver what is in flight
 * tick-election N               tick N until its role changes (at most electionTimeoutTicksMax ticks)
 * tick-heartbeat N              heartbeatIntervalTicks ticks of N
 * propose N VALUE               client command VALUE at node N
 * transfer N TARGET             leader N hands leadership to TARGET
 * read N CTX                    a linearizable read (ReadIndex) at node N with context CTX; the
 *                               node's Readies print "answers read" or "aborts read" lines
 * lease-read N CTX              a lease read at node N (a ReadIndex read when it holds no lease)
 * deliver [SEL]                 deliver the matching messages in flight now, in order
 * stabilize                     deliver until nothing is in flight
 * drop|duplicate|reorder [SEL]  network faults on the matching messages in flight
 * partition A B | C D           cut every link between the groups; cut F->T cuts one direction
 * heal                          restore every link
 * disconnect N PEER             PEER's connection to N closed (its process exited): prints whether
 *                               N gave up PEER as its leader
 * crash N / restart N           crash keeps only the disk (writes not yet complete are lost);
 *                               restart emits Restart
 * hold-persist N                from now on N's async writes stay pending (its messages still
 *                               leave); a sync write still completes at once, after the pending ones
 * release-persist N [I]         complete N's pending writes (up to index I: also the part of a
 *                               write up to I) and report them; without I, N persists at once again
 * restart-with N term=T vote=V commit=C [snapshot=I@T] log=T1,T2,...
 *                               replace N's disk with this state and restart it
 * status / log N|all / msgs / progress N / applied N
 * expect N [term=T] [vote=V] [role=R] [commit=C] [last=L] [durable=D] [terms=T1,T2,..]
 *                               a hard check that holds even in rewrite mode: the scenario fails
 *                               unless node N (live) has exactly these values; terms= lists the
 *                               terms of entries firstIndex..lastIndex
 * SEL = F->T with * for any, optionally followed by a type (App AppResp Vote VoteResp PreVote
 *       PreVoteResp TimeoutNow) and n=K (only the first K matching messages); n=K must come last
 * </pre>
 */
final class ScenarioInterpreter {
    private ScenarioCluster cluster;
    private final StringBuilder out = new StringBuilder();

    String execute(String line) {
        out.setLength(0);
        String[] words = line.trim().split("\\s+");
        String[] args = Arrays.copyOfRange(words, 1, words.length);
        if (!words[0].equals("cluster") && cluster == null) {
            throw new IllegalArgumentException("start the scenario with 'cluster N'");
        }
        switch (words[0]) {
            case "cluster" -> cluster(args);
            case "events" -> cluster.printEvents = args[0].equals("on");
            case "campaign" -> cluster.onNode(integer(args[0]), RaftNode::campaign);
            case "tick" -> tick(args);
            case "run" -> run(integer(args[0]));
            case "tick-election" -> tickElection(integer(args[0]));
            case "tick-heartbeat" -> repeatTicks(integer(args[0]), cluster.config().heartbeatIntervalTicks());
            case "propose" -> propose(integer(args[0]), args[1]);
            case "read" -> read(integer(args[0]), Long.parseLong(args[1]));
            case "lease-read" -> leaseRead(integer(args[0]), Long.parseLong(args[1]));
            case "transfer" -> transfer(integer(args[0]), integer(args[1]));
            case "add-learner" -> changeMembership(integer(args[0]), new MembershipChange.AddLearner(integer(args[1])));
            case "promote" -> changeMembership(integer(args[0]), new MembershipChange.Promote(integer(args[1])));
            case "remove" -> changeMembership(integer(args[0]), new MembershipChange.Remove(integer(args[1])));
            case "deliver" -> print("delivered " + cluster.deliver(selector(args)));
            case "stabilize" -> print("stabilized in " + cluster.stabilize() + " rounds");
            case "drop" -> print("dropped " + cluster.drop(selector(args)));
            case "duplicate" -> print("duplicated " + cluster.duplicate(selector(args)));
            case "reorder" -> {
                cluster.reorder(selector(args));
                msgs();
            }
            case "partition" -> partition(line.substring("partition".length()));
            case "cut" -> {
                String[] link = args[0].split("->");
                cluster.cut(integer(link[0]), integer(link[1]));
                print("cut " + String.join(" ", cluster.cutLinks()));
            }
            case "heal" -> cluster.heal();
            case "disconnect" -> disconnect(integer(args[0]), integer(args[1]));
            case "crash" -> cluster.crash(integer(args[0]));
            case "restart" -> cluster.restart(integer(args[0]));
            case "restart-with" -> restartWith(args);
            case "compact" -> print("compacted: " + cluster.compact(integer(args[0])));
            case "hold-persist" -> holdPersist(integer(args[0]));
            case "release-persist" -> releasePersist(args);
            case "expect" -> expect(args);
            case "status" -> status();
            case "log" -> log(args[0]);
            case "msgs" -> msgs();
            case "progress" -> progress(integer(args[0]));
            case "applied" -> applied(integer(args[0]));
            default -> throw new IllegalArgumentException("unknown command: " + words[0]);
        }
        for (int id : cluster.ids()) {
            if (!cluster.isCrashed(id)) {
                cluster.node(id).checkInvariants();
            }
        }
        cluster.checkSafety();
        String result = out.toString().stripTrailing();
        return result.isEmpty() ? "ok" : result;
    }

    private void cluster(String[] args) {
        int size = integer(args[0]);
        Config config = Config.ofSize(size);
        long seed = 1;
        int spares = 0;
        for (String option : Arrays.copyOfRange(args, 1, args.length)) {
            String[] pair = option.split("=", 2);
            switch (pair[0]) {
                case "prevote" -> config = config.withPreVote(pair[1].equals("on"));
                case "checkquorum" -> config = config.withCheckQuorum(pair[1].equals("on"));
                case "timeout" -> {
                    String[] range = pair[1].split("\\.\\.");
                    config = config.withElectionTimeoutTicks(integer(range[0]), integer(range[1]));
                }
                case "heartbeat" -> config = config.withHeartbeatIntervalTicks(integer(pair[1]));
                case "inflight" -> config = config.withMaxInflightMessages(integer(pair[1]));
                case "maxbytes" -> config = config.withMaxMessageBytes(Long.parseLong(pair[1]));
                case "uncommitted" -> config = config.withMaxUncommittedBytes(Long.parseLong(pair[1]));
                case "seed" -> seed = Long.parseLong(pair[1]);
                case "spares" -> spares = integer(pair[1]);
                case "promotelag" -> config = config.withPromoteLagEntries(Long.parseLong(pair[1]));
                case "lease" -> config = config.withLeaseReads(true, integer(pair[1]));
                default -> throw new IllegalArgumentException("unknown cluster option " + option);
            }
        }
        cluster = new ScenarioCluster(config, spares, seed, out);
        print("members " + config.members() + " timeout " + config.electionTimeoutTicksMin() + ".."
                + config.electionTimeoutTicksMax() + " heartbeat " + config.heartbeatIntervalTicks() + " prevote "
                + config.preVote() + " checkquorum " + config.checkQuorum()
                + (config.leaseReads() ? " lease " + config.leaseTicks() + " ticks (drift " + config.leaseDriftTicks()
                        + ")" : ""));
    }

    private void tick(String[] args) {
        int times = args.length > 1 ? integer(args[1].substring(1)) : 1;
        if (args[0].equals("all")) {
            for (int k = 0; k < times; k++) {
                for (int id : cluster.ids()) {
                    if (!cluster.isCrashed(id)) {
                        cluster.onNode(id, RaftNode::tick);
                    }
                }
            }
        } else {
            repeatTicks(integer(args[0]), times);
        }
    }

    private void run(int rounds) {
        for (int k = 0; k < rounds; k++) {
            tick(new String[] {"all"});
            cluster.deliver(message -> true);
        }
    }

    private void repeatTicks(int id, int times) {
        for (int k = 0; k < times; k++) {
            cluster.onNode(id, RaftNode::tick);
        }
    }

    private void tickElection(int id) {
        Role before = cluster.node(id).role();
        int ticks = 0;
        while (cluster.node(id).role() == before && ticks < cluster.config().electionTimeoutTicksMax()) {
            cluster.onNode(id, RaftNode::tick);
            ticks++;
        }
        print("ticked " + ticks);
    }

    private void propose(int id, String value) {
        ProposeResult[] result = new ProposeResult[1];
        cluster.onNode(id, node -> result[0] = node.propose(value.getBytes(StandardCharsets.US_ASCII)));
        print("propose: " + result[0]);
    }

    private void transfer(int id, int target) {
        TransferResult[] result = new TransferResult[1];
        cluster.onNode(id, node -> result[0] = node.transferLeadership(target));
        print("transfer: " + result[0]);
    }

    private void changeMembership(int id, MembershipChange change) {
        ProposeResult[] result = new ProposeResult[1];
        cluster.onNode(id, node -> result[0] = node.changeMembership(change));
        print(change + ": " + result[0]);
    }

    private void read(int id, long ctx) {
        ReadResult[] result = new ReadResult[1];
        cluster.onNode(id, node -> result[0] = node.readIndex(ctx));
        print("read: " + result[0]);
    }

    private void leaseRead(int id, long ctx) {
        ReadResult[] result = new ReadResult[1];
        cluster.onNode(id, node -> result[0] = node.leaseRead(ctx));
        print("lease-read: " + result[0]);
    }

    private void partition(String spec) {
        List<List<Integer>> groups = new ArrayList<>();
        for (String group : spec.split("\\|")) {
            groups.add(Arrays.stream(group.trim().split("\\s+")).map(Integer::valueOf).toList());
        }
        cluster.partition(groups);
        print("cut " + String.join(" ", cluster.cutLinks()));
    }

    private void restartWith(String[] args) {
        int id = integer(args[0]);
        TreeMap<String, String> options = new TreeMap<>();
        for (String option : Arrays.copyOfRange(args, 1, args.length)) {
            String[] pair = option.split("=", 2);
            options.put(pair[0], pair.length > 1 ? pair[1] : "");
        }
        long snapshotIndex = 0;
        long snapshotTerm = 0;
        if (options.containsKey("snapshot")) {
            String[] at = options.get("snapshot").split("@");
            snapshotIndex = Long.parseLong(at[0]);
            snapshotTerm = Long.parseLong(at[1]);
        }
        HardState hard = new HardState(Long.parseLong(options.getOrDefault("term", "0")),
                integer(options.getOrDefault("vote", "0")), Long.parseLong(options.getOrDefault("commit", "0")));
        if (!cluster.isCrashed(id)) {
            cluster.crash(id);
        }
        cluster.restartWith(id, hard, snapshotIndex, snapshotTerm,
                ScenarioCluster.parseTerms(options.getOrDefault("log", "")));
    }

    private void holdPersist(int id) {
        cluster.node(id);
        cluster.disk(id).holding = true;
    }

    private void releasePersist(String[] args) {
        int id = integer(args[0]);
        cluster.node(id);
        long upTo = args.length > 1 ? Long.parseLong(args[1]) : Long.MAX_VALUE;
        if (args.length == 1) {
            cluster.disk(id).holding = false; // before the release, so what it causes is written at once
        }
        Entry last = cluster.releasePersist(id, upTo);
        print("persisted " + (last == null ? "no entries" : "up to " + last.index() + "@" + last.term()));
    }

    private void disconnect(int id, int peer) {
        boolean[] gaveUp = new boolean[1];
        cluster.onNode(id, node -> gaveUp[0] = node.peerDisconnected(peer));
        print(gaveUp[0] ? "node " + id + " gave up leader " + peer : "node " + id + " ignored it");
    }

    private void expect(String[] args) {
        RaftNode node = cluster.node(integer(args[0]));
        for (String option : Arrays.copyOfRange(args, 1, args.length)) {
            String[] pair = option.split("=", 2);
            String actual = switch (pair[0]) {
                case "term" -> Long.toString(node.currentTerm());
                case "vote" -> Integer.toString(node.votedFor());
                case "role" -> Describe.role(node.role());
                case "commit" -> Long.toString(node.commitIndex());
                case "last" -> Long.toString(node.lastIndex());
                case "durable" -> Long.toString(node.durableIndex());
                case "applied" -> Long.toString(node.appliedIndex());
                case "snapshot" -> Long.toString(node.firstIndex() - 1);
                case "leader" -> Integer.toString(node.leaderId());
                case "config" -> node.membership().toString().replace(" ", "");
                case "terms" -> node.entries(node.firstIndex(), node.lastIndex()).stream()
                        .map(entry -> Long.toString(entry.term())).collect(java.util.stream.Collectors.joining(","));
                default -> throw new IllegalArgumentException("unknown expectation " + option);
            };
            if (!actual.equals(pair[1])) {
                throw new AssertionError("expected node " + node.id() + " " + pair[0] + "=" + pair[1] + " but it is "
                        + actual + " (" + Describe.state(node.state()) + ")");
            }
        }
    }

    private void status() {
        for (int id : cluster.ids()) {
            if (cluster.isCrashed(id)) {
                print(id + ": crashed | " + Describe.state(cluster.stateOf(id)));
                continue;
            }
            RaftNode node = cluster.node(id);
            print(id + ": " + Describe.state(node.state()) + " lead=" + node.leaderId() + " first="
                    + node.firstIndex()
                    + (node.votesGranted().isEmpty() ? "" : " votes=" + node.votesGranted())
                    + cluster.disk(id).describePending());
        }
    }

    private void log(String which) {
        for (int id : cluster.ids()) {
            if (which.equals("all") || integer(which) == id) {
                if (cluster.isCrashed(id)) {
                    print(id + ": crashed, disk " + Describe.entries(cluster.disk(id).log.entries()));
                } else {
                    RaftNode node = cluster.node(id);
                    print(id + ": " + Describe.entries(node.entries(node.firstIndex(), node.lastIndex()))
                            + " commit=" + node.commitIndex());
                }
            }
        }
    }

    private void msgs() {
        if (cluster.inFlight.isEmpty()) {
            print("no messages in flight");
        }
        for (Message message : cluster.inFlight) {
            print(Describe.message(message));
        }
    }

    private void progress(int id) {
        RaftNode node = cluster.node(id);
        for (int peer : cluster.config().members()) {
            if (peer != id) {
                print(id + "->" + peer + ": " + node.progress(peer));
            }
        }
    }

    private void applied(int id) {
        print(id + " applied " + Describe.entries(cluster.disk(id).applied));
    }

    /** "F->T [Type]" with * as wildcard; no argument = everything. */
    private static Predicate<Message> selector(String[] args) {
        Predicate<Message> selector = message -> true;
        for (String arg : args) {
            if (arg.startsWith("n=")) {
                int[] remaining = {integer(arg.substring(2))};
                Predicate<Message> before = selector;
                selector = m -> before.test(m) && remaining[0]-- > 0;
            } else if (arg.contains("->")) {
                String[] link = arg.split("->");
                int from = link[0].equals("*") ? 0 : integer(link[0]);
                int to = link[1].equals("*") ? 0 : integer(link[1]);
                selector = selector.and(m -> (from == 0 || m.from() == from) && (to == 0 || m.to() == to));
            } else {
                String type = arg;
                selector = selector.and(m -> Describe.message(m).startsWith(type + " "));
            }
        }
        return selector;
    }

    private void print(String line) {
        out.append(line).append('\n');
    }

    private static int integer(String text) {
        return Integer.parseInt(text);
    }
}
