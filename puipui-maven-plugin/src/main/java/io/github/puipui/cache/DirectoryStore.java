package io.github.puipui.cache;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.github.puipui.BuildLog;
import io.github.puipui.files.FileTrees;
import io.github.puipui.files.PrivateDirectories;
import io.github.puipui.files.Sha256;

/**
 * Entries in a directory, {@code <root>/<key>/} each ({@link EntryLayout}): the build cache shared by every clone of
 * a user, or the binaries a distro publishes.
 * <ul>
 * <li>An entry is assembled under {@code <root>/tmp/} and renamed into place in one step, so a reader never sees a
 * partial entry, whatever kills the writer; concurrent stores of one key are harmless (the first rename wins).</li>
 * <li>Restored entries count as used (the entry directory's mtime); after each store the least recently used
 * entries are removed until the store fits its size bound. Leftovers of killed writers in {@code tmp/} are removed
 * once they are an hour old.</li>
 * </ul>
 */
public final class DirectoryStore implements EntryStore {
    private final Path root;
    private final long maxBytes;
    private final String description;
    private final BuildLog log;

    /** The build cache in {@code root}, bounded to {@code maxBytes}. */
    public DirectoryStore(Path root, long maxBytes, BuildLog log) {
        this(root, maxBytes, "the build cache " + root.toAbsolutePath(), log);
    }

    public DirectoryStore(Path root, long maxBytes, String description, BuildLog log) {
        this.root = root.toAbsolutePath();
        this.maxBytes = maxBytes;
        this.description = description;
        this.log = log;
    }

    public Path root() {
        return root;
    }

    /** The bound of this store's size, in bytes: no entry can be larger. */
    public long maxBytes() {
        return maxBytes;
    }

    @Override
    public String describe() {
        return description;
    }

    private Path entry(String key) {
        if (!Sha256.isDigest(key)) {
            throw new IllegalArgumentException("not a sha256 key: " + key);
        }
        return root.resolve(key);
    }

    @Override
    public boolean has(String key) {
        return EntryLayout.isComplete(entry(key));
    }

    /** The entry's own directory: read it, never change it. */
    @Override
    public Delivered get(String key, Path scratch) {
        return has(key) ? new Delivered(entry(key), 0) : null;
    }

    /**
     * An empty directory under {@code tmp/} for work on an entry (its name starts with {@code name}): on the store's
     * file system, so that an entry assembled there is {@linkplain #put moved} into place, not copied.
     */
    public Path scratch(String name) throws IOException {
        Path dir = root.resolve("tmp").resolve(name + "." + UUID.randomUUID());
        PrivateDirectories.create(dir);
        return dir;
    }

    /**
     * Takes the entry directory {@code dir} (as another store delivers it) as the entry {@code key}, after
     * {@link EntryLayout#check}: moved into place in one step when it is in this store's {@linkplain #scratch scratch}
     * area, else copied there first ({@code scratch} is not used).
     */
    @Override
    public long put(String key, Path dir, Path scratch) throws IOException {
        if (has(key)) {
            return 0;
        }
        EntryLayout.check(dir, key);
        Path tmp = dir.toAbsolutePath().normalize().startsWith(root.resolve("tmp")) ? null : scratch(key);
        try {
            Path entry = dir;
            if (tmp != null) {
                entry = tmp.resolve("entry");
                FileTrees.copyTree(dir, entry);
            }
            PrivateDirectories.restrictTree(entry);
            return moveIntoPlace(key, entry) ? sizeOf(entry(key)) : 0;
        } finally {
            if (tmp != null) {
                FileTrees.deleteTree(tmp);
            }
        }
    }

    /**
     * Stores the regular files and symbolic links under {@code outputs} as the entry {@code key} of {@code inputs}
     * ({@link EntryLayout#write}). Returns false if the entry existed.
     */
    public boolean store(String key, String inputs, Path outputs, String relocate) throws IOException {
        if (has(key)) {
            return false;
        }
        Path tmp = scratch(key);
        try {
            EntryLayout.write(tmp.resolve("entry"), inputs, outputs, relocate);
            return moveIntoPlace(key, tmp.resolve("entry"));
        } finally {
            FileTrees.deleteTree(tmp);
        }
    }

    private boolean moveIntoPlace(String key, Path entry) throws IOException {
        Path target = entry(key);
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS) && !has(key)) {
            // left without its MANIFEST (written last) by an interrupted store or a partial copy of the cache
            remove(key);
        }
        try {
            Files.move(entry, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (has(key)) {
                return false; // another build stored it first
            }
            throw e;
        }
        trim(key);
        return true;
    }

    /**
     * Restores the entry {@code key} into {@code target} ({@link EntryLayout#restore}) and counts it as used. False on
     * a miss; a {@link DamagedEntryException} when the entry cannot be used, which the caller removes.
     */
    public boolean restore(String key, Path target, String relocate) throws IOException {
        Path entry = entry(key);
        if (!has(key)) {
            return false;
        }
        Optional<String> untrusted = PrivateDirectories.problem(entry);
        if (untrusted.isPresent()) {
            throw new DamagedEntryException("it is not trusted: " + untrusted.get());
        }
        EntryLayout.restore(entry, key, target, relocate);
        try {
            Files.setLastModifiedTime(entry, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (NoSuchFileException evictedMeanwhile) {
            // trimmed by another build after we read it: the restored copy is complete and verified
        }
        return true;
    }

    /** Removes the entry {@code key}: renamed away first, so that no reader sees it half removed. */
    public void remove(String key) throws IOException {
        Path trash = root.resolve("tmp").resolve("evicted." + UUID.randomUUID());
        Files.createDirectories(trash.getParent());
        try {
            Files.move(entry(key), trash, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException gone) {
            return;
        }
        FileTrees.deleteTree(trash);
    }

    /** Removes the least recently used entries (never {@code keep}) until the store fits its bound. */
    void trim(String keep) throws IOException {
        FileTrees.removeStale(root.resolve("tmp"), "*");
        record Sized(String key, long bytes, long used) {
        }
        List<Sized> entries = new ArrayList<>();
        long total = 0;
        for (Path d : entries()) {
            try {
                long bytes = sizeOf(d);
                entries.add(new Sized(d.getFileName().toString(), bytes, Files.getLastModifiedTime(d).toMillis()));
                total += bytes;
            } catch (NoSuchFileException gone) {
                // evicted by another build
            }
        }
        entries.sort(Comparator.comparingLong(Sized::used));
        for (Sized s : entries) {
            if (total <= maxBytes) {
                break;
            }
            if (s.key().equals(keep)) {
                continue;
            }
            log.info(String.format("build cache: removing %s (%,d bytes, least recently used) to stay under %,d bytes",
                    s.key(), s.bytes(), maxBytes));
            remove(s.key());
            total -= s.bytes();
        }
    }

    /** Total bytes of the entries. */
    public long size() throws IOException {
        long total = 0;
        for (Path d : entries()) {
            total += sizeOf(d);
        }
        return total;
    }

    private List<Path> entries() throws IOException {
        List<Path> out = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(root,
                    p -> Sha256.isDigest(p.getFileName().toString()))) {
                ds.forEach(out::add);
            }
        }
        return out;
    }

    static long sizeOf(Path dir) throws IOException {
        long total = 0;
        for (FileTrees.Entry e : FileTrees.list(dir)) {
            total += e.isDirectory() ? 0 : e.attributes().size();
        }
        return total;
    }
}
