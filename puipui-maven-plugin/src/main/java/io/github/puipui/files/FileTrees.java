package io.github.puipui.files;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/** The file helpers every step shares: removing a tree, and writing a file so that it is whole or absent. */
public final class FileTrees {
    private FileTrees() {
    }

    /** Writes a file. */
    public interface Writer {
        void write(Path file) throws IOException;
    }

    /**
     * Writes {@code target} through {@code writer} into {@code <target>.tmp} beside it, then renames it into place
     * atomically: readers see the old file or the new one, never a part; a failed write leaves no temporary file.
     */
    public static void writeAtomically(Path target, Writer writer) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.deleteIfExists(tmp);
        try {
            writer.write(tmp);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** How long a staging directory must stay untouched before it is taken for a stopped build's leftover. */
    public static final long STALE_MILLIS = java.util.concurrent.TimeUnit.HOURS.toMillis(1);

    private static final java.util.regex.Pattern STAGING = java.util.regex.Pattern.compile("\\.partial-(.+)-(\\d+)-[0-9a-f]{8}");

    /**
     * A new, unique name beside {@code target} to build it in: {@code <target>.partial-<host>-<pid>-<random>}, so that
     * builds running at the same time never share one, and a later build can tell whose it is.
     */
    public static Path stagingPath(Path target) {
        return target.resolveSibling(target.getFileName() + ".partial-" + HOST + "-" + ProcessHandle.current().pid()
                + "-" + java.util.UUID.randomUUID().toString().substring(0, 8));
    }

    private static final String HOST = hostName();

    private static String hostName() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim().replaceAll("[^A-Za-z0-9.-]", "_");
            return h.isEmpty() ? "host" : h;
        } catch (IOException | RuntimeException e) {
            return "host";
        }
    }

    /**
     * Removes the staging directories of {@code target} (see {@link #stagingPath}) that no build is writing any more:
     * those of a process of this host that has ended (a killed build), those of older versions of this plugin
     * ({@code <target>.partial}), and any other left untouched for {@link #STALE_MILLIS} (a build on another machine
     * sharing the directory, which this one cannot ask).
     */
    public static void removeAbandonedStaging(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        String name = target.getFileName().toString();
        long now = System.currentTimeMillis();
        try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
                p -> p.getFileName().toString().startsWith(name + ".partial"))) {
            for (Path p : entries) {
                java.util.regex.Matcher m = STAGING.matcher(p.getFileName().toString().substring(name.length()));
                boolean abandoned;
                try {
                    if (p.getFileName().toString().equals(name + ".partial")) {
                        abandoned = true;
                    } else if (m.matches() && m.group(1).equals(HOST)) {
                        abandoned = ProcessHandle.of(Long.parseLong(m.group(2))).map(h -> !h.isAlive()).orElse(true);
                    } else {
                        abandoned = untouchedForLong(p, now);
                    }
                    if (abandoned) {
                        deleteTree(p);
                    }
                } catch (java.nio.file.NoSuchFileException | NumberFormatException gone) {
                    // removed by another build meanwhile, or not a pid of ours
                }
            }
        }
    }

    /**
     * Removes the entries of {@code dir} matching {@code glob} that have not changed for {@link #STALE_MILLIS}:
     * leftovers of killed downloads, stores and builds (one in progress keeps writing, so it stays younger).
     */
    public static void removeStale(Path dir, String glob) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        long now = System.currentTimeMillis();
        try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(dir, glob)) {
            for (Path p : entries) {
                try {
                    if (untouchedForLong(p, now)) {
                        deleteTree(p);
                    }
                } catch (java.nio.file.NoSuchFileException gone) {
                    // removed by another build meanwhile
                }
            }
        }
    }

    /** True if {@code p} has not changed for {@link #STALE_MILLIS} before {@code now}. */
    private static boolean untouchedForLong(Path p, long now) throws IOException {
        return now - Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis() > STALE_MILLIS;
    }

    /** Tells whether a directory is a complete, usable result. */
    public interface Completeness {
        boolean test(Path dir) throws IOException;
    }

    private static final java.util.concurrent.ConcurrentHashMap<String, Object> PUBLISHING =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Puts the directory {@code staged} in place as {@code target}, for trees that several builds may finish at the
     * same time (a toolchain in the user cache). Publishers take turns, holding a lock on {@code <target>.lock} (and,
     * within this JVM, a monitor): if a complete {@code target} is in place, it is kept (a build may be using it)
     * and {@code staged} is removed; an incomplete one (damaged, or left by an older layout) is renamed aside and
     * removed; then {@code staged} is renamed into place. Returns true if {@code staged} became {@code target}.
     */
    public static boolean publish(Path staged, Path target, Completeness complete) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Files.createDirectories(abs.getParent());
        Path lockFile = abs.resolveSibling(abs.getFileName() + ".lock");
        synchronized (PUBLISHING.computeIfAbsent(lockFile.toString(), k -> new Object())) {
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(lockFile,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                    java.nio.channels.FileLock held = channel.lock()) {
                if (complete.test(abs)) {
                    deleteTree(staged);
                    return false;
                }
                if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
                    Path aside = abs.resolveSibling(abs.getFileName() + ".stale-" + java.util.UUID.randomUUID());
                    Files.move(abs, aside, StandardCopyOption.ATOMIC_MOVE);
                    deleteTree(aside);
                }
                Files.move(staged, abs, StandardCopyOption.ATOMIC_MOVE);
                return true;
            }
        }
    }

    /**
     * One entry of a tree: its path relative to the tree's root ({@code /}-separated), the path itself, and its
     * attributes, read without following links.
     */
    public record Entry(String relative, Path path, BasicFileAttributes attributes) {
        public boolean isDirectory() {
            return attributes.isDirectory();
        }

        public boolean isFile() {
            return attributes.isRegularFile();
        }

        public boolean isLink() {
            return attributes.isSymbolicLink();
        }
    }

    /** Every directory, file and link under {@code root} (not {@code root} itself), links not followed, by path. */
    public static List<Entry> list(Path root) throws IOException {
        java.util.TreeMap<String, Entry> out = new java.util.TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                if (!d.equals(root)) {
                    add(d, attrs);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                add(file, attrs);
                return FileVisitResult.CONTINUE;
            }

            private void add(Path p, BasicFileAttributes attrs) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                out.put(rel, new Entry(rel, p, attrs));
            }
        });
        return new ArrayList<>(out.values());
    }

    /** Removes a directory tree without following symbolic links. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                if (!Files.isWritable(d)) {
                    d.toFile().setWritable(true, true);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Copies the tree {@code from} into {@code to}: links as links, modes and mtimes kept, existing files replaced. */
    public static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (Entry e : list(from)) {
            Path t = to.resolve(e.relative());
            if (e.isDirectory()) {
                Files.createDirectories(t);
            } else {
                Files.createDirectories(t.getParent());
                Files.copy(e.path(), t, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }
}
