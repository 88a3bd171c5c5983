package io.github.puipui.cache;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A place that keeps build-cache entries by key ({@link EntryLayout}): the build's own directory
 * ({@link DirectoryStore}), an HTTP server ({@link HttpStore}), a distro's published binaries (a read-only
 * {@link DirectoryStore}). A store only gets, puts and answers whether it has an entry; the {@link TieredCache} over
 * it decides what a failure means.
 * <p>
 * A {@link DamagedEntryException} says that the store answered with an entry that cannot be used: a miss. Any other
 * exception says that the store itself failed (unreachable, refused, full).
 */
public interface EntryStore {
    /** What the store is, for warnings: "the build cache /path", "the remote cache id (url)". */
    String describe();

    /** What the store is, for the log's one-line reports: "the remote cache id". */
    default String name() {
        return describe();
    }

    /** An entry a store delivered: its directory, and the bytes that crossed the network for it (0 from a disk). */
    record Delivered(Path dir, long transferred) {
    }

    /** Whether the store has the entry {@code key}: an answer for planning, which a get may still refute. */
    boolean has(String key) throws IOException;

    /**
     * The entry {@code key} as a directory in {@link EntryLayout}, or null when the store has none. {@code scratch}
     * is an empty directory the store may fetch into, which the caller removes afterwards; the directory delivered may
     * also be the store's own, to be read and never changed.
     */
    Delivered get(String key, Path scratch) throws IOException;

    /**
     * Keeps the entry directory {@code entry} as {@code key} unless the store has it; returns the bytes it took.
     * {@code scratch}: as for {@link #get}.
     */
    long put(String key, Path entry, Path scratch) throws IOException;
}
