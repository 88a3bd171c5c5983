package io.github.puipui.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.github.puipui.files.ConfinedLinks;
import io.github.puipui.files.FileTrees;
import io.github.puipui.files.PosixModes;
import io.github.puipui.files.PrivateDirectories;
import io.github.puipui.files.Sha256;
import io.github.puipui.files.TreeManifest;

/**
 * The one place that knows how a build-cache entry is laid out, whichever store keeps it (a directory, an HTTP server,
 * a distro's published binaries): a directory holding {@code files/…}, an {@code INPUTS} text saying what its key
 * was computed from (the key is that text's sha256), and a {@code MANIFEST} (sha256, mode, size and path of every
 * file; length, target and path of every symbolic link) written last.
 * <p>
 * Text files may name the absolute directory they were built for (pkg-config files, for example): writing an entry
 * replaces that path by a placeholder, and restoring it replaces the placeholder by the new directory.
 * <p>
 * Nothing in an entry is trusted: restoring one verifies every file against the manifest as a stream, refuses paths
 * and links that lead outside it, and masks every mode to owner rwx, group and others r-x.
 */
public final class EntryLayout {
    static final String MANIFEST = "MANIFEST";
    static final String INPUTS = "INPUTS";
    static final String FILES = "files";
    static final String PLACEHOLDER = "@PUIPUI_RELOCATED_PREFIX@";
    /** The mode bits a restored file may keep: owner rwx, group and others r-x. */
    static final int RESTORED_MODE_MASK = 0755;
    /** The largest file whose build directory is relocated: text files of a sysroot or staging are far smaller. */
    static final long RELOCATED_MAX = 16L << 20;

    private EntryLayout() {
    }

    /** The key of a text describing every input of a step. */
    public static String key(String inputs) {
        return Sha256.of(inputs);
    }

    /** True when {@code dir} holds a complete entry (its manifest, written last, is there). */
    static boolean isComplete(Path dir) {
        return Files.isRegularFile(dir.resolve(MANIFEST), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Writes into the empty directory {@code entry} the regular files and symbolic links under {@code outputs}, with
     * {@code inputs}; in text files, {@code relocate} (an absolute path, or null) is replaced by the placeholder.
     */
    static void write(Path entry, String inputs, Path outputs, String relocate) throws IOException {
        PrivateDirectories.create(entry.resolve(FILES));
        List<String> manifest = new ArrayList<>();
        for (Path f : listTree(outputs)) {
            String rel = outputs.relativize(f).toString();
            Path to = entry.resolve(FILES).resolve(rel);
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
        Files.writeString(entry.resolve(INPUTS), inputs, StandardCharsets.UTF_8);
        Files.writeString(entry.resolve(MANIFEST), String.join("\n", manifest) + "\n", StandardCharsets.UTF_8);
        PrivateDirectories.restrictTree(entry); // nobody else may change an entry, whatever the umask
    }

    /**
     * Checks an entry directory taken from elsewhere (a server, an archive) before a store keeps it as {@code key}:
     * its INPUTS and MANIFEST are there, its INPUTS are the key's, and no link leads outside it. Its files are checked
     * against the manifest when it is restored, as every entry's are.
     */
    static void check(Path entry, String key) throws IOException {
        if (!isComplete(entry) || !Files.isRegularFile(entry.resolve(INPUTS), LinkOption.NOFOLLOW_LINKS)
                || !key(Files.readString(entry.resolve(INPUTS), StandardCharsets.UTF_8)).equals(key)) {
            throw new DamagedEntryException("its INPUTS or MANIFEST is missing, or its INPUTS are not those of the key "
                    + key);
        }
        Optional<Path> escaping = ConfinedLinks.escapingLink(entry);
        if (escaping.isPresent()) {
            throw new DamagedEntryException("link " + entry.relativize(escaping.get()) + " leads outside the entry");
        }
    }

    /**
     * Restores the entry directory {@code entry} (key {@code key}) into {@code target}, which is replaced as a whole
     * only after every file is verified; the placeholder becomes {@code relocate} in relocated text files. A
     * {@link DamagedEntryException} says what is wrong with the entry.
     */
    static void restore(Path entry, String key, Path target, String relocate) throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".partial-" + UUID.randomUUID());
        try {
            List<String> lines = Files.readAllLines(entry.resolve(MANIFEST), StandardCharsets.UTF_8);
            if (!key(Files.readString(entry.resolve(INPUTS), StandardCharsets.UTF_8)).equals(key)) {
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
        } catch (NoSuchFileException e) {
            throw new DamagedEntryException(e.getMessage() + " is missing");
        } catch (RuntimeException e) {
            throw new DamagedEntryException(e.toString());
        } finally {
            FileTrees.deleteTree(partial);
        }
    }

    private static void restoreLine(Path files, Path partial, String line, String relocate) throws IOException {
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
        MessageDigest md = Sha256.newDigest();
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

    /**
     * Regular files and symbolic links under {@code dir}, sorted by path; not a tree's own manifest
     * ({@link TreeManifest#FILE}), which describes the tree where it is and is written again where it is restored.
     */
    static List<Path> listTree(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        for (FileTrees.Entry e : FileTrees.list(dir)) {
            if (e.relative().equals(TreeManifest.FILE)) {
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
}
