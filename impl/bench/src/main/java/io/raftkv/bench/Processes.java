package io.raftkv.bench;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Ending the processes this JVM started and removing the directories it made. */
final class Processes {
    private Processes() {}

    /**
     * SIGKILL of every pid in {@code pids} that is a child of this JVM (so a pid reused by someone
     * else's process is never signalled), then a bounded wait for each exit.
     */
    static void killAll(List<Long> pids) {
        List<ProcessHandle> children = ProcessHandle.current().children()
                .filter(child -> pids.contains(child.pid())).toList();
        children.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle child : children) {
            child.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(timeout -> child).join();
        }
    }

    /** Deletes {@code root} and everything under it; a missing root is fine, a failure is reported. */
    static void deleteTree(Path root) {
        deleteTree(root, true);
    }

    /** As {@link #deleteTree(Path)}, reporting a failure on stderr only if {@code report}. */
    static void deleteTree(Path root, boolean report) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path directory, IOException failed) throws IOException {
                    Files.deleteIfExists(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException failed) {
            if (report) {
                System.err.println("raftkv bench: could not delete " + root + ": " + failed.getMessage());
            }
        }
    }
}
