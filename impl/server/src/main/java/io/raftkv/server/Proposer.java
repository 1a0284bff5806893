package io.raftkv.server;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.raftkv.core.ProposeResult;
import io.raftkv.kv.KvCommand;
import io.raftkv.kv.KvResult;
import io.raftkv.node.real.NodeRunner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Proposes key-value commands and waits for them to be applied. The leader stamps each command
 * with its own wall-clock time just before proposing it: that stamp is the only time the state
 * machine sees, and it decides session expiry from the stamps alone (KvCommand).
 */
final class Proposer {

    /** How one proposal ended, as far as this node can tell. */
    sealed interface Proposal {
        /** Committed and applied at {@code index}. */
        record Applied(long index, KvResult result) implements Proposal {}

        /** Not appended: this node does not lead; {@code leaderHint} is the leader it knows, 0 if none. */
        record NotLeader(int leaderHint) implements Proposal {}

        /** Not appended: refused by the leader (a limit) or the node's full input queue. */
        record Refused(String reason) implements Proposal {}

        /** Not appended: the node has stopped. */
        record NodeDown(String reason) implements Proposal {}

        /** Appended, then replaced by another leader's entry; reported as of unknown outcome. */
        record Overwritten(long index, long term) implements Proposal {}

        /** No answer before the deadline (or the answer was lost): it may or may not take effect. */
        record TimedOut(String reason) implements Proposal {}
    }

    private final NodeRunner runner;
    private final KvApplier applier;

    Proposer(NodeRunner runner, KvApplier applier) {
        this.runner = runner;
        this.applier = applier;
    }

    /**
     * Stamps and proposes {@code command}; the future completes once it is applied, or with why not,
     * by {@code deadlineNanos} at the latest (a timer on {@code timer}, which must not block).
     * Completions run on the node's thread or the timer's: continuations must hand work off.
     */
    CompletableFuture<Proposal> propose(KvCommand command, EventExecutor timer, long deadlineNanos) {
        CompletableFuture<Proposal> outcome = new CompletableFuture<>();
        long delay = deadlineNanos - System.nanoTime();
        if (delay <= 0) {
            outcome.complete(new Proposal.TimedOut("the deadline passed before the command was proposed"));
            return outcome;
        }
        ScheduledFuture<?> timeout = timer.schedule(() -> outcome.complete(new Proposal.TimedOut(
                "not applied within the request timeout")), delay, TimeUnit.NANOSECONDS);
        outcome.whenComplete((done, failure) -> timeout.cancel(false));
        byte[] stamped = command.withLeaderTimeMillis(System.currentTimeMillis()).encode();
        runner.propose(stamped).whenComplete((result, failure) -> proposed(result, failure, outcome, timer));
        return outcome;
    }

    private void proposed(ProposeResult result, Throwable failure, CompletableFuture<Proposal> outcome,
            EventExecutor replies) {
        if (failure != null) {
            outcome.complete(new Proposal.NodeDown(failure.getMessage()));
            return;
        }
        switch (result) {
            case ProposeResult.Accepted accepted -> awaitApplied(accepted, outcome, replies);
            case ProposeResult.NotLeader notLeader -> outcome.complete(new Proposal.NotLeader(notLeader.leaderHint()));
            case ProposeResult.Dropped dropped -> outcome.complete(new Proposal.Refused(dropped.reason()));
        }
    }

    /**
     * Completes {@code outcome} once the command is applied. The applier completes {@code applied} on
     * the node's thread; the result is decoded, and the reply built from it, on {@code replies} (the
     * request's event loop, which writes the reply anyway), so the node's thread only hands it over.
     */
    private void awaitApplied(ProposeResult.Accepted accepted, CompletableFuture<Proposal> outcome,
            EventExecutor replies) {
        CompletableFuture<KvApplier.Completion> applied = applier.await(accepted.index(), accepted.term());
        // A request that gives up first must not leave its waiter behind.
        outcome.whenComplete((done, failure) -> applier.forget(accepted.index(), applied));
        applied.thenAcceptAsync(completion -> outcome.complete(switch (completion) {
            case KvApplier.Completion.Applied done ->
                    new Proposal.Applied(done.index(), KvResult.decode(done.result()).orElseThrow());
            case KvApplier.Completion.Overwritten overwritten ->
                    new Proposal.Overwritten(overwritten.index(), overwritten.term());
            case KvApplier.Completion.Forgotten forgotten -> new Proposal.TimedOut("the result of index "
                    + accepted.index() + " was applied before the request could wait for it, and is no longer kept");
        }), replies);
    }
}
