package io.github.puipui.files;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Symbolic links in a tree that is being written from untrusted data (an archive, a build cache entry), checked the
 * way the kernel will follow them: each link's target is resolved component by component against what is on disk,
 * following the links already there, so that a chain such as {@code l0 -> ../..}, {@code l1 -> l0/..} is seen to
 * leave the tree although each text alone looks harmless. {@code root} is a real path (no link in it).
 */
public final class ConfinedLinks {
    private static final int MAX_HOPS = 40;

    private ConfinedLinks() {
    }

    /**
     * Where a link in directory {@code dir} (inside {@code root}) with target text {@code target} leads, or empty if
     * it is absolute, leaves {@code root} at any step, or follows more than 40 links.
     */
    public static Optional<Path> resolve(Path root, Path dir, String target) throws IOException {
        if (target.startsWith("/") || !dir.normalize().startsWith(root)) {
            return Optional.empty();
        }
        Deque<String> todo = new ArrayDeque<>(List.of(target.split("/")));
        Path cur = dir.normalize();
        int hops = 0;
        while (!todo.isEmpty()) {
            String c = todo.pollFirst();
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (cur.equals(root)) {
                    return Optional.empty();
                }
                cur = cur.getParent();
                continue;
            }
            Path next = cur.resolve(c);
            if (Files.isSymbolicLink(next)) {
                String t = Files.readSymbolicLink(next).toString();
                if (++hops > MAX_HOPS || t.startsWith("/")) {
                    return Optional.empty();
                }
                String[] parts = t.split("/");
                for (int i = parts.length - 1; i >= 0; i--) {
                    todo.addFirst(parts[i]);
                }
            } else {
                cur = next;
            }
        }
        return Optional.of(cur);
    }

    /** The first symbolic link among the directories from {@code root} down to {@code dir} (inclusive), if any. */
    public static Optional<Path> linkOnTheWay(Path root, Path dir) {
        Path rel = root.relativize(dir.normalize());
        Path cur = root;
        for (Path c : rel) {
            if (c.toString().isEmpty()) {
                continue;
            }
            cur = cur.resolve(c);
            if (Files.isSymbolicLink(cur)) {
                return Optional.of(cur);
            }
        }
        return Optional.empty();
    }

    /**
     * The first symbolic link under {@code root} that leads outside it, if any: a link checked when it was written can
     * escape once links written after it are followed, so a finished tree is checked as a whole.
     */
    public static Optional<Path> escapingLink(Path root) throws IOException {
        Path[] found = new Path[1];
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isSymbolicLink()
                        && resolve(root, file.getParent(), Files.readSymbolicLink(file).toString()).isEmpty()) {
                    found[0] = file;
                    return FileVisitResult.TERMINATE;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return Optional.ofNullable(found[0]);
    }
}
