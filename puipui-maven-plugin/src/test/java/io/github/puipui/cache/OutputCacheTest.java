package io.github.puipui.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.BuildLog;
import io.github.puipui.files.Sha256;

class OutputCacheTest {
    @TempDir
    Path tmp;

    private Path sample(String name, String text) throws Exception {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir.resolve("image/usr/bin"));
        Files.writeString(dir.resolve("image/usr/bin/tool"), text);
        Files.setPosixFilePermissions(dir.resolve("image/usr/bin/tool"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(dir.resolve("image/usr/bin/alias"), Path.of("tool"));
        Files.createDirectories(dir.resolve("staging/lib/pkgconfig"));
        Files.write(dir.resolve("staging/lib/libx.a"), new byte[] {'!', 0, 1, 2, '/', 'x'});
        return dir;
    }

    private OutputCache cache(long maxBytes) {
        return new OutputCache(tmp.resolve("cache"), maxBytes, BuildLog.SILENT);
    }

    @Test
    void restoresWhatWasStoredWithModesLinksAndInputs() throws Exception {
        OutputCache cache = cache(1 << 30);
        String key = OutputCache.key("inputs 1");
        assertFalse(cache.restore(key, tmp.resolve("out"), null), "a miss before the store");
        assertTrue(cache.store(key, "inputs 1", sample("a", "v1"), null));
        assertFalse(cache.store(key, "inputs 1", sample("b", "other"), null), "an existing entry is kept");
        assertTrue(cache.restore(key, tmp.resolve("out"), null));
        assertEquals("v1", Files.readString(tmp.resolve("out/image/usr/bin/tool")));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("out/image/usr/bin/tool"))));
        assertEquals(Path.of("tool"), Files.readSymbolicLink(tmp.resolve("out/image/usr/bin/alias")));
        assertArrayEquals(new byte[] {'!', 0, 1, 2, '/', 'x'}, Files.readAllBytes(tmp.resolve("out/staging/lib/libx.a")));
        assertEquals("inputs 1", Files.readString(cache.root().resolve(key).resolve(OutputCache.INPUTS)));
    }

    @Test
    void relocatesTheBuildDirectoryInTextFilesOnly() throws Exception {
        OutputCache cache = cache(1 << 30);
        Path dir = sample("a", "v1");
        Files.writeString(dir.resolve("staging/lib/pkgconfig/x.pc"), "prefix=/work/one/staging\nlibdir=${prefix}/lib\n");
        Files.write(dir.resolve("staging/lib/bin.a"), "\0/work/one/staging".getBytes(StandardCharsets.UTF_8));
        String key = OutputCache.key("relocate");
        cache.store(key, "relocate", dir, "/work/one/staging");
        String stored = Files.readString(cache.root().resolve(key).resolve("files/staging/lib/pkgconfig/x.pc"));
        assertFalse(stored.contains("/work/one"), stored);
        assertTrue(cache.restore(key, tmp.resolve("out"), "/home/u/clone two/staging"));
        assertEquals("prefix=/home/u/clone two/staging\nlibdir=${prefix}/lib\n",
                Files.readString(tmp.resolve("out/staging/lib/pkgconfig/x.pc")));
        assertArrayEquals("\0/work/one/staging".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(tmp.resolve("out/staging/lib/bin.a")));
    }

    @Test
    void aDamagedEntryIsAMissIsRemovedAndLeavesTheTargetAlone() throws Exception {
        OutputCache cache = cache(1 << 30);
        String key = OutputCache.key("damaged");
        cache.store(key, "damaged", sample("a", "good bytes"), null);
        Files.writeString(cache.root().resolve(key).resolve("files/image/usr/bin/tool"), "evil bytes");
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("previous"), "kept");
        assertFalse(cache.restore(key, out, null));
        assertFalse(Files.exists(cache.root().resolve(key)), "the damaged entry is removed");
        assertEquals("kept", Files.readString(out.resolve("previous")), "nothing is half-restored");
        try (var s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("out.partial")));
        }
    }

    @Test
    void aMissingFileOrHostileManifestIsAMiss() throws Exception {
        OutputCache cache = cache(1 << 30);
        String k1 = OutputCache.key("missing");
        cache.store(k1, "missing", sample("a", "x"), null);
        Files.delete(cache.root().resolve(k1).resolve("files/image/usr/bin/tool"));
        assertFalse(cache.restore(k1, tmp.resolve("out"), null));

        String k2 = OutputCache.key("hostile");
        cache.store(k2, "hostile", sample("b", "x"), null);
        Path manifest = cache.root().resolve(k2).resolve(OutputCache.MANIFEST);
        Files.writeString(manifest, Files.readString(manifest).replace(" image/usr/bin/tool", " ../../../escape"));
        assertFalse(cache.restore(k2, tmp.resolve("out"), null));
        assertFalse(Files.exists(tmp.resolve("escape")));

        // a mode that is no octal mode: a miss, the entry removed, the cache still in use
        String k3 = OutputCache.key("bad mode");
        cache.store(k3, "bad mode", sample("c", "x"), null);
        Path m3 = cache.root().resolve(k3).resolve(OutputCache.MANIFEST);
        Files.writeString(m3, Files.readString(m3).replace(" 0755 ", " 9999 "));
        assertFalse(cache.restore(k3, tmp.resolve("out"), null));
        assertFalse(cache.contains(k3), "the bad entry is removed");
        String k4 = OutputCache.key("fine");
        cache.store(k4, "fine", sample("d", "x"), null);
        assertTrue(cache.restore(k4, tmp.resolve("out"), null), "the cache is still in use");
    }

    @Test
    void aFileLargerThanTheHeapIsRestoredAsAStream() throws Exception {
        OutputCache cache = cache(1L << 40);
        Path dir = Files.createDirectories(tmp.resolve("big/image"));
        try (var out = Files.newOutputStream(dir.resolve("blob"))) {
            byte[] chunk = new byte[1 << 20];
            for (int i = 0; i < 160; i++) {
                chunk[0] = (byte) i;
                out.write(chunk);
            }
        }
        String key = OutputCache.key("big");
        cache.store(key, "big", tmp.resolve("big"), null);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx48m",
                "-cp", System.getProperty("java.class.path"), RestoreChild.class.getName(), cache.root().toString(), key,
                tmp.resolve("out").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "a 160 MB file restored under a 48 MB heap: " + out);
        assertEquals(Sha256.of(dir.resolve("blob")), Sha256.of(tmp.resolve("out/image/blob")));
    }

    @Test
    void aRestoredFileIsNeverSetuidOrWritableByOthers() throws Exception {
        OutputCache cache = cache(1 << 30);
        String key = OutputCache.key("setuid");
        cache.store(key, "setuid", sample("s", "x"), null);
        Path manifest = cache.root().resolve(key).resolve(OutputCache.MANIFEST);
        Files.writeString(manifest, Files.readString(manifest).replace(" 0755 ", " 6777 "));
        assertTrue(cache.restore(key, tmp.resolve("out"), null));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                tmp.resolve("out/image/usr/bin/tool"))));
        assertEquals(0, (int) Files.getAttribute(tmp.resolve("out/image/usr/bin/tool"), "unix:mode") & 07022,
                "no setuid, setgid or group/world write");
    }

    @Test
    void aLinkChainInAManifestCannotCarryARestoreOutsideItsTarget() throws Exception {
        OutputCache cache = cache(1 << 30);
        String key = OutputCache.key("chain");
        cache.store(key, "chain", sample("c", "x"), null);
        Path entry = cache.root().resolve(key);
        Path payload = Files.createDirectories(entry.resolve("files/a/b/l1")).resolve("planted");
        Files.writeString(payload, "planted");
        Files.writeString(entry.resolve(OutputCache.MANIFEST), String.join("\n",
                "link 5 ../.. a/b/l0",
                "link 5 l0/.. a/b/l1",
                Sha256.of(payload) + " 644 7 a/b/l1/planted", ""));
        Path target = Files.createDirectories(tmp.resolve("deep/step/out"));
        assertFalse(cache.restore(key, target, null));
        try (var all = Files.walk(tmp.resolve("deep"))) {
            assertTrue(all.noneMatch(p -> p.getFileName().toString().equals("planted")), "nothing written anywhere");
        }
        assertFalse(Files.exists(entry), "the entry is removed");
    }

    @Test
    void anEntryAnotherUserOwnsIsNotRestored() throws Exception {
        OutputCache cache = cache(1 << 30);
        String key = OutputCache.key("planted");
        cache.store(key, "planted", sample("d", "x"), null);
        Files.setAttribute(cache.root().resolve(key), "unix:uid", SharedCacheTest.OTHER_UID);
        assertFalse(cache.restore(key, tmp.resolve("out"), null), "an entry another user could have written is a miss");
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void anEntryIsBoundToItsKey() throws Exception {
        OutputCache cache = cache(1 << 30);
        String key = OutputCache.key("inputs A");
        cache.store(key, "inputs A", sample("d", "x"), null);
        Files.writeString(cache.root().resolve(key).resolve(OutputCache.INPUTS), "inputs B");
        assertFalse(cache.restore(key, tmp.resolve("out"), null), "an entry filed under another key is not served");
    }

    @Test
    void concurrentStoresOfOneKeyLeaveOneCompleteEntry() throws Exception {
        OutputCache cache = cache(1 << 30);
        String key = OutputCache.key("race");
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            dirs.add(sample("s" + i, "same"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<Boolean>> stored = new ArrayList<>();
        for (Path d : dirs) {
            stored.add(pool.submit((Callable<Boolean>) () -> cache.store(key, "race", d, null)));
        }
        int winners = 0;
        for (Future<Boolean> f : stored) {
            winners += f.get() ? 1 : 0;
        }
        pool.shutdown();
        assertEquals(1, winners);
        assertTrue(cache.restore(key, tmp.resolve("out"), null));
        assertEquals("same", Files.readString(tmp.resolve("out/image/usr/bin/tool")));
        try (var s = Files.list(cache.root().resolve("tmp"))) {
            assertEquals(0, s.count(), "no temporary entry is left behind");
        }
    }

    @Test
    void staysWithinItsBoundByRemovingTheLeastRecentlyUsed() throws Exception {
        OutputCache cache = cache(3 * 1024 + 512);
        String[] keys = new String[4];
        for (int i = 0; i < 3; i++) {
            keys[i] = OutputCache.key("entry " + i);
            Path d = tmp.resolve("e" + i);
            Files.createDirectories(d);
            Files.write(d.resolve("blob"), new byte[1024]);
            cache.store(keys[i], "entry " + i, d, null);
            Files.setLastModifiedTime(cache.root().resolve(keys[i]), FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        assertTrue(cache.restore(keys[0], tmp.resolve("out"), null), "entry 0 is now the most recently used");
        keys[3] = OutputCache.key("entry 3");
        Path d = tmp.resolve("e3");
        Files.createDirectories(d);
        Files.write(d.resolve("blob"), new byte[1024]);
        cache.store(keys[3], "entry 3", d, null);
        assertTrue(cache.contains(keys[0]));
        assertFalse(cache.contains(keys[1]), "the least recently used entry is removed");
        assertTrue(cache.contains(keys[2]));
        assertTrue(cache.contains(keys[3]));
        assertTrue(cache.size() <= 3 * 1024 + 512 + 3 * 512, "size " + cache.size());
    }
}
