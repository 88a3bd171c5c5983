package io.github.puipui.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.github.puipui.BuildLog;
import io.github.puipui.files.ConfinedLinks;
import io.github.puipui.files.FileTrees;
import io.github.puipui.files.PosixModes;
import io.github.puipui.files.PrivateDirectories;
import io.github.puipui.files.Sha256;

/**
 * Content-addressed store of build outputs (kernel images, userland components), shared by every clone of a user:
 * {@code <root>/<key>/} holds {@code files/…}, an {@code INPUTS} text saying what the key was computed from, and a
 * {@code MANIFEST} (sha256, mode, size and path of every file) written last.
 * <ul>
 * <li>An entry is assembled under {@code <root>/tmp/} and renamed into place in one step, so a reader never sees a
 * partial entry, whatever kills the writer; concurrent stores of one key are harmless (the first rename wins).</li>
 * <li>Every file is verified against the manifest while it is restored; a damaged entry is removed and reported
 * as a miss, and the restore target is only replaced once everything is verified.</li>
 * <li>Restored entries count as used (the entry directory's mtime); after each store the least recently used
 * entries are removed until the cache fits its size bound. Leftovers of killed writers in {@code tmp/} are removed
 * once they are an hour old.</li>
 * <li>Text files may name the absolute directory they were built for (pkg-config files, for example): a store
 * can replace that path by a placeholder, which a restore replaces by the new directory.</li>
 * </ul>
 */
public final class OutputCache {
    static final String MANIFEST = "MANIFEST";
    static final String INPUTS = "INPUTS";
    static final String FILES = "files";
    static final String PLACEHOLDER = "@PUIPUI_RELOCATED_PREFIX@";

    private final Path root;
    private final long maxBytes;
    private final BuildLog log;

    public OutputCache(Path root, long maxBytes, BuildLog log) {
        this.root = root.toAbsolutePath();
        this.maxBytes = maxBytes;
        this.log = log;
    }

    public Path root() {
        return root;
    }

    /** The cache key of a text describing every input of a step. */
    public static String key(String inputs) {
        return Sha256.of(inputs);
    }

    private Path entry(String key) {
        if (!Sha256.isDigest(key)) {
            throw new IllegalArgumentException("not a sha256 key: " + key);
        }
        return root.resolve(key);
    }

    private volatile RemoteCache remote;

    /** Adds a remote tier: entries missing here are looked for there, and stored ones pushed when it pushes. */
    public OutputCache withRemote(RemoteCache remote) {
        this.remote = remote;
        return this;
    }

    /** The remote tier, or null. */
    public RemoteCache remote() {
        return remote;
    }

    /**
     * Takes the entry directory {@code dir} (INPUTS, MANIFEST, files/, as a remote tier delivers it) as the entry
     * {@code key}: its INPUTS must be the key's, and it is moved into place in one step. Its files are checked against
     * the MANIFEST when it is restored, as every entry's are.
     */
    public void adopt(String key, Path dir) throws IOException {
        Path target = entry(key);
        if (contains(key)) {
            return;
        }
        if (!Files.isRegularFile(dir.resolve(MANIFEST)) || !Files.isRegularFile(dir.resolve(INPUTS))
                || !key(Files.readString(dir.resolve(INPUTS), StandardCharsets.UTF_8)).equals(key)) {
            throw new DamagedEntryException("its INPUTS or MANIFEST is missing, or its INPUTS are not those of the key "
                    + key);
        }
        Optional<Path> escaping = ConfinedLinks.escapingLink(dir);
        if (escaping.isPresent()) {
            throw new DamagedEntryException("link " + dir.relativize(escaping.get()) + " leads outside the entry");
        }
        PrivateDirectories.restrictTree(dir);
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            evict(target); // left without its MANIFEST by an interrupted store
        }
        try {
            Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (!contains(key)) {
                throw e;
            }
        }
        trim(key);
    }

    /** The bound of this cache's size, in bytes: no entry can be larger. */
    public long maxBytes() {
        return maxBytes;
    }

    public boolean contains(String key) {
        return Files.isRegularFile(entry(key).resolve(MANIFEST));
    }

    private volatile boolean faulty;

    /** False once the cache failed (read-only, full, not writable): the build goes on without it. */
    public boolean usable() {
        return !faulty;
    }

    /** Records that the cache failed while {@code doing}; warns once, and the cache is not used again. */
    public synchronized void fault(String doing, Exception e) {
        if (!faulty) {
            faulty = true;
            log.warn("the build cache " + root + " failed while " + doing + " (" + e + "); building without it");
        }
    }

    /**
     * Stores the regular files and symbolic links under {@code dir} as the entry {@code key}. In text files,
     * {@code relocate} (an absolute path, or null) is replaced by a placeholder. Returns false if the entry existed.
     */
    public boolean store(String key, String inputs, Path dir, String relocate) throws IOException {
        Path target = entry(key);
        if (contains(key)) {
            return false;
        }
        Path tmp = root.resolve("tmp").resolve(key + "." + UUID.randomUUID());
        PrivateDirectories.create(tmp.resolve(FILES));
        try {
            List<String> manifest = new ArrayList<>();
            for (Path f : listTree(dir)) {
                String rel = dir.relativize(f).toString();
                Path to = tmp.resolve(FILES).resolve(rel);
                Files.createDirectories(to.getParent());
                if (Files.isSymbolicLink(f)) {
                    String link = Files.readSymbolicLink(f).toString();
                    checkRelative(rel, link);
                    Files.createSymbolicLink(to, Path.of(link));
                    manifest.add("link " + link.length() + " " + link + " " + rel);
                    continue;
                }
                byte[] data = Files.readAllBytes(f);
                if (relocate != null && data.length <= RELOCATED_MAX && isText(data)) {
                    data = replace(data, relocate, PLACEHOLDER);
                }
                Files.write(to, data);
                manifest.add(String.format("%s %04o %d %s", Sha256.of(data), PosixModes.of(f), data.length, rel));
            }
            Files.writeString(tmp.resolve(INPUTS), inputs, StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve(MANIFEST), String.join("\n", manifest) + "\n", StandardCharsets.UTF_8);
            PrivateDirectories.restrictTree(tmp); // nobody else may change an entry, whatever the umask
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS) && !contains(key)) {
                // left without its MANIFEST (written last) by an interrupted store or a partial copy of the cache
                evict(target);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (contains(key)) {
                    return false; // another build stored it first
                }
                throw e;
            }
        } finally {
            FileTrees.deleteTree(tmp);
        }
        trim(key);
        return true;
    }

    /**
     * Restores the entry {@code key} into {@code target} (replaced as a whole, only after every file verified),
     * replacing the placeholder by {@code relocate} in relocated text files. False on a miss or a damaged entry.
     */
    public boolean restore(String key, Path target, String relocate) throws IOException {
        Path entry = entry(key);
        if (!contains(key)) {
            return false;
        }
        Optional<String> untrusted = PrivateDirectories.problem(entry);
        if (untrusted.isPresent()) {
            log.warn("not restoring build cache entry " + entry + ": " + untrusted.get() + "; building instead");
            return false;
        }
        Path partial = target.resolveSibling(target.getFileName() + ".partial-" + UUID.randomUUID());
        try {
            List<String> lines = Files.readAllLines(entry.resolve(MANIFEST), StandardCharsets.UTF_8);
            String inputs = Files.readString(entry.resolve(INPUTS), StandardCharsets.UTF_8);
            if (!key(inputs).equals(key)) {
                throw new DamagedEntryException("its INPUTS are not those of the key " + key);
            }
            Files.createDirectories(partial);
            partial = partial.toRealPath();
            for (String line : lines) {
                if (!line.isBlank()) {
                    restoreLine(entry.resolve(FILES), partial, line, relocate);
                }
            }
            Optional<Path> escaping = ConfinedLinks.escapingLink(partial);
            if (escaping.isPresent()) {
                throw new DamagedEntryException("link " + partial.relativize(escaping.get()) + " leads outside the entry");
            }
            FileTrees.deleteTree(target);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (DamagedEntryException | NoSuchFileException | RuntimeException e) {
            // whatever is wrong with one entry makes it a miss: the cache stays in use for the others
            log.warn("build cache entry " + entry + " is damaged (" + (e instanceof RuntimeException ? e
                    : e.getMessage()) + "); removing it");
            evict(entry);
            return false;
        } finally {
            FileTrees.deleteTree(partial);
        }
        try {
            Files.setLastModifiedTime(entry, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (NoSuchFileException evictedMeanwhile) {
            // trimmed by another build after we read it: the restored copy is complete and verified
        }
        return true;
    }

    private void restoreLine(Path files, Path partial, String line, String relocate) throws IOException {
        if (line.startsWith("link ")) {
            String[] p = line.split(" ", 3);
            int len = parseInt(p[1], line);
            if (p.length < 3 || p[2].length() < len + 2) {
                throw new DamagedEntryException("bad manifest line: " + line);
            }
            String link = p[2].substring(0, len);
            String rel = checkedRelative(p[2].substring(len + 1));
            checkRelative(rel, link);
            Path to = parentWithoutLinks(partial, rel);
            if (ConfinedLinks.resolve(partial, to.getParent(), link).isEmpty()) {
                throw new DamagedEntryException("link " + rel + " -> " + link + " leads outside the entry");
            }
            Files.createSymbolicLink(to, Path.of(link));
            return;
        }
        String[] p = line.split(" ", 4);
        if (p.length != 4 || !Sha256.isDigest(p[0]) || !p[1].matches("[0-7]{1,4}") || !p[2].matches("[0-9]{1,10}")) {
            throw new DamagedEntryException("bad manifest line: " + line);
        }
        String rel = checkedRelative(p[3]);
        Path from = files.resolve(rel);
        if (Files.isSymbolicLink(from) || !Files.isRegularFile(from)) {
            throw new DamagedEntryException(rel + " is missing");
        }
        // verified as a stream into its place, never read whole: an entry's sizes are its own word
        long size = parseInt(p[2], line);
        Path to = parentWithoutLinks(partial, rel);
        java.security.MessageDigest md = Sha256.newDigest();
        long copied;
        try (InputStream in = Files.newInputStream(from); OutputStream out = Files.newOutputStream(to,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            copied = Sha256.copy(in, out, md, 0, size, done -> { });
        } catch (Sha256.TooLongException e) {
            throw new DamagedEntryException(rel + " is longer than its manifest says");
        }
        if (copied != size || !Sha256.hex(md.digest()).equals(p[0])) {
            throw new DamagedEntryException(rel + " does not match its digest");
        }
        if (relocate != null && size <= RELOCATED_MAX && isText(head(to))) {
            Files.write(to, replace(Files.readAllBytes(to), PLACEHOLDER, relocate));
        }
        // whatever the entry says, and wherever it came from: never setuid or setgid, never group- or world-writable
        PosixModes.set(to, Integer.parseInt(p[1], 8) & RESTORED_MODE_MASK);
    }

    /** The mode bits a restored file may keep: owner rwx, group and others r-x. */
    static final int RESTORED_MODE_MASK = 0755;

    /** Removes the least recently used entries (never {@code keep}) until the cache fits its bound. */
    void trim(String keep) throws IOException {
        FileTrees.removeStale(root.resolve("tmp"), "*");
        record Sized(Path dir, long bytes, long used) {
        }
        List<Sized> entries = new ArrayList<>();
        long total = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, p -> Sha256.isDigest(p.getFileName().toString()))) {
            for (Path d : ds) {
                try {
                    long bytes = sizeOf(d);
                    entries.add(new Sized(d, bytes, Files.getLastModifiedTime(d).toMillis()));
                    total += bytes;
                } catch (NoSuchFileException gone) {
                    // evicted by another build
                }
            }
        }
        entries.sort(Comparator.comparingLong(Sized::used));
        for (Sized s : entries) {
            if (total <= maxBytes) {
                break;
            }
            if (s.dir().getFileName().toString().equals(keep)) {
                continue;
            }
            log.info(String.format("build cache: removing %s (%,d bytes, least recently used) to stay under %,d bytes",
                    s.dir().getFileName(), s.bytes(), maxBytes));
            evict(s.dir());
            total -= s.bytes();
        }
    }

    /** Total bytes of the entries. */
    public long size() throws IOException {
        long total = 0;
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, p -> Sha256.isDigest(p.getFileName().toString()))) {
            for (Path d : ds) {
                total += sizeOf(d);
            }
        }
        return total;
    }

    private void evict(Path entry) throws IOException {
        Path trash = root.resolve("tmp").resolve("evicted." + UUID.randomUUID());
        Files.createDirectories(trash.getParent());
        try {
            Files.move(entry, trash, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException gone) {
            return;
        }
        FileTrees.deleteTree(trash);
    }

    private static long sizeOf(Path dir) throws IOException {
        long total = 0;
        for (FileTrees.Entry e : FileTrees.list(dir)) {
            total += e.isDirectory() ? 0 : e.attributes().size();
        }
        return total;
    }

    /**
     * Regular files and symbolic links under {@code dir}, sorted by path; not a tree's own manifest
     * ({@link io.github.puipui.files.TreeManifest#FILE}), which describes the tree where it is and is written again
     * where it is restored.
     */
    static List<Path> listTree(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        for (FileTrees.Entry e : FileTrees.list(dir)) {
            if (e.relative().equals(io.github.puipui.files.TreeManifest.FILE)) {
                continue;
            }
            if (e.isFile() || e.isLink()) {
                out.add(e.path());
            } else if (!e.isDirectory()) {
                throw new IOException("cannot cache " + e.path() + ": not a regular file or symbolic link");
            }
        }
        return out;
    }

    /**
     * {@code partial/rel}, after creating its parent directories and checking that none of them is a symbolic link
     * (an entry's links must not carry its own files outside it).
     */
    private static Path parentWithoutLinks(Path partial, String rel) throws IOException {
        Path to = partial.resolve(rel);
        Optional<Path> link = ConfinedLinks.linkOnTheWay(partial, to.getParent());
        if (link.isEmpty()) {
            Files.createDirectories(to.getParent());
            link = ConfinedLinks.linkOnTheWay(partial, to.getParent());
        }
        if (link.isPresent()) {
            throw new DamagedEntryException(rel + " would be written through the link " + partial.relativize(link.get()));
        }
        return to;
    }

    private static String checkedRelative(String rel) throws DamagedEntryException {
        Path p = Path.of(rel).normalize();
        if (rel.isEmpty() || p.isAbsolute() || p.startsWith("..") || !p.toString().equals(rel)) {
            throw new DamagedEntryException("refusing path " + rel);
        }
        return rel;
    }

    private static void checkRelative(String rel, String link) throws DamagedEntryException {
        Path resolved = Path.of(rel).resolveSibling(link).normalize();
        if (Path.of(link).isAbsolute() || resolved.startsWith("..")) {
            throw new DamagedEntryException("link " + rel + " -> " + link + " points outside the entry");
        }
    }

    private static int parseInt(String s, String line) throws DamagedEntryException {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new DamagedEntryException("bad manifest line: " + line);
        }
    }

    /** Replaces every occurrence of the UTF-8 bytes of {@code from} by those of {@code to}. */
    static byte[] replace(byte[] data, String from, String to) {
        String bytesFrom = new String(from.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        String bytesTo = new String(to.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        return new String(data, StandardCharsets.ISO_8859_1).replace(bytesFrom, bytesTo)
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The largest file whose build directory is relocated: text files of a sysroot or staging are far smaller. */
    static final long RELOCATED_MAX = 16L << 20;

    /** The first 8 KiB of a file, which tell text from binary. */
    private static byte[] head(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(8192);
        }
    }

    static boolean isText(byte[] data) {
        int n = Math.min(data.length, 8192);
        for (int i = 0; i < n; i++) {
            if (data[i] == 0) {
                return false;
            }
        }
        return true;
    }

    /** An entry that does not match its manifest. */
    static final class DamagedEntryException extends IOException {
        DamagedEntryException(String message) {
            super(message);
        }
    }
}
