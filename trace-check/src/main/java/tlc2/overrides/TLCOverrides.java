package tlc2.overrides;

import io.raftkv.tracecheck.RaftOperators;
import io.raftkv.tracecheck.TraceReaderOperators;

/**
 * TLC looks up Java operator overrides under exactly this class name. This one gives TLC the trace
 * reader of TraceReader.tla and the Java bodies of Raft.tla's log scans (RaftOperators); it is
 * harmless to other specs, which do not use those modules.
 */
public final class TLCOverrides implements ITLCOverrides {

  @Override
  @SuppressWarnings("rawtypes")
  public Class[] get() {
    return new Class[] {TraceReaderOperators.class, RaftOperators.class};
  }
}
