package io.raftkv.spec;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the project's TLA+ files and stages them into one flat directory for {@link TlcRunner}.
 *
 * <p>The files live in {@code spec/} ({@code Raft.tla}, {@code MCRaft.tla}, the {@code .cfg}
 * files, {@code TraceRaft.tla}) and {@code spec/mutants/}. They are also packaged in the spec jar
 * under {@value #RESOURCE_ROOT} (mutants under {@code mutants/} below it), so another module's code
 * or tests that depend on {@code raftkv-spec} can use them without knowing where the source tree
 * is: {@code SpecFiles.stageBundled(tempDir)}. Staging flattens {@code mutants/} into the target
 * directory, so a mutant module can {@code EXTENDS MCRaft} and TLC finds every module in its
 * working directory.
 *
 * <p>Where the files come from, by default ({@link #stageDefault(Path)}): {@code $RAFTKV_HOME/spec}
 * (set by the {@code ./raftkv} launcher), else the current directory if it holds {@code Raft.tla}
 * (Maven runs a module's tests in the module's directory), else {@code ./spec}, else the copy
 * bundled in the jar.
 */
public final class SpecFiles {

  /** Where the spec jar holds the {@code .tla} and {@code .cfg} files. */
  public static final String RESOURCE_ROOT = "io/raftkv/spec/tla/";

  private SpecFiles() {}

  /** The spec source directory to use when none is given, if one can be found. */
  public static Optional<Path> defaultSpecDirectory() {
    String home = System.getenv("RAFTKV_HOME");
    List<Path> candidates = new ArrayList<>();
    if (home != null && !home.isBlank()) {
      candidates.add(Path.of(home, "spec"));
    }
    candidates.add(Path.of(""));
    candidates.add(Path.of("spec"));
    return candidates.stream()
        .map(Path::toAbsolutePath)
        .filter(dir -> Files.isRegularFile(dir.resolve("Raft.tla")))
        .findFirst();
  }

  /** Stages the spec from {@link #defaultSpecDirectory()}, else from the jar; returns target. */
  public static Path stageDefault(Path target) throws IOException {
    Optional<Path> dir = defaultSpecDirectory();
    return dir.isPresent() ? stageDirectory(dir.get(), target) : stageBundled(target);
  }

  /**
   * Copies every {@code .tla} and {@code .cfg} file of {@code specDir} and of
   * {@code specDir/mutants} into {@code target} (created if needed); returns target.
   *
   * @throws IllegalArgumentException if {@code specDir} has no {@code Raft.tla}
   */
  public static Path stageDirectory(Path specDir, Path target) throws IOException {
    if (!Files.isRegularFile(specDir.resolve("Raft.tla"))) {
      throw new IllegalArgumentException("not a spec directory (no Raft.tla): " + specDir);
    }
    Files.createDirectories(target);
    copyTlaFiles(specDir, target);
    Path mutants = specDir.resolve("mutants");
    if (Files.isDirectory(mutants)) {
      copyTlaFiles(mutants, target);
    }
    return target;
  }

  /** Copies the spec files bundled in the spec jar (or its classes directory) into target. */
  public static Path stageBundled(Path target) throws IOException {
    Path location;
    try {
      location = Path.of(SpecFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IOException("cannot locate the spec jar", e);
    }
    if (Files.isDirectory(location)) {
      return stageDirectory(location.resolve(RESOURCE_ROOT), target);
    }
    try (FileSystem jar = FileSystems.newFileSystem(location)) {
      Path root = jar.getPath(RESOURCE_ROOT);
      Files.createDirectories(target);
      copyTlaFiles(root, target);
      Path mutants = root.resolve("mutants");
      if (Files.isDirectory(mutants)) {
        copyTlaFiles(mutants, target);
      }
      if (!Files.isRegularFile(target.resolve("Raft.tla"))) {
        throw new IOException(location + " holds no " + RESOURCE_ROOT + "Raft.tla");
      }
      return target;
    }
  }

  private static void copyTlaFiles(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (Files.isRegularFile(file) && (name.endsWith(".tla") || name.endsWith(".cfg"))) {
          Files.copy(file, to.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
