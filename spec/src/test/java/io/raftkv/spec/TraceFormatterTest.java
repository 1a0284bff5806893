package io.raftkv.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raftkv.spec.TlcResult.TraceState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Proves that a counterexample is printed step by step with only what changed: per-server
 * functions key by key, the message bag as messages added and removed, and Raft.tla's
 * {@code Any<Action>} network steps under the action's own name. Inputs are TLC's text as it
 * prints it.
 */
class TraceFormatterTest {

  private static TraceState state(int number, String action, String... nameValue) {
    Map<String, String> variables = new LinkedHashMap<>();
    for (int k = 0; k < nameValue.length; k += 2) {
      variables.put(nameValue[k], nameValue[k + 1]);
    }
    return new TraceState(number, action, variables);
  }

  @Test
  void printsOnlyWhatChanged() {
    String request = "[type |-> \"RequestVoteRequest\", term |-> 1, from |-> s1, to |-> s2, entries |-> <<>>]";
    List<TraceState> trace = List.of(
        state(1, "Initial predicate", "currentTerm", "(s1 :> 0 @@ s2 :> 0)", "messages", "<<>>"),
        state(2, "BecomeCandidate line 1, col 1 to line 2, col 2 of module Raft",
            "currentTerm", "(s1 :> 1 @@ s2 :> 0)", "messages", "(" + request + " :> 1)"),
        state(3, "AnyDuplicateMessage line 1, col 1 to line 2, col 2 of module Raft",
            "currentTerm", "(s1 :> 1 @@ s2 :> 0)", "messages", "(" + request + " :> 2)"),
        state(4, "AnyDropMessage line 1, col 1 to line 2, col 2 of module Raft",
            "currentTerm", "(s1 :> 1 @@ s2 :> 0)", "messages", "<<>>"));
    assertEquals(List.of(
        "State 1: Initial predicate",
        "  currentTerm = (s1 :> 0 @@ s2 :> 0)",
        "  messages = <<>>",
        "State 2: BecomeCandidate",
        "  currentTerm[s1]: 0 -> 1",
        "  messages: + " + request,
        "State 3: DuplicateMessage",
        "  messages: copies 1 -> 2 of " + request,
        "State 4: DropMessage",
        "  messages: - " + request), TraceFormatter.format(trace));
  }

  @Test
  void nestedFunctionsAreComparedAtTheTopLevel() {
    assertEquals(Map.of("s1", "(s1 :> 1 @@ s2 :> 2)", "s2", "(s1 :> 1 @@ s2 :> 1)"),
        TraceFormatter.function("(s1 :> (s1 :> 1 @@ s2 :> 2) @@ s2 :> (s1 :> 1 @@ s2 :> 1))"));
  }
}
