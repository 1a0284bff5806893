package io.raftkv.jepsen.model;

/**
 * A lock: {@code acquire} succeeds only when it is free, {@code release} only when it is held
 * (Knossos's mutex; it does not track the owner). The state is a {@link Boolean}: held or not.
 */
public final class MutexModel implements Model {
  private final boolean initiallyHeld;

  public MutexModel(boolean initiallyHeld) {
    this.initiallyHeld = initiallyHeld;
  }

  @Override
  public String name() {
    return "mutex";
  }

  @Override
  public Object initialState() {
    return initiallyHeld;
  }

  @Override
  public Operation prepare(Operation op) {
    if (!op.f().equals("acquire") && !op.f().equals("release")) {
      throw new IllegalArgumentException("mutex has no operation " + op.f());
    }
    return op;
  }

  @Override
  public Object step(Object state, Operation op) {
    boolean held = (Boolean) state;
    boolean acquire = op.f().equals("acquire");
    if (op.outcome() == Outcome.FAILED) {
      return held == acquire ? state : ILLEGAL;
    }
    if (acquire) {
      return held ? ILLEGAL : Boolean.TRUE;
    }
    return held ? Boolean.FALSE : ILLEGAL;
  }

  @Override
  public String describe(Object state) {
    return (Boolean) state ? "held" : "free";
  }
}
