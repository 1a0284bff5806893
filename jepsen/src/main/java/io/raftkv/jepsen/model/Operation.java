package io.raftkv.jepsen.model;

/**
 * One operation as a model sees it: an invocation paired with what its completion says.
 *
 * @param f the function ({@code read}, {@code write}, {@code cas}, {@code get}, ...)
 * @param key the key it addresses, or null for single-object models
 * @param input the invocation's value (what was asked for)
 * @param output the ok completion's value (what was observed); null unless {@code outcome} is OK
 * @param outcome ok, unknown (info / no completion) or failed-but-observed
 */
public record Operation(String f, Object key, Object input, Object output, Outcome outcome) {
  public Operation {
    if (f == null || outcome == null) {
      throw new IllegalArgumentException("operation needs f and outcome");
    }
  }

  public boolean observed() {
    return outcome == Outcome.OK;
  }

  public Operation withKeyAndValues(Object newKey, Object newInput, Object newOutput) {
    return new Operation(f, newKey, newInput, newOutput, outcome);
  }
}
