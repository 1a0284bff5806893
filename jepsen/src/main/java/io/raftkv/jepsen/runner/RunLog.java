package io.raftkv.jepsen.runner;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Progress lines: to the terminal and, with the run's clock, to {@code jepsen.log}. */
final class RunLog implements AutoCloseable {
  private final PrintWriter out;
  private final Writer file;
  private final long originNanos;

  RunLog(PrintWriter out, Path file, long originNanos) throws IOException {
    this.out = out;
    this.file = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    this.originNanos = originNanos;
  }

  synchronized void line(String text) {
    out.println(text);
    out.flush();
    fileOnly(text);
  }

  /** Into jepsen.log only (details a terminal does not need). */
  synchronized void fileOnly(String text) {
    try {
      file.write(String.format(Locale.ROOT, "%9.3f  %s%n", (System.nanoTime() - originNanos) / 1e9, text));
      file.flush();
    } catch (IOException ignored) {
      // The terminal still has the line; a full disk shows up again when the history is written.
    }
  }

  @Override
  public synchronized void close() throws IOException {
    file.close();
  }
}
