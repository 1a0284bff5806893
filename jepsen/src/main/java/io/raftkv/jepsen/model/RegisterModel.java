package io.raftkv.jepsen.model;

import java.util.List;
import java.util.Objects;

/**
 * A single register: {@code read} observes the value, {@code write v} sets it, and (when
 * {@code cas} is enabled) {@code cas [expected new]} sets it to {@code new} only if it holds
 * {@code expected}. The state is the value itself.
 *
 * <p>{@code nilReadWildcard}: Knossos treats an ok read whose value is nil as carrying no
 * information. raftkv's own histories mean "absent" by nil, so it is off unless asked for.
 * A failed cas kept as an observation ({@link Outcome#FAILED}) requires the value to differ from
 * {@code expected}.
 */
public final class RegisterModel implements Model {
  private final boolean cas;
  private final Object initial;
  private final boolean nilReadWildcard;

  public RegisterModel(boolean cas, Object initial, boolean nilReadWildcard) {
    this.cas = cas;
    this.initial = initial;
    this.nilReadWildcard = nilReadWildcard;
  }

  @Override
  public String name() {
    return cas ? "cas-register" : "register";
  }

  @Override
  public Object initialState() {
    return initial;
  }

  @Override
  public Operation prepare(Operation op) {
    switch (op.f()) {
      case "read", "write" -> {
        return op;
      }
      case "cas" -> {
        if (!cas) {
          throw new IllegalArgumentException("the register model has no cas (use cas-register)");
        }
        Values.pair(op, op.input(), "[expected new]");
        return op;
      }
      default -> throw new IllegalArgumentException(name() + " has no operation " + op.f());
    }
  }

  @Override
  public Object step(Object state, Operation op) {
    switch (op.f()) {
      case "read" -> {
        if (op.outcome() != Outcome.OK) {
          return state;
        }
        Object seen = op.output();
        return (seen == null && nilReadWildcard) || Objects.equals(seen, state) ? state : ILLEGAL;
      }
      case "write" -> {
        return op.outcome() == Outcome.FAILED ? state : op.input();
      }
      case "cas" -> {
        List<?> expectedNew = (List<?>) op.input();
        boolean matches = Objects.equals(expectedNew.get(0), state);
        if (op.outcome() == Outcome.FAILED) {
          return matches ? ILLEGAL : state;
        }
        return matches ? expectedNew.get(1) : ILLEGAL;
      }
      default -> throw new IllegalArgumentException(name() + " has no operation " + op.f());
    }
  }
}
