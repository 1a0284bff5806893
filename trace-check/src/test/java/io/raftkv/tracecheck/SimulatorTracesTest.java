package io.raftkv.tracecheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.sim.Simulation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The implementation's own executions are behaviours of the spec: TLC accepts the traces of 50
 * simulator seeds, each at least 300 events long and each showing every fault the simulator
 * injects (crash and restart, partition, loss, duplication, reordering, acknowledgements held until
 * their write completes), and together at least one restart that lost writes not yet fsynced.
 *
 * <p>Seeds are taken in order from 1, keeping those the simulator passes whose trace has every fault and at most
 * {@value #MAX_EVENTS} events (to bound the run time); the test fails if fewer than 50 of the
 * first {@value #MAX_SEED} seeds qualify, so a change to the simulator cannot quietly thin it out.
 * The servers, PreVote setting and initial voters the checker infers from each trace without its
 * header are compared with the simulator's own (the header, written from the simulator's
 * parameters).
 *
 * <p>The simulator's membership churn puts configuration changes (ProposeConfig, CONFIG entries,
 * snapshots of a changed configuration) in many of the traces: the test requires at least one,
 * and reads one of those also through the generated module, the checker's other way to give TLC
 * a trace, since both must turn a configuration's arrays into sets.
 *
 * <p>About half the seeds run lease reads (the trace header's leaseReads, the spec's LeaseReads):
 * the test requires at least {@value #MIN_LEASE_TRACES} such traces among the 50, minimum counts
 * of RenewLease, LeaseRead, ExpireLease and ExpirePromise events in all, and at least one
 * ExpirePromise logged while a leader that crashed holding a lease was down (what TraceRaft's
 * crash rule is for), so that the test fails if the simulator stopped running lease seeds.
 *
 * <p>The simulator's clients read at random nodes, and a follower forwards its read to the leader
 * it knows: the test requires minimum counts of ForwardRead, HandleReadIndexRequest,
 * SendReadIndexResponse and HandleReadIndexResponse events in all (ReadIndexRequest and
 * ReadIndexResponse are matched by their spec fields, the spec's ghost start not being logged),
 * and a minimum of receipts or drops of such a message while another read's message with the same
 * spec fields was in flight (where TraceRaft takes either, since nothing logged tells them apart);
 * the trace it reads through the generated module has follower reads too.
 *
 * <p>A simulated process kill closes the node's connections, and a follower of a killed leader
 * then gives it up and campaigns within a few ticks (RaftNode.peerDisconnected): the test requires
 * at least {@value #MIN_LEADER_GIVEN_UP_TRACES} traces in which that happened, so that these early
 * elections stay among the behaviours TLC checks.
 */
class SimulatorTracesTest {

  private static final int TRACES = 50;
  private static final int MIN_EVENTS = 300;
  private static final int MAX_EVENTS = 2_000;
  private static final long MAX_SEED = 300;
  // About half of what the 50 traces hold now: 23 traces with lease reads, 678 RenewLease, 7
  // LeaseRead (the short runs take few reads), 28 ExpireLease, 309 ExpirePromise.
  private static final int MIN_LEASE_TRACES = 12;
  private static final int MIN_RENEW_LEASES = 350;
  private static final int MIN_LEASE_READS = 5;
  private static final int MIN_EXPIRE_LEASES = 12;
  private static final int MIN_EXPIRE_PROMISES = 150;
  // About half of what the 50 traces hold now: 47 traces with follower reads, 303 ForwardRead, 165
  // HandleReadIndexRequest, 152 SendReadIndexResponse, 123 HandleReadIndexResponse (a forward to a
  // server that no longer leads, or before its first commit of the term, is dropped), and 14
  // receipts or drops of such a message while another read's twin was in flight.
  private static final int MIN_FORWARD_READS = 150;
  private static final int MIN_FORWARDED_ROUNDS = 80;
  private static final int MIN_FORWARDED_ANSWERS = 75;
  private static final int MIN_FORWARDED_SERVED = 60;
  private static final int MIN_FORWARDED_TWINS = 7;

  // About half of the traces where a follower gave up a killed leader on its closed connection
  // (RaftNode.peerDisconnected), whose early elections the spec must allow: 12 now (30 times).
  private static final int MIN_LEADER_GIVEN_UP_TRACES = 5;

  @TempDir Path dir;

  /** Times a follower of the run gave up its leader because the leader's connection closed. */
  private static long leadersGivenUp(SimTraces.Run run) {
    return run.result().occurrences().entrySet().stream()
        .filter(occurrence -> occurrence.getKey().endsWith(Simulation.LEADER_GIVEN_UP))
        .mapToLong(Map.Entry::getValue).sum();
  }

  @Test
  void simulatorTracesAreBehavioursOfTheSpec() throws IOException, InterruptedException {
    List<SimTraces.Run> runs = new ArrayList<>();
    for (long seed = 1; seed <= MAX_SEED && runs.size() < TRACES; seed++) {
      SimTraces.Run run = SimTraces.run(seed, SimTraces.OPTIONS, dir);
      Trace inferred = SimTraces.inferred(run, dir);
      // A spare never added takes no part: the trace cannot name it, and need not.
      assertTrue(inferred.servers() <= run.trace().servers() && inferred.servers() >= run.trace().voters().size(),
          "servers inferred from the trace of seed " + seed + ": " + inferred.servers());
      assertEquals(run.trace().preVote(), inferred.preVote(), "PreVote inferred from the trace of seed " + seed);
      assertEquals(run.trace().voters(), inferred.voters(), "initial voters inferred from the trace of seed " + seed);
      // A seed the simulator fails (its short liveness phase here may end before every node caught
      // up) is still a valid trace, but the simulator's own report is the place to look at it.
      if (run.result().ok() && run.facts().hasEveryFault()
          && run.trace().size() >= MIN_EVENTS && run.trace().size() <= MAX_EVENTS) {
        runs.add(run);
      }
    }
    assertEquals(TRACES, runs.size(), "seeds 1.." + MAX_SEED + " with every fault and " + MIN_EVENTS + ".." + MAX_EVENTS + " events");

    long start = System.nanoTime();
    List<TraceValidator.Verdict> verdicts = new TraceValidator(TraceValidator.Options.defaults()).validate(SimTraces.files(runs));
    double seconds = (System.nanoTime() - start) / 1e9;

    int lostTails = runs.stream().mapToInt(run -> run.facts().lostTails()).sum();
    assertTrue(lostTails > 0, "no trace shows a restart that lost a tail of unsynced writes");
    long events = 0;
    List<String> failures = new ArrayList<>();
    for (int k = 0; k < runs.size(); k++) {
      TraceValidator.Verdict verdict = verdicts.get(k);
      events += verdict.events();
      assertEquals(runs.get(k).trace().size(), verdict.events());
      if (!verdict.ok()) {
        failures.add("seed " + runs.get(k).seed() + ": " + verdict.summary() + "\n" + String.join("\n", verdict.diagnosis()));
      }
    }
    long withConfigChanges = runs.stream().filter(run -> run.facts().configChanges() > 0).count();
    int configChanges = runs.stream().mapToInt(run -> run.facts().configChanges()).sum();
    long withLeases = runs.stream().filter(run -> run.trace().leaseReads()).count();
    int renewLeases = runs.stream().mapToInt(run -> run.facts().renewLeases()).sum();
    int leaseReads = runs.stream().mapToInt(run -> run.facts().leaseReads()).sum();
    int expireLeases = runs.stream().mapToInt(run -> run.facts().expireLeases()).sum();
    int expirePromises = runs.stream().mapToInt(run -> run.facts().expirePromises()).sum();
    int underCrashedLeases = runs.stream().mapToInt(run -> run.facts().promisesUnderCrashedLeases()).sum();
    SimTraces.FollowerReads forwarded = runs.stream().map(run -> run.facts().followerReads())
        .reduce(new SimTraces.FollowerReads(0, 0, 0, 0, 0), SimTraces.FollowerReads::plus);
    long withForwards = runs.stream().filter(run -> run.facts().followerReads().forwarded() > 0).count();
    long withLeadersGivenUp = runs.stream().filter(run -> leadersGivenUp(run) > 0).count();
    long leadersGivenUp = runs.stream().mapToLong(SimulatorTracesTest::leadersGivenUp).sum();
    System.out.printf("trace-check: %d simulator traces, %d events, %.1f s, %.0f events/s;"
        + " %d traces with ProposeConfig (%d in all); %d traces with lease reads: %d RenewLease, %d LeaseRead,"
        + " %d ExpireLease, %d ExpirePromise (%d while a leader that crashed holding a lease was down);"
        + " %d traces with follower reads: %d ForwardRead, %d HandleReadIndexRequest, %d SendReadIndexResponse,"
        + " %d HandleReadIndexResponse (%d receipts or drops with another read's twin in flight);"
        + " %d traces where a follower gave up a killed leader when its connection closed (%d times)%n",
        runs.size(), events, seconds, events / seconds, withConfigChanges, configChanges, withLeases, renewLeases,
        leaseReads, expireLeases, expirePromises, underCrashedLeases, withForwards, forwarded.forwarded(),
        forwarded.roundsBegun(), forwarded.answered(), forwarded.served(), forwarded.twins(), withLeadersGivenUp,
        leadersGivenUp);
    assertTrue(failures.isEmpty(), () -> String.join("\n\n", failures));
    assertTrue(withLeadersGivenUp >= MIN_LEADER_GIVEN_UP_TRACES, withLeadersGivenUp
        + " traces where a follower gave up its leader when the leader's connection closed");
    assertTrue(withLeases >= MIN_LEASE_TRACES, withLeases + " traces with lease reads");
    assertTrue(renewLeases >= MIN_RENEW_LEASES, renewLeases + " RenewLease events");
    assertTrue(leaseReads >= MIN_LEASE_READS, leaseReads + " LeaseRead events");
    assertTrue(expireLeases >= MIN_EXPIRE_LEASES, expireLeases + " ExpireLease events");
    assertTrue(expirePromises >= MIN_EXPIRE_PROMISES, expirePromises + " ExpirePromise events");
    assertTrue(underCrashedLeases > 0, "no ExpirePromise while a leader that crashed holding a lease was down");
    assertTrue(forwarded.forwarded() >= MIN_FORWARD_READS, forwarded.forwarded() + " ForwardRead events");
    assertTrue(forwarded.roundsBegun() >= MIN_FORWARDED_ROUNDS, forwarded.roundsBegun() + " HandleReadIndexRequest events");
    assertTrue(forwarded.answered() >= MIN_FORWARDED_ANSWERS, forwarded.answered() + " SendReadIndexResponse events");
    assertTrue(forwarded.served() >= MIN_FORWARDED_SERVED, forwarded.served() + " HandleReadIndexResponse events");
    assertTrue(forwarded.twins() >= MIN_FORWARDED_TWINS, forwarded.twins() + " receipts or drops of a forwarded"
        + " read's message while another read's with the same spec fields was in flight");
    for (SimTraces.Run run : runs) {
      boolean hasLeaseEvents = run.facts().renewLeases() + run.facts().expirePromises() > 0;
      assertEquals(run.trace().leaseReads(), hasLeaseEvents, "seed " + run.seed() + ": lease events only with lease reads");
    }

    // The configurations' sets and the forwarded reads' messages also reach TLC through the
    // generated module (TlaText), not only through the Java override (TlaValues) the run above used.
    SimTraces.Run changing = runs.stream()
        .filter(run -> run.facts().configChanges() > 0 && run.facts().followerReads().served() > 0).findFirst()
        .orElseThrow(() -> new AssertionError("none of the " + TRACES + " traces has a configuration change and a"
            + " forwarded read served"));
    TraceValidator.Verdict module = new TraceValidator(TraceValidator.Options.defaults()
        .withInput(TraceValidator.Input.MODULE)).validate(List.of(changing.file())).get(0);
    assertTrue(module.ok(), () -> "seed " + changing.seed() + " read through the generated module: " + module.summary()
        + "\n" + String.join("\n", module.diagnosis()));
  }
}
