package io.github.puipui.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Optional;

/**
 * Directories a build may trust because nobody but the user running it can change them: the user cache's areas and
 * entries, whose contents the build runs (a kernel source tree, a toolchain) or restores into its outputs.
 * <p>
 * A directory is trusted when it is owned by the user, each directory above it is owned by the user or by root, and
 * none of them can be written by another user:
 * <ul>
 * <li>world-writable is refused unless the sticky bit is set (like {@code /tmp}: others cannot rename what is ours);</li>
 * <li>group-writable is refused unless the sticky bit is set or the group is the user's private group (the group of
 * the user's own name and primary gid, as Debian and Ubuntu give every user, and umask 002 then expects);</li>
 * <li>symbolic links on the way are resolved, and the directories they lead to are checked the same way.</li>
 * </ul>
 * Only directories are checked, not every file of a tree: the plugin extracts and builds trees without group and
 * world write bits ({@link #restrictTree}), so nobody else can change anything under a trusted top directory.
 * Directories the plugin creates for itself get mode 0755 whatever the umask ({@link #create}).
 */
public final class PrivateDirectories {
    private PrivateDirectories() {
    }

    private static final class User {
        static final long UID;
        static final long GID;
        static final String NAME = System.getProperty("user.name");

        static {
            com.sun.security.auth.module.UnixSystem me = new com.sun.security.auth.module.UnixSystem();
            UID = me.getUid();
            GID = me.getGid();
        }
    }

    /** Why the build must not trust {@code dir}, if it must not; empty when {@code dir} does not exist yet. */
    public static Optional<String> problem(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        Path real = abs.toRealPath();
        if (!real.equals(abs)) {
            // the path as written: links on the way must be the user's or root's; what they lead to is checked below
            for (Path p = abs; p != null; p = p.getParent()) {
                Optional<String> problem = Files.isSymbolicLink(p) ? ownerProblem(p, false)
                        : directoryProblem(p, p == abs);
                if (problem.isPresent()) {
                    return problem;
                }
            }
        }
        for (Path p = real; p != null; p = p.getParent()) {
            Optional<String> problem = directoryProblem(p, p == real);
            if (problem.isPresent()) {
                return problem.map(why -> abs.equals(real) ? why : why + " (" + abs + " leads there)");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> ownerProblem(Path p, boolean mustBeMine) throws IOException {
        long owner = ((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
        if (owner == User.UID || (!mustBeMine && owner == 0)) {
            return Optional.empty();
        }
        return Optional.of(p + " is owned by uid " + owner + ", not by you (uid " + User.UID + ")"
                + (mustBeMine ? "" : " or root"));
    }

    private static Optional<String> directoryProblem(Path p, boolean mustBeMine) throws IOException {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of(p + " is not a directory");
        }
        Optional<String> owner = ownerProblem(p, mustBeMine);
        if (owner.isPresent()) {
            return owner;
        }
        int mode = PosixModes.of(p);
        boolean sticky = (mode & 01000) != 0;
        String octal = String.format("%04o", mode);
        if ((mode & 0002) != 0 && !sticky) {
            return Optional.of(p + " is writable by every user (mode " + octal + ")");
        }
        if ((mode & 0020) != 0 && !sticky && !privateGroup(p)) {
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return Optional.of(p + " is writable by the members of group " + a.group().getName() + " (mode " + octal
                    + ")");
        }
        return Optional.empty();
    }

    /** True when the directory's group is the user's private group: their own name, their primary gid. */
    private static boolean privateGroup(Path p) throws IOException {
        long gid = ((Number) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS)).longValue();
        String name = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).group().getName();
        return gid == User.GID && name.equals(User.NAME);
    }

    /**
     * Creates {@code dir} and its missing parents, each new one with mode 0755 whatever the umask, so that the
     * plugin's own check ({@link #problem}) accepts what the plugin made. Returns {@code dir}.
     */
    public static Path create(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        Path first = abs;
        while (first.getParent() != null && !Files.exists(first.getParent(), LinkOption.NOFOLLOW_LINKS)) {
            first = first.getParent();
        }
        boolean existed = Files.isDirectory(abs);
        Files.createDirectories(abs);
        if (!existed) {
            for (Path p = abs; p != null && p.startsWith(first); p = p.getParent()) {
                restrict(p);
            }
        }
        return abs;
    }

    /** Drops the group and world write bits of one file or directory. */
    public static void restrict(Path p) throws IOException {
        int mode = PosixModes.of(p);
        if ((mode & 0022) != 0) {
            PosixModes.set(p, mode & ~0022);
        }
    }

    /** A directory that must not be used because another user could have written it. */
    public static final class UntrustedDirectoryException extends IOException {
        UntrustedDirectoryException(String message) {
            super(message);
        }
    }

    /**
     * Fails when {@code dir}, an entry of the user cache about to be used (an extracted tree, a toolchain), is not
     * trusted ({@link #problem}): the caller then builds in a directory of its own.
     */
    public static void requireTrusted(Path dir) throws IOException {
        Optional<String> untrusted = problem(dir);
        if (untrusted.isPresent()) {
            throw new UntrustedDirectoryException(dir + " is not used: " + untrusted.get()
                    + ". Another user could have put there what the build would run");
        }
    }

    /** Drops the group and world write bits of every directory and file under {@code dir} (links are left). */
    public static void restrictTree(Path dir) throws IOException {
        restrict(dir);
        for (FileTrees.Entry e : FileTrees.list(dir)) {
            if (!e.isLink()) {
                restrict(e.path());
            }
        }
    }
}
