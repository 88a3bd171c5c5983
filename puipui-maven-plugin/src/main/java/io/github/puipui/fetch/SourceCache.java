package io.github.puipui.fetch;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.github.puipui.BuildLog;
import io.github.puipui.files.FileTrees;
import io.github.puipui.files.PrivateDirectories;
import io.github.puipui.files.Sha256;

/**
 * Content-addressed store of verified source archives, shared by every project of a user:
 * {@code <root>/sha256/<digest>/<file name>}. Files enter only through {@link #store}, which moves an already
 * verified temporary file into place atomically, so a reader never sees a partial file. Reads are verified again
 * (once per JVM for an unchanged file); a corrupted entry is removed and reported as a miss.
 */
public final class SourceCache {
    private static final Map<String, String> VERIFIED = new ConcurrentHashMap<>();

    private final Path root;
    private final BuildLog log;

    public SourceCache(Path root, BuildLog log) {
        this.root = root.toAbsolutePath();
        this.log = log;
    }

    /** The user's default: {@code $XDG_CACHE_HOME/puipui} or {@code ~/.cache/puipui}. */
    public static Path defaultRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("puipui");
    }

    public Path root() {
        return root;
    }

    private Path entryDir(String sha256) {
        return root.resolve("sha256").resolve(sha256);
    }

    /** Whether the cache seems to hold a file with this digest (not verified: {@link #find} does that). */
    public boolean holds(String sha256) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(entryDir(sha256), p -> Files.isRegularFile(p))) {
            return files.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    /** A verified cached file with this digest, if there is one. */
    public Optional<Path> find(String sha256) throws IOException {
        Path dir = entryDir(sha256);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        Optional<String> untrusted = PrivateDirectories.problem(dir);
        if (untrusted.isPresent()) {
            // a file another user can replace might be swapped after it was verified
            log.warn("not using the cached source " + dir + ": " + untrusted.get());
            return Optional.empty();
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, p -> Files.isRegularFile(p))) {
            for (Path file : files) {
                if (isIntact(file, sha256)) {
                    return Optional.of(file);
                }
                log.warn("cache entry " + file + " does not match its digest; removing it");
                Files.deleteIfExists(file);
            }
        }
        return Optional.empty();
    }

    private static boolean isIntact(Path file, String sha256) throws IOException {
        String stamp = file + ":" + Files.size(file) + ":" + Files.getLastModifiedTime(file).toMillis();
        if (sha256.equals(VERIFIED.get(stamp))) {
            return true;
        }
        String actual = Sha256.of(file);
        if (actual.equals(sha256)) {
            VERIFIED.put(stamp, actual);
            return true;
        }
        return false;
    }

    /**
     * A fresh temporary path on the cache's file system, for a download in progress. Leftovers of downloads that
     * were killed (older than an hour: no download in progress is that quiet) are removed.
     */
    public Path newTempFile(String fileName) throws IOException {
        Path tmp = PrivateDirectories.create(root.resolve("tmp"));
        FileTrees.removeStale(tmp, "*.part");
        return tmp.resolve(fileName + "." + UUID.randomUUID() + ".part");
    }

    /** Moves a verified temporary file into the cache; concurrent stores of the same digest are harmless. */
    public Path store(String sha256, String fileName, Path verifiedTemp) throws IOException {
        Path dir = PrivateDirectories.create(entryDir(sha256));
        Path target = dir.resolve(fileName);
        Files.setLastModifiedTime(verifiedTemp, FileTime.fromMillis(System.currentTimeMillis()));
        try {
            Files.move(verifiedTemp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cache " + root + " cannot rename atomically; put it on a local file system", e);
        }
        VERIFIED.put(target + ":" + Files.size(target) + ":" + Files.getLastModifiedTime(target).toMillis(), sha256);
        return target;
    }
}
