package io.raftkv.tracecheck;

import io.raftkv.cli.TraceWriterFactory;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What {@code raftkv sim --trace FILE} finds with {@link java.util.ServiceLoader}: the NDJSON
 * writer of this module. The factory is not told the cluster's configuration, so the trace has no
 * header and the checker infers the servers and PreVote from the events (see {@link Trace}).
 */
public final class NdjsonTraceWriterFactory implements TraceWriterFactory {

  @Override
  public TraceWriter open(Path file) throws IOException {
    return NdjsonTraceWriter.open(file);
  }

  @Override
  public NodeTraceWriter openNode(Path file, NodeTrace node) throws IOException {
    return NdjsonTraceWriter.openNode(file, node);
  }
}
