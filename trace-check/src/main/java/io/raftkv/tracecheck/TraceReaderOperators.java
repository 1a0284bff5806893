package io.raftkv.tracecheck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import tlc2.overrides.TLAPlusOperator;
import tlc2.value.impl.StringValue;
import tlc2.value.impl.Value;

/**
 * The Java body of TraceReader.tla's {@code ReadNdjson(path)}: the events of an NDJSON trace as a
 * tuple of records, read with Jackson inside TLC (faster than parsing a generated module for long
 * traces, see the README). Registered through {@link tlc2.overrides.TLCOverrides}.
 */
public final class TraceReaderOperators {

  private TraceReaderOperators() {}

  @TLAPlusOperator(identifier = "ReadNdjson", module = "TraceReader", warn = false)
  public static Value readNdjson(Value path) {
    if (!(path instanceof StringValue file)) {
      throw new IllegalArgumentException("ReadNdjson expects a file name, got " + path);
    }
    try {
      return TlaValues.tuple(Trace.read(Path.of(file.val.toString())).events());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read trace " + file.val, e);
    }
  }
}
