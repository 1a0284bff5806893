package io.raftkv.tracecheck;

import java.util.Arrays;
import tlc2.overrides.TLAPlusOperator;
import tlc2.value.impl.IntValue;
import tlc2.value.impl.RecordValue;
import tlc2.value.impl.SetEnumValue;
import tlc2.value.impl.TupleValue;
import tlc2.value.impl.Value;
import util.UniqueString;

/**
 * Java bodies for Raft.tla operators that scan a whole log. A trace of a real cluster reaches logs
 * of thousands of entries and TLC evaluates these scans several times per step: interpreted, they
 * were about half of a long trace's TLC time (trace-check/README.md, "TLC's time on long traces").
 * Each body computes exactly what its definition says; {@code RaftOperatorsTest} holds it to the
 * definition as TLC interprets it. Registered through {@link tlc2.overrides.TLCOverrides}, so TLC
 * uses them wherever this jar is on its class path (trace validation, and {@code raftkv
 * model-check} from the distribution); the spec module's own model checks interpret the TLA+.
 */
public final class RaftOperators {

  private static final UniqueString CONFIG = UniqueString.uniqueStringOf("config");

  private RaftOperators() {}

  /** {@code ConfigIndexes(lg) == {n \in 1 .. Len(lg) : IsConfigEntry(lg[n])}}. */
  @TLAPlusOperator(identifier = "ConfigIndexes", module = "Raft", warn = false)
  public static Value configIndexes(Value lg) {
    Value tuple = lg.toTuple();
    if (!(tuple instanceof TupleValue log)) {
      throw new IllegalArgumentException("ConfigIndexes expects a sequence, got " + lg);
    }
    Value[] found = new Value[log.elems.length];
    int count = 0;
    for (int n = 0; n < log.elems.length; n++) {
      if (isConfigEntry(log.elems[n])) {
        found[count++] = IntValue.gen(n + 1);
      }
    }
    // Ascending without duplicates: already TLC's normal form of a set of integers.
    return new SetEnumValue(Arrays.copyOf(found, count), true);
  }

  /** {@code IsConfigEntry(e) == "config" \in DOMAIN e}, for the records log entries are. */
  private static boolean isConfigEntry(Value entry) {
    Value record = entry.toRcd();
    if (!(record instanceof RecordValue r)) {
      throw new IllegalArgumentException("a log entry must be a record, got " + entry);
    }
    for (UniqueString name : r.names) {
      if (name == CONFIG) {
        return true;
      }
    }
    return false;
  }
}
