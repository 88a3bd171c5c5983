package io.github.puipui.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.BuildLog;
import io.github.puipui.files.PrivateDirectories;

/**
 * A user cache on a machine other users share: areas another user owns or can write, or reached through a link, are
 * replaced by private ones; what the plugin creates passes its own check under any umask. The conditions are real:
 * directories are chowned to another uid (the tests run as root, as CI does), and a child JVM runs under umask 002.
 */
class SharedCacheTest {
    static final int OTHER_UID = 4242;
    static final int OTHER_GID = 4243;

    @TempDir
    Path tmp;

    private final List<String> warnings = new ArrayList<>();

    /** A build's log, which warns once per message as the Maven adapter's does. */
    private final BuildLog log = new BuildLog() {
        private final java.util.Set<String> warned = new java.util.HashSet<>();

        @Override
        public void info(String message) {
        }

        @Override
        public void warn(String message) {
            warnings.add(message);
        }

        @Override
        public void warnOnce(String message) {
            if (warned.add(message)) {
                warn(message);
            }
        }
    };

    private Path dir(String rel, String mode) throws Exception {
        Path d = Files.createDirectories(tmp.resolve(rel));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString(mode));
        return d;
    }

    private UserCache cache(Path root) {
        return new UserCache(root, tmp.resolve("private"), log);
    }

    @Test
    void anAreaOwnedByAnotherUserIsReplacedByAPrivateOne() throws Exception {
        Path root = dir("cache", "rwxr-xr-x");
        Files.setAttribute(dir("cache/outputs", "rwxr-xr-x"), "unix:uid", OTHER_UID);
        assertEquals(tmp.resolve("private"), cache(root).rootFor("outputs"));
        assertTrue(warnings.get(0).contains("is owned by uid " + OTHER_UID), warnings.toString());
        assertEquals(root, cache(root).rootFor("src", "toolchain"), "the other areas are the user's own");
    }

    @Test
    void anAreaThatIsALinkToADirectoryEveryoneCanWriteIsReplaced() throws Exception {
        Path root = dir("cache", "rwxr-xr-x");
        Path open = dir("elsewhere/open", "rwxrwxrwx");
        Files.createSymbolicLink(root.resolve("outputs"), open);
        assertEquals(tmp.resolve("private"), cache(root).rootFor("outputs"));
        assertTrue(warnings.get(0).contains("writable by every user (mode 0777)"), warnings.toString());
    }

    @Test
    void aGroupWritableAreaIsTrustedOnlyForTheUsersPrivateGroup() throws Exception {
        Path root = dir("cache", "rwxr-xr-x");
        Path src = dir("cache/src", "rwxrwxr-x");
        assertEquals(root, cache(root).rootFor("src"), "the user's own group: nobody else is in it");
        Files.setAttribute(src, "unix:gid", OTHER_GID);
        assertEquals(tmp.resolve("private"), cache(root).rootFor("src"));
        assertTrue(warnings.get(0).contains("writable by the members of group"), warnings.toString());
    }

    @Test
    void aStickyWorldWritableParentIsTrustedAndAPlainOneIsNot() throws Exception {
        Files.setAttribute(dir("tmpdir", "rwxrwxrwx"), "unix:mode", 01777);
        Path inSticky = dir("tmpdir/cache", "rwxr-xr-x");
        assertEquals(inSticky, cache(inSticky).rootFor("sha256", "tmp"));
        dir("opendir", "rwxrwxrwx");
        Path inOpen = dir("opendir/cache", "rwxr-xr-x");
        assertEquals(tmp.resolve("private"), cache(inOpen).rootFor("sha256", "tmp"), "another user could rename it");
    }

    @Test
    void eachProblemIsWarnedOnce() throws Exception {
        Path root = dir("cache", "rwxrwxrwx");
        for (int i = 0; i < 3; i++) {
            cache(root).rootFor("outputs");
        }
        assertEquals(1, warnings.size(), warnings.toString());
    }

    @Test
    void whatABuildCreatesUnderUmask002PassesItsOwnCheck() throws Exception {
        Path root = tmp.resolve("fresh/cache");
        Files.createDirectories(root.getParent());
        Process child = new ProcessBuilder("sh", "-c", "umask 002 && exec \"$0\" -cp \"$1\" " + UmaskChild.class.getName()
                + " \"$2\"", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                System.getProperty("java.class.path"), root.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.out").toFile()).start();
        assertEquals(0, child.waitFor(), Files.readString(tmp.resolve("child.out")));
        // the umask took effect: a file the child wrote through plain Files.write is group-writable
        assertEquals("rw-rw-r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                root.resolveSibling("step-out/Image"))), "the child ran under umask 002");
        String key = EntryLayout.key("umask");
        for (Path d : List.of(root, root.resolve("outputs"), root.resolve("outputs").resolve(key), root.resolve("sha256"),
                root.resolve("tmp"), root.resolve("src"), root.resolve("src/pkg-1.0"), root.resolve("src/pkg-1.0/pkg-1.0"))) {
            assertTrue(Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS), d + " exists");
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)), d.toString());
            assertEquals(java.util.Optional.empty(), PrivateDirectories.problem(d), d.toString());
        }
        assertEquals(root, cache(root).rootFor("outputs", "sha256", "tmp", "src"), "the next build uses what it made");
        assertEquals(List.of(), warnings);
    }
}
