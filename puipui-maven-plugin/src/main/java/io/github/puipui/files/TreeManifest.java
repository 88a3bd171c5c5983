package io.github.puipui.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a directory tree holds, as sorted lines: {@code <sha256> <mode> <size> <path>} for each regular file,
 * {@code link <target> <path>} for each symbolic link, {@code dir <path>} for each directory. A tree that is built
 * once and then trusted (a toolchain in the user cache) writes its manifest last, before it is renamed into place,
 * and is checked against it before use, the way build cache entries are: a tree with a changed, added or missing
 * file is taken for damaged.
 */
public final class TreeManifest {
    /** The manifest file's name at the top of the tree; it is not part of the manifest itself. */
    public static final String FILE = ".puipui-manifest";

    private TreeManifest() {
    }

    /** The lines describing {@code dir}, sorted by path. */
    public static List<String> of(Path dir) throws IOException {
        return new ArrayList<>(byPath(dir).values());
    }

    private static SortedMap<String, String> byPath(Path dir) throws IOException {
        SortedMap<String, String> lines = new TreeMap<>();
        for (FileTrees.Entry e : FileTrees.list(dir)) {
            String rel = e.relative();
            if (e.isDirectory()) {
                lines.put(rel, "dir " + rel);
            } else if (rel.equals(FILE)) {
                continue;
            } else if (e.isLink()) {
                lines.put(rel, "link " + Files.readSymbolicLink(e.path()) + " " + rel);
            } else if (e.isFile()) {
                lines.put(rel, String.format("%s %04o %d %s", Sha256.of(e.path()), PosixModes.of(e.path()),
                        e.attributes().size(), rel));
            } else {
                lines.put(rel, "other " + rel);
            }
        }
        return lines;
    }

    /** Writes the manifest of {@code dir} into it, headed by {@code identity} (what the tree was made from). */
    public static void write(Path dir, String identity) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# " + identity.replace('\n', ' '));
        lines.addAll(of(dir));
        Files.writeString(dir.resolve(FILE), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    /**
     * Why {@code dir} is not the tree its manifest describes for {@code identity}, or empty when it is: no manifest
     * (an unfinished or foreign tree), another identity, or the first path that differs.
     */
    public static Optional<String> mismatch(Path dir, String identity) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of(Files.isDirectory(dir) ? "it has no " + FILE : "it does not exist");
        }
        List<String> recorded = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (recorded.isEmpty() || !recorded.get(0).equals("# " + identity.replace('\n', ' '))) {
            return Optional.of("it was made from other inputs");
        }
        Set<String> expected = new HashSet<>(recorded.subList(1, recorded.size()));
        SortedMap<String, String> actual = byPath(dir);
        for (Map.Entry<String, String> e : actual.entrySet()) {
            if (!expected.remove(e.getValue())) {
                return Optional.of(e.getKey() + " was added or changed since the tree was made");
            }
        }
        if (!expected.isEmpty()) {
            return Optional.of("an entry is no longer in the tree: " + new TreeSet<>(expected).first());
        }
        return Optional.empty();
    }
}
