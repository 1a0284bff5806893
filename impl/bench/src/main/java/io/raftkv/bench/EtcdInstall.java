package io.raftkv.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Finds the etcd binary, installing Debian's etcd-server and etcd-client when it is missing. */
final class EtcdInstall {
    static final List<String> INSTALL = List.of("apt-get", "install", "-y", "etcd-server", "etcd-client");

    private EtcdInstall() {}

    /** The path of etcd on PATH, if any. */
    static Optional<Path> find() {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String directory : path.split(File.pathSeparator)) {
            Path candidate = Path.of(directory.isEmpty() ? "." : directory, "etcd");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** etcd's path, after installing it if needed; an IOException saying why it cannot be had. */
    static Path ensure(Path logDirectory) throws IOException, InterruptedException {
        Optional<Path> found = find();
        if (found.isPresent()) {
            return found.get();
        }
        Path log = logDirectory.resolve("apt-get-etcd.log");
        ProcessBuilder builder = new ProcessBuilder(INSTALL).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process apt;
        try {
            apt = builder.start();
        } catch (IOException noApt) {
            throw new IOException("etcd is not installed and " + String.join(" ", INSTALL) + " cannot run: "
                    + noApt.getMessage());
        }
        if (!apt.waitFor(10, TimeUnit.MINUTES)) {
            apt.destroyForcibly();
            throw new IOException("etcd is not installed and " + String.join(" ", INSTALL) + " did not finish in 10"
                    + " minutes");
        }
        found = find();
        if (apt.exitValue() != 0 || found.isEmpty()) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            String last = lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
            throw new IOException("etcd is not installed and " + String.join(" ", INSTALL) + " exited "
                    + apt.exitValue() + " (" + last + "); install etcd 3.4 (needs root) and run again");
        }
        return found.get();
    }
}
