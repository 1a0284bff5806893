package io.raftkv.tracecheck;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs TLC in a child JVM: TLC keeps static state and calls System.exit, so one run per process.
 * The child's class path is the jars (or class directories) of TLC, of this module (the trace
 * reader override) and of Jackson, found from the classes themselves so it is the same under
 * Maven, in the IDE and in the ./raftkv distribution.
 */
final class TlcProcess {

  /** What a TLC run printed and how it ended. */
  record Result(int exitCode, List<String> output, double seconds) {

    /** "The depth of the complete state graph search is D.", or -1 when TLC did not say. */
    int depth() {
      String prefix = "The depth of the complete state graph search is ";
      for (String line : output) {
        if (line.startsWith(prefix)) {
          return Integer.parseInt(line.substring(prefix.length()).replace(".", "").trim());
        }
      }
      return -1;
    }

    /** The lines TLC printed as errors, for messages. */
    String errors() {
      StringBuilder text = new StringBuilder();
      boolean inError = false;
      for (String line : output) {
        if (line.startsWith("Error:") || line.contains("Exception") || line.startsWith("***")) {
          inError = true;
        }
        if (inError && text.length() < 4000) {
          text.append(line).append('\n');
        }
      }
      return text.isEmpty() ? String.join("\n", output.subList(Math.max(0, output.size() - 20), output.size())) : text.toString();
    }
  }

  private TlcProcess() {}

  /**
   * Runs TLC on {@code module}.tla with {@code module}.cfg in {@code dir}, modules it extends
   * searched also in {@code library}.
   */
  static Result run(Path dir, String module, Path library, int workers, String maxHeap)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseParallelGC");
    command.add("-Xmx" + maxHeap);
    command.add("-Xss16m");
    // TLC unpacks its standard modules into java.io.tmpdir: keep concurrent runs apart.
    command.add("-Djava.io.tmpdir=" + dir);
    command.add("-DTLA-Library=" + library);
    command.add("-cp");
    command.add(classPath());
    command.add("tlc2.TLC");
    command.add("-workers");
    command.add(Integer.toString(workers));
    command.add("-metadir");
    command.add(dir.resolve("states").toString());
    command.add("-config");
    command.add(module + ".cfg");
    command.add(module + ".tla");
    Path log = dir.resolve(module + ".out");
    long start = System.nanoTime();
    Process process = new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    int exitCode = process.waitFor();
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(exitCode, Files.readAllLines(log, StandardCharsets.UTF_8), seconds);
  }

  private static String classPath() {
    Set<String> entries = new LinkedHashSet<>();
    for (Class<?> type : List.of(tlc2.TLC.class, TlcProcess.class, com.fasterxml.jackson.databind.ObjectMapper.class,
        com.fasterxml.jackson.core.JsonFactory.class, com.fasterxml.jackson.annotation.JsonProperty.class)) {
      entries.add(locationOf(type));
    }
    return String.join(File.pathSeparator, entries);
  }

  private static String locationOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("cannot locate the jar of " + type.getName(), e);
    }
  }
}
