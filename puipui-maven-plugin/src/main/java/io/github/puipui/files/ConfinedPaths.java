package io.github.puipui.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;

/**
 * The checks that keep what a definition names inside its own tree: names that are identifiers, paths relative to a
 * directory that stay in it, and image paths that stay in the image. {@code //}, {@code .} and {@code ..} are
 * normalised first; a path that climbs out is refused with a message naming the element.
 */
public final class ConfinedPaths {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");

    private ConfinedPaths() {
    }

    /**
     * {@code name} if it is an identifier: a letter or digit, then letters, digits, {@code . _ + -}; at most 64
     * characters. Names become file names (work directories, logs, cache entries), so nothing else is allowed.
     */
    public static String identifier(String what, String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " '" + name + "' is not a name: use letters, digits and . _ + -,"
                    + " starting with a letter or digit");
        }
        return name;
    }

    /** The segments of {@code path} with {@code .} and empty ones dropped and {@code ..} applied; null if it climbs out. */
    private static Deque<String> normalised(String path) {
        Deque<String> out = new ArrayDeque<>();
        for (String seg : path.split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                if (out.isEmpty()) {
                    return null;
                }
                out.removeLast();
            } else {
                out.addLast(seg);
            }
        }
        return out;
    }

    /** An absolute path in the image ({@code /usr/bin/x}), normalised; refused if it is not one or climbs out. */
    public static String imagePath(String what, String path) {
        Deque<String> segs = path == null || !path.startsWith("/") || path.indexOf('\0') >= 0 ? null : normalised(path);
        if (segs == null || segs.isEmpty()) {
            throw new IllegalArgumentException(what + " '" + path + "' is not an absolute path inside the image");
        }
        return "/" + String.join("/", segs);
    }

    /** A relative path that stays inside the directory it is relative to, normalised. */
    public static String relative(String what, String path) {
        Deque<String> segs = path == null || path.startsWith("/") || path.indexOf('\0') >= 0 ? null : normalised(path);
        if (segs == null || segs.isEmpty()) {
            throw new IllegalArgumentException(what + " '" + path + "' is not a relative path that stays inside its tree");
        }
        return String.join("/", segs);
    }

    /**
     * {@code dir/path}, when {@code path} is relative and stays inside {@code dir}, links included (an existing file
     * is resolved); refused otherwise.
     */
    public static Path inside(Path dir, String what, String path) throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        return linksStayInside(root, root.resolve(relative(what, path)), what + " '" + path + "'", root.toString());
    }

    /**
     * {@code p} if it lies inside {@code tree} once normalised, and, when it exists, once its links are followed;
     * refused otherwise, naming {@code what}.
     */
    public static Path insideTree(Path tree, String what, Path p) throws IOException {
        Path root = tree.toAbsolutePath().normalize();
        Path abs = p.toAbsolutePath().normalize();
        if (!abs.startsWith(root)) {
            throw new IllegalArgumentException(what + " " + p + " is outside the project's tree " + root);
        }
        return linksStayInside(root, abs, what + " " + p, "the project's tree " + root);
    }

    /** {@code p}, normalised inside {@code root}, unless its links lead out of {@code root} (named {@code place}). */
    private static Path linksStayInside(Path root, Path p, String subject, String place) throws IOException {
        if (Files.exists(p) && Files.exists(root) && !p.toRealPath().startsWith(root.toRealPath())) {
            throw new IllegalArgumentException(subject + " leads outside " + place + " through a link");
        }
        return p;
    }
}
