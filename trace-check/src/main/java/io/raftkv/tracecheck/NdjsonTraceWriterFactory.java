package io.raftkv.tracecheck;

import io.raftkv.cli.TraceWriterFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * What {@code raftkv sim --trace FILE} finds with {@link java.util.ServiceLoader}: the NDJSON
 * writer of this module. The factory is not told the cluster size, so the trace has no header and
 * the checker takes the largest server id the trace mentions (see {@link TraceFormat}).
 */
public final class NdjsonTraceWriterFactory implements TraceWriterFactory {

  @Override
  public TraceWriter open(Path file) throws IOException {
    return NdjsonTraceWriter.open(file, OptionalInt.empty());
  }
}
