package io.github.puipui.fetch;

import io.github.puipui.files.Sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.BuildLog;

class SourceCacheTest {
    @TempDir
    Path tmp;

    @Test
    void storeIsAtomicAndConcurrentStoresAgree() throws Exception {
        SourceCache cache = new SourceCache(tmp, BuildLog.SILENT);
        byte[] data = new byte[1 << 20];
        new java.util.Random(1).nextBytes(data);
        String digest = Sha256.of(data);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Path>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            results.add(pool.submit(() -> {
                Path t = cache.newTempFile("blob.bin");
                Files.write(t, data);
                return cache.store(digest, "blob.bin", t);
            }));
        }
        for (Future<Path> f : results) {
            assertEquals(digest, Sha256.of(f.get()));
        }
        pool.shutdown();
        assertTrue(cache.find(digest).isPresent());
        try (var s = Files.list(tmp.resolve("tmp"))) {
            assertEquals(0, s.count(), "temporaries moved, none left");
        }
    }

    @Test
    void leftoversOfKilledDownloadsAreRemovedOnceStale() throws Exception {
        SourceCache cache = new SourceCache(tmp, BuildLog.SILENT);
        Path stale = cache.newTempFile("linux.tar.xz");
        Files.writeString(stale, "half a download");
        Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 7_200_000L));
        Path recent = cache.newTempFile("busybox.tar.bz2");
        Files.writeString(recent, "in progress");
        cache.newTempFile("curl.tar.gz");
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(recent), "a download in progress is left alone");
    }

    @Test
    void missIsEmpty() throws Exception {
        assertFalse(new SourceCache(tmp, BuildLog.SILENT).find(Sha256.of("nothing")).isPresent());
    }
}
