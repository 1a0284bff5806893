package io.raftkv.spec;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one TLC run found, parsed from its {@code -tool} output.
 *
 * @param exitCode the forked TLC process's exit code: 0 = no error found, 12 = an invariant was
 *     violated, 13 = an action property was violated, 11 = deadlock, 150 and above = the spec or
 *     config did not parse or TLC failed; -1 when the run was killed at its timeout
 * @param statesGenerated states generated (TLC's final statistics), or -1 if TLC never printed them
 * @param distinctStates distinct states found, or -1 if TLC never printed them
 * @param depth the depth of the state graph search TLC reports (for a violation: the level it
 *     reached), or -1 if not printed
 * @param violation the error TLC reported, if any
 * @param trace the error trace (counterexample), state 1 first; empty when there is none
 * @param userOutput lines printed by the spec itself ({@code Print}, {@code PrintT}), in order
 * @param messages every {@code -tool} message, in order (progress, statistics, errors)
 * @param elapsed wall-clock time of the forked process
 */
public record TlcResult(
    int exitCode,
    long statesGenerated,
    long distinctStates,
    int depth,
    Optional<Violation> violation,
    List<TraceState> trace,
    List<String> userOutput,
    List<Message> messages,
    Duration elapsed) {

  /** TLC exit code when no error was found. */
  public static final int EXIT_OK = 0;

  /** TLC exit code when an invariant was violated. */
  public static final int EXIT_INVARIANT_VIOLATED = 12;

  /** TLC exit code when an action property was violated. */
  public static final int EXIT_ACTION_PROPERTY_VIOLATED = 13;

  public TlcResult {
    trace = List.copyOf(trace);
    userOutput = List.copyOf(userOutput);
    messages = List.copyOf(messages);
  }

  /** True when TLC finished its search, found no error and exited 0. */
  public boolean ok() {
    return exitCode == EXIT_OK && violation.isEmpty() && distinctStates >= 0;
  }

  /**
   * The name of the violated invariant or action property (e.g. {@code "ElectionSafety"}), if TLC
   * reported one.
   */
  public Optional<String> violatedProperty() {
    return violation.flatMap(Violation::property);
  }

  /** The kind of error TLC reported. */
  public enum ViolationKind {
    /** An invariant is false in an initial state. */
    INVARIANT_INITIAL,
    /** An invariant is false in a reachable state. */
    INVARIANT,
    /** An action property ({@code [][A]_v}) is false for a reachable step. */
    ACTION_PROPERTY,
    /** A temporal property is violated. */
    TEMPORAL_PROPERTY,
    /** A reachable state has no successor (only when deadlock checking is on). */
    DEADLOCK,
    /** TLC could not evaluate something, could not parse the spec, or failed otherwise. */
    ERROR
  }

  /**
   * An error TLC reported.
   *
   * @param kind what kind of error
   * @param property the violated invariant or property's name, when the error names one
   * @param code the TLC message code ({@code tlc2.output.EC})
   * @param text TLC's message text
   */
  public record Violation(ViolationKind kind, Optional<String> property, int code, String text) {}

  /**
   * One state of an error trace.
   *
   * @param number the state's position in the trace, from 1
   * @param action the action label TLC printed, e.g. {@code "Initial predicate"} or
   *     {@code "HandleAppendEntriesRequest line 200, col 5 to line 230, col 40 of module Raft"}
   * @param variables each variable's value as TLA+ text, in TLC's order
   */
  public record TraceState(int number, String action, Map<String, String> variables) {
    public TraceState {
      variables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variables));
    }

    /** The action's name without TLC's source location, e.g. {@code "HandleAppendEntriesRequest"}. */
    public String actionName() {
      int space = action.indexOf(" line ");
      return space < 0 ? action : action.substring(0, space);
    }
  }

  /**
   * One {@code -tool} message.
   *
   * @param code the message code ({@code tlc2.output.EC}), e.g. 2200 for progress statistics
   * @param severity 0 = information, 1 = error, 4 = error-trace state (TLC's classes)
   * @param text the message text without the markers
   */
  public record Message(int code, int severity, String text) {}
}
