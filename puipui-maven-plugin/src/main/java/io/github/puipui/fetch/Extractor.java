package io.github.puipui.fetch;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import io.github.puipui.files.ConfinedLinks;
import io.github.puipui.files.FileTrees;
import io.github.puipui.files.PosixModes;
import io.github.puipui.files.PrivateDirectories;

/**
 * Extracts {@code .tar.gz}, {@code .tar.bz2} and {@code .tar.xz} archives safely and atomically.
 * <ul>
 * <li>Entries with absolute names, any {@code ..} segment, links pointing outside the target, or paths that pass
 * through a symbolic link are refused: the whole extraction fails and nothing is left behind.</li>
 * <li>Extraction goes to a staging directory beside the target ({@link FileTrees#stagingPath}); a marker holding the
 * archive's digest is written last and the directory is then renamed into place ({@link FileTrees#publish}). A
 * target without the marker (or with another digest) is redone, so an interrupted extraction is detected on the next
 * run.</li>
 * <li>Group and world write bits are dropped: nobody but the user who extracted a tree can change it, which is what
 * lets a tree in the user cache be trusted by checking its top directory only.</li>
 * <li>What one archive may write is bounded by its {@link Kind}: the bytes of file content (a hard link counts as the
 * copy it becomes) and the number of entries. Past the bound the extraction fails, naming the archive and the bound.</li>
 * </ul>
 */
public final class Extractor {
    /**
     * The completion marker. Its name changed when extraction began to drop group and world write bits, so that a
     * tree extracted before (with those bits) counts as incomplete and is extracted once more.
     */
    static final String MARKER = ".puipui-extracted-2";

    /** What an archive is, which bounds what it may write. */
    public enum Kind {
        /**
         * A source archive pinned by digest, a kernel tarball among them: up to 25 times its size plus 64 MiB, and an
         * entry per 256 bytes plus 20,000 (the Linux tarball, 1.5 GB in 93,000 entries from 150 MB, fits five times).
         */
        SOURCE("source archive", 64L << 20, 25, 20_000, 256),
        /**
         * A distro definition a base hands over, not pinned: a bound near its own size, 16 times it plus 1 MiB, and an
         * entry per 64 bytes plus 2,000.
         */
        DEFINITION("distro definition", 1L << 20, 16, 2_000, 64),
        /**
         * A base distro's binaries for one arch, pinned by the digest its definition gives: 16 times its size plus
         * 16 MiB (kernel images and static binaries compress by 2 to 4), and an entry per 256 bytes plus 2,000.
         */
        BINARIES("distro binaries", 16L << 20, 16, 2_000, 256);

        private final String label;
        private final long baseBytes;
        private final long ratio;
        private final long baseEntries;
        private final long bytesPerEntry;

        Kind(String label, long baseBytes, long ratio, long baseEntries, long bytesPerEntry) {
            this.label = label;
            this.baseBytes = baseBytes;
            this.ratio = ratio;
            this.baseEntries = baseEntries;
            this.bytesPerEntry = bytesPerEntry;
        }

        /** The most bytes of file content an archive of {@code archiveBytes} may write. */
        public long maxBytes(long archiveBytes) {
            return baseBytes + ratio * archiveBytes;
        }

        /** The most entries an archive of {@code archiveBytes} may hold. */
        public long maxEntries(long archiveBytes) {
            return baseEntries + archiveBytes / bytesPerEntry;
        }
    }

    private final Kind kind;

    public Extractor(Kind kind) {
        this.kind = kind;
    }

    /** The digest of the archive completely extracted into {@code target}, if the extraction is complete. */
    public static java.util.Optional<String> archiveDigest(Path target) throws IOException {
        Path marker = target.resolve(MARKER);
        return Files.isRegularFile(marker)
                ? java.util.Optional.of(Files.readString(marker, StandardCharsets.UTF_8).trim())
                : java.util.Optional.empty();
    }

    /** True if {@code target} holds a complete extraction of the archive with this digest. */
    public static boolean isComplete(Path target, String archiveSha256) throws IOException {
        return archiveDigest(target).filter(archiveSha256::equals).isPresent();
    }

    /**
     * Extracts unless already complete; returns {@code target}. Several builds may extract the same archive into the
     * same target at once (a prebuilt toolchain in the user cache): each stages its own copy, the first complete one
     * is kept.
     */
    public Path extract(Path archive, String archiveSha256, Path target) throws IOException {
        // builds of one JVM (the arches, parallel goals) take turns per target instead of each staging a copy
        synchronized (EXTRACTING.computeIfAbsent(target.toAbsolutePath().normalize().toString(), k -> new Object())) {
            return extractOnce(archive, archiveSha256, target);
        }
    }

    private static final java.util.concurrent.ConcurrentHashMap<String, Object> EXTRACTING =
            new java.util.concurrent.ConcurrentHashMap<>();

    private Path extractOnce(Path archive, String archiveSha256, Path target) throws IOException {
        if (isComplete(target, archiveSha256)) {
            return target;
        }
        FileTrees.removeAbandonedStaging(target);
        Path partial = PrivateDirectories.create(FileTrees.stagingPath(target));
        try {
            unpack(archive, partial);
            Files.writeString(partial.resolve(MARKER), archiveSha256 + "\n", StandardCharsets.UTF_8);
            FileTrees.publish(partial, target, t -> isComplete(t, archiveSha256));
        } catch (IOException | RuntimeException e) {
            FileTrees.deleteTree(partial);
            throw e;
        }
        return target;
    }

    /** Extracts (unless complete) and returns the archive's single top-level directory. */
    public Path extractTree(Path archive, String archiveSha256, Path target) throws IOException {
        extract(archive, archiveSha256, target);
        try (java.util.stream.Stream<Path> top = Files.list(target)) {
            List<Path> dirs = top.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList();
            if (dirs.size() != 1) {
                throw new IOException(archive.getFileName() + " does not have a single top-level directory: " + dirs);
            }
            return dirs.get(0);
        }
    }

    static InputStream decompress(Path archive, InputStream raw) throws IOException {
        String n = archive.getFileName().toString();
        if (n.endsWith(".tar.gz") || n.endsWith(".tgz")) {
            return new GzipCompressorInputStream(raw, true);
        }
        if (n.endsWith(".tar.bz2")) {
            return new BZip2CompressorInputStream(raw, true);
        }
        if (n.endsWith(".tar.xz")) {
            return new XZCompressorInputStream(raw, true);
        }
        if (n.endsWith(".tar")) {
            return raw;
        }
        throw new IOException("unknown archive type: " + n + " (expected .tar.gz, .tar.bz2, .tar.xz or .tar)");
    }

    private void unpack(Path archive, Path root) throws IOException {
        String label = archive.getFileName().toString();
        long archiveBytes = Files.size(archive);
        long maxBytes = kind.maxBytes(archiveBytes);
        long maxEntries = kind.maxEntries(archiveBytes);
        long written = 0;
        long entries = 0;
        Path realRoot = root.toRealPath();
        Set<Path> checkedDirs = new HashSet<>();
        checkedDirs.add(realRoot);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
                TarArchiveInputStream tar = new TarArchiveInputStream(decompress(archive, raw))) {
            byte[] buf = new byte[1 << 16];
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                String name = e.getName();
                if (++entries > maxEntries) {
                    throw new UnsafeArchiveException(label, name, String.format("is past the bound of %,d entries for a"
                            + " %s of %,d bytes", maxEntries, kind.label, archiveBytes));
                }
                Path dest = safePath(label, realRoot, name);
                if (dest.equals(realRoot)) {
                    continue;
                }
                ensureNoLinkOnTheWay(label, name, realRoot, dest.getParent(), checkedDirs);
                if (e.isDirectory()) {
                    if (Files.isSymbolicLink(dest)) {
                        throw new UnsafeArchiveException(label, name, "replaces a symbolic link with a directory");
                    }
                    Files.createDirectories(dest);
                    setMode(dest, e.getMode() | 0700);
                } else if (e.isSymbolicLink()) {
                    String link = e.getLinkName();
                    if (ConfinedLinks.resolve(realRoot, dest.getParent(), link).isEmpty()) {
                        throw new UnsafeArchiveException(label, name, "is a symbolic link escaping the target: -> " + link);
                    }
                    Files.deleteIfExists(dest);
                    Files.createSymbolicLink(dest, Path.of(link));
                } else if (e.isLink()) {
                    Path linkTarget = safePath(label, realRoot, e.getLinkName());
                    if (ConfinedLinks.linkOnTheWay(realRoot, linkTarget.getParent()).isPresent()) {
                        throw new UnsafeArchiveException(label, name, "is a hard link through a symbolic link: "
                                + e.getLinkName());
                    }
                    if (!Files.isRegularFile(linkTarget, LinkOption.NOFOLLOW_LINKS)) {
                        throw new UnsafeArchiveException(label, name, "is a hard link to a missing or non-regular file");
                    }
                    written += Files.size(linkTarget);
                    checkBytes(label, name, written, maxBytes, archiveBytes);
                    Files.deleteIfExists(dest);
                    Files.copy(linkTarget, dest, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                } else if (e.isFile()) {
                    if (Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)) {
                        throw new UnsafeArchiveException(label, name, "replaces a directory with a file");
                    }
                    Files.deleteIfExists(dest);
                    try (OutputStream out = Files.newOutputStream(dest, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                        for (int n; (n = tar.read(buf)) > 0; ) {
                            written += n;
                            checkBytes(label, name, written, maxBytes, archiveBytes);
                            out.write(buf, 0, n);
                        }
                    }
                    setMode(dest, e.getMode());
                    Files.setLastModifiedTime(dest, FileTime.from(e.getModTime().toInstant()));
                } else if (e.isGlobalPaxHeader() || e.isPaxHeader()) {
                    continue;
                } else {
                    throw new UnsafeArchiveException(label, name, "is a device, fifo or other special file");
                }
            }
        }
        Optional<Path> escaping = ConfinedLinks.escapingLink(realRoot);
        if (escaping.isPresent()) {
            throw new UnsafeArchiveException(label, realRoot.relativize(escaping.get()).toString(),
                    "is a symbolic link that leads outside the target through links written after it");
        }
    }

    private void checkBytes(String label, String name, long written, long maxBytes, long archiveBytes)
            throws UnsafeArchiveException {
        if (written > maxBytes) {
            throw new UnsafeArchiveException(label, name, String.format("takes the archive past the bound of %,d bytes"
                    + " written for a %s of %,d bytes", maxBytes, kind.label, archiveBytes));
        }
    }

    private static Path safePath(String label, Path realRoot, String name) throws UnsafeArchiveException {
        if (name.isEmpty() || name.startsWith("/") || name.indexOf('\0') >= 0 || name.matches("^[A-Za-z]:.*")) {
            throw new UnsafeArchiveException(label, name, "has an absolute or empty name");
        }
        for (String seg : name.split("/+")) {
            if (seg.equals("..")) {
                throw new UnsafeArchiveException(label, name, "contains '..'");
            }
        }
        Path p = realRoot.resolve(name).normalize();
        if (!p.startsWith(realRoot)) {
            throw new UnsafeArchiveException(label, name, "resolves outside the target");
        }
        return p;
    }

    /** Refuses entries under a directory component that is (or became) a symbolic link. */
    private static void ensureNoLinkOnTheWay(String label, String name, Path realRoot, Path dir, Set<Path> checked)
            throws IOException {
        if (checked.contains(dir)) {
            return;
        }
        Path rel = realRoot.relativize(dir);
        Path cur = realRoot;
        for (Path seg : rel) {
            cur = cur.resolve(seg);
            if (checked.contains(cur)) {
                continue;
            }
            if (Files.isSymbolicLink(cur)) {
                throw new UnsafeArchiveException(label, name, "would be written through the symbolic link " + realRoot.relativize(cur));
            }
            if (!Files.exists(cur, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(cur);
                PrivateDirectories.restrict(cur); // a directory the archive does not list gets no write bits of the umask
            } else if (!Files.isDirectory(cur, LinkOption.NOFOLLOW_LINKS)) {
                throw new UnsafeArchiveException(label, name, "needs " + realRoot.relativize(cur) + " to be a directory");
            }
            checked.add(cur);
        }
    }

    /**
     * Sets an extracted entry's mode: the archive's permission bits (no setuid, setgid or sticky), readable and
     * writable by the user, never writable by group or others: only the user who extracted it may change the tree.
     */
    private static void setMode(Path p, int mode) throws IOException {
        PosixModes.set(p, ((mode & 0777) | 0600) & ~0022);
    }
}
