/**
 * The file-system seam: {@link io.raftkv.storage.fs.FileSystem} (one directory) and
 * {@link io.raftkv.storage.fs.FileHandle}, with {@link io.raftkv.storage.fs.NioFileSystem} over real
 * files and {@link io.raftkv.storage.fs.MemoryFileSystem}, a deterministic disk that loses and tears
 * what was not synced when the simulator crashes it.
 */
package io.raftkv.storage.fs;
