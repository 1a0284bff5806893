package io.raftkv.jepsen.analysis;

/** Jepsen's {@code :valid?}: true, false, or {@code :unknown} (a check could not decide). */
public enum Validity {
  TRUE("true", 0),
  FALSE("false", 1),
  UNKNOWN(":unknown", 2);

  private final String edn;
  private final int exitCode;

  Validity(String edn, int exitCode) {
    this.edn = edn;
    this.exitCode = exitCode;
  }

  public String edn() {
    return edn;
  }

  public int exitCode() {
    return exitCode;
  }

  /** Jepsen's merge: any false is false; else any unknown is unknown; else true. */
  public Validity and(Validity other) {
    return this == FALSE || other == FALSE ? FALSE : this == UNKNOWN || other == UNKNOWN ? UNKNOWN : TRUE;
  }
}
