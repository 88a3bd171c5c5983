package io.github.puipui.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeManifestTest {
    @TempDir
    Path tmp;

    private Path tree(String name) throws Exception {
        Path t = tmp.resolve(name);
        Files.createDirectories(t.resolve("lib"));
        Files.createDirectories(t.resolve("include/linux"));
        Files.writeString(t.resolve("lib/libc.a"), "archive");
        Files.writeString(t.resolve("include/linux/vm_sockets.h"), "#define X 1\n");
        Files.createSymbolicLink(t.resolve("lib/libc.so"), Path.of("libc.a"));
        TreeManifest.write(t, "musl 1.2.5 aarch64");
        return t;
    }

    @Test
    void aTreeMatchesTheManifestItWasWrittenWith() throws Exception {
        assertEquals(Optional.empty(), TreeManifest.mismatch(tree("a"), "musl 1.2.5 aarch64"));
    }

    @Test
    void aChangedAddedOrRemovedFileIsNamed() throws Exception {
        Path t = tree("a");
        Files.writeString(t.resolve("lib/libc.a"), "archivX");
        assertTrue(TreeManifest.mismatch(t, "musl 1.2.5 aarch64").orElseThrow().contains("lib/libc.a"));

        t = tree("b");
        Files.writeString(t.resolve("include/linux/extra.h"), "");
        assertTrue(TreeManifest.mismatch(t, "musl 1.2.5 aarch64").orElseThrow().contains("include/linux/extra.h"));

        t = tree("c");
        Files.delete(t.resolve("lib/libc.so"));
        assertTrue(TreeManifest.mismatch(t, "musl 1.2.5 aarch64").orElseThrow().contains("lib/libc.so"));

        t = tree("d");
        Files.delete(t.resolve("lib/libc.so"));
        Files.createSymbolicLink(t.resolve("lib/libc.so"), Path.of("/etc/passwd"));
        assertTrue(TreeManifest.mismatch(t, "musl 1.2.5 aarch64").isPresent(), "a link retargeted");

        t = tree("e");
        Files.setPosixFilePermissions(t.resolve("lib/libc.a"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        assertTrue(TreeManifest.mismatch(t, "musl 1.2.5 aarch64").isPresent(), "a mode changed");
    }

    @Test
    void aTreeMadeFromOtherInputsOrWithoutManifestIsRefused() throws Exception {
        Path t = tree("a");
        assertEquals(Optional.of("it was made from other inputs"), TreeManifest.mismatch(t, "musl 1.2.4 aarch64"));
        Files.delete(t.resolve(TreeManifest.FILE));
        assertTrue(TreeManifest.mismatch(t, "musl 1.2.5 aarch64").orElseThrow().contains("has no"));
        assertFalse(TreeManifest.mismatch(tmp.resolve("none"), "x").isEmpty());
    }
}
