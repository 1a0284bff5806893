package io.raftkv.tracecheck;

import io.raftkv.cli.TraceWriterFactory;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What {@code raftkv sim --trace FILE} and {@code raftkv server --trace FILE} find with
 * {@link java.util.ServiceLoader}: the NDJSON writer of this module. A trace opened without a
 * {@link ClusterHeader} has no header line, and the checker infers the servers, PreVote and the
 * initial voters from the events (see {@link Trace}).
 */
public final class NdjsonTraceWriterFactory implements TraceWriterFactory {

  @Override
  public TraceWriter open(Path file) throws IOException {
    return NdjsonTraceWriter.open(file);
  }

  @Override
  public TraceWriter open(Path file, ClusterHeader header) throws IOException {
    return NdjsonTraceWriter.open(file, new NdjsonTraceWriter.Header(header.servers(), header.preVote(),
        header.voters(), header.leaseReads()));
  }

  @Override
  public NodeTraceWriter openNode(Path file, NodeTrace node) throws IOException {
    return NdjsonTraceWriter.openNode(file, node);
  }
}
