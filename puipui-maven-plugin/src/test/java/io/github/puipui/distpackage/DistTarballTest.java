package io.github.puipui.distpackage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.files.Sha256;

class DistTarballTest {
    @TempDir
    Path tmp;

    @Test
    void sortedRootOwnedFixedTimeAndReproducible() throws Exception {
        Path kernel = Files.writeString(tmp.resolve("bzImage"), "kernel");
        Path initramfs = Files.writeString(tmp.resolve("initramfs.cpio.gz"), "initramfs");
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("initramfs.cpio.gz", initramfs);
        files.put("bzImage", kernel);
        FileTime t = FileTime.from(Instant.parse("2026-11-25T00:00:00Z"));
        Path a = tmp.resolve("a.tar.gz");
        DistTarball.write(a, files, t);
        Files.setLastModifiedTime(kernel, FileTime.fromMillis(0));
        Path b = tmp.resolve("b.tar.gz");
        DistTarball.write(b, files, t);
        assertEquals(Sha256.of(a), Sha256.of(b));
        List<String> names = new ArrayList<>();
        try (InputStream in = new TarArchiveInputStream(new GzipCompressorInputStream(Files.newInputStream(a)))) {
            TarArchiveInputStream tar = (TarArchiveInputStream) in;
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                names.add(e.getName());
                assertEquals(0, e.getLongUserId());
                assertEquals(0, e.getLongGroupId());
                assertEquals(t.toMillis() / 1000, e.getModTime().getTime() / 1000, e.getName());
            }
        }
        assertEquals(List.of("bzImage", "initramfs.cpio.gz"), names, "exactly upstream's layout");
    }
}
