package io.github.puipui.distro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.fetch.Source;
import io.github.puipui.userland.Component;

/** The Debian seeding list and the component that declares its own source. */
class DebianSourcesTest {
    @TempDir
    Path tmp;

    static final String SHA = "a".repeat(64);

    @Test
    void theOrigTarballIsTheMainFileOrTheAlternativeDebianNames() {
        Source busybox = new Source("busybox", "1.38.0", "busybox-1.38.0.tar.bz2", "https://x.org/b.tar.bz2", SHA)
                .withDebian("busybox=1:1.38.0-3");
        assertEquals(List.of("busybox=1:1.38.0-3", "busybox_1.38.0.orig.tar.bz2", "busybox-1.38.0.tar.bz2"),
                List.of(busybox.debianLine().split("\\s+")));
        Source linux = new Source("linux", "6.18.15", "linux-6.18.15.tar.xz", "https://x.org/l.tar.xz", SHA)
                .withAlternative("linux_6.18.15.orig.tar.xz", "b".repeat(64)).withDebian("linux=6.18.15-1~bpo13+1");
        assertEquals(List.of("linux=6.18.15-1~bpo13+1", "linux_6.18.15.orig.tar.xz", "linux_6.18.15.orig.tar.xz"),
                List.of(linux.debianLine().split("\\s+")));
        Source bad = new Source("x", "1", "x-1.tar.gz", "https://x.org/x-1.tar.gz", SHA).withDebian("x 1-1");
        assertThrows(IllegalArgumentException.class, bad::debianLine);
    }

    @Test
    void aListIsWrittenOnlyWhenItChangesAndIsStaleOnlyWhenItIsThere() throws Exception {
        Path list = tmp.resolve("guest/" + DebianSources.FILE_NAME);
        assertFalse(DebianSources.isStale(list, "hello\n"), "no list is not a stale list");
        assertTrue(DebianSources.write(list, "hello\n"));
        assertFalse(DebianSources.isStale(list, "hello\n"));
        java.nio.file.Files.setLastModifiedTime(list, java.nio.file.attribute.FileTime.fromMillis(0));
        assertFalse(DebianSources.write(list, "hello\n"), "an up-to-date list is left alone");
        assertEquals(0, java.nio.file.Files.getLastModifiedTime(list).toMillis(), "an up-to-date list was written again");
        assertTrue(DebianSources.isStale(list, "hello\nsocat\n"));
        assertTrue(DebianSources.write(list, "hello\nsocat\n"));
        assertEquals("hello\nsocat\n", java.nio.file.Files.readString(list));
    }
}
