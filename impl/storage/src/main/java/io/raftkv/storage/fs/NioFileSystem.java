package io.raftkv.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/** {@link FileSystem} over one real directory, through {@link FileChannel}. */
public final class NioFileSystem implements FileSystem {
    private final Path directory;

    /** Uses {@code directory}, creating it (and its parents) if missing. */
    public NioFileSystem(Path directory) throws IOException {
        this.directory = Files.createDirectories(directory);
    }

    public Path directory() {
        return directory;
    }

    @Override
    public List<String> list() throws IOException {
        try (Stream<Path> paths = Files.list(directory)) {
            return paths.filter(Files::isRegularFile).map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    @Override
    public FileHandle open(String name, boolean create) throws IOException {
        Path path = resolve(name);
        FileChannel channel = create
                ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new NioFileHandle(channel);
    }

    @Override
    public void delete(String name) throws IOException {
        Files.delete(resolve(name));
    }

    @Override
    public void rename(String from, String to) throws IOException {
        Files.move(resolve(from), resolve(to), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Linux makes directory entries durable when the directory itself is fsynced. */
    @Override
    public void syncDirectory() throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private Path resolve(String name) {
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("not a plain file name: '" + name + "'");
        }
        return directory.resolve(name);
    }

    private record NioFileHandle(FileChannel channel) implements FileHandle {

        @Override
        public long size() throws IOException {
            return channel.size();
        }

        @Override
        public int read(long position, ByteBuffer into) throws IOException {
            int total = 0;
            while (into.hasRemaining()) {
                int read = channel.read(into, position + total);
                if (read < 0) {
                    break;
                }
                total += read;
            }
            return total;
        }

        @Override
        public void write(long position, ByteBuffer from) throws IOException {
            long at = position;
            while (from.hasRemaining()) {
                at += channel.write(from, at);
            }
        }

        @Override
        public void truncate(long size) throws IOException {
            channel.truncate(size);
        }

        /** force(false) is fdatasync: the data and the size, not the modification time. */
        @Override
        public void sync() throws IOException {
            channel.force(false);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
