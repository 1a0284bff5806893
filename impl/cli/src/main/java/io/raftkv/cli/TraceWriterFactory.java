package io.raftkv.cli;

import io.raftkv.core.RaftObserver;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens an NDJSON trace file as a {@link RaftObserver}.
 *
 * <p>The writer lives in the trace-check module, which depends on impl; impl cannot depend on it,
 * so commands in impl (such as {@code raftkv sim --trace FILE}) find an implementation with
 * {@link java.util.ServiceLoader}: trace-check lists its class in
 * {@code META-INF/services/io.raftkv.cli.TraceWriterFactory}. Callers must say clearly when no
 * implementation is on the class path.
 */
public interface TraceWriterFactory {

  /**
   * Creates (or truncates) {@code file} and returns an observer that writes one line per event it
   * receives, in the order received. Closing it flushes and closes the file.
   */
  TraceWriter open(Path file) throws IOException;

  /** A trace-writing observer that must be closed to flush the file. */
  interface TraceWriter extends RaftObserver, Closeable {}
}
