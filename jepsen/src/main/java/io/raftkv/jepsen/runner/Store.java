package io.raftkv.jepsen.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** Jepsen's store layout: {@code store/<test>/<timestamp>/}, and {@code store/latest} pointing at the last run. */
final class Store {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'");

  private Store() {}

  static Path create(Path store, String test) throws IOException {
    Path dir = store.resolve(test).resolve(STAMP.format(ZonedDateTime.now(ZoneOffset.UTC)));
    if (Files.exists(dir)) {
      throw new IOException(dir + " exists already");
    }
    return Files.createDirectories(dir);
  }

  /** Points {@code store/latest} and {@code store/<test>/latest} at {@code runDir} (relative links). */
  static void linkLatest(Path store, Path runDir) throws IOException {
    for (Path parent : new Path[] {store, runDir.getParent()}) {
      Path link = parent.resolve("latest");
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, parent.toAbsolutePath().relativize(runDir.toAbsolutePath()));
    }
  }
}
