package io.raftkv.tracecheck;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the directory holding Raft.tla and TraceRaft.tla: the system property
 * {@code raftkv.spec.dir}, else {@code $RAFTKV_HOME/spec}, else a {@code spec} directory in the
 * working directory or one of its parents (so tests find it from the module directory).
 */
final class SpecDirectory {

  private SpecDirectory() {}

  static Path locate() {
    String property = System.getProperty("raftkv.spec.dir");
    if (property != null) {
      return checked(Path.of(property), "the system property raftkv.spec.dir");
    }
    String home = System.getenv("RAFTKV_HOME");
    if (home != null && Files.isRegularFile(Path.of(home, "spec", "TraceRaft.tla"))) {
      return Path.of(home, "spec").toAbsolutePath();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("spec").resolve("TraceRaft.tla"))) {
        return dir.resolve("spec");
      }
    }
    throw new IllegalStateException("cannot find spec/TraceRaft.tla: run from the raftkv tree, set RAFTKV_HOME,"
        + " or pass -Draftkv.spec.dir=DIR");
  }

  private static Path checked(Path dir, String source) {
    for (String module : new String[] {"Raft.tla", "TraceRaft.tla"}) {
      if (!Files.isRegularFile(dir.resolve(module))) {
        throw new IllegalStateException(source + " names " + dir + ", which has no " + module);
      }
    }
    return dir.toAbsolutePath();
  }
}
