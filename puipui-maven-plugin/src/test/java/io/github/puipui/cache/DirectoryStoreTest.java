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

/** The build cache's directory store, and the entry layout it keeps, through the tiered cache's failure policy. */
class DirectoryStoreTest {
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

    private DirectoryStore cache(long maxBytes) {
        return new DirectoryStore(tmp.resolve("cache"), maxBytes, BuildLog.SILENT);
    }

    /** Restores through a tiered cache of this one store, which removes an entry that cannot be used. */
    private boolean restore(DirectoryStore cache, String key, Path target, String relocate) {
        return TieredCache.of(cache, BuildLog.SILENT).restore("test", key, target, relocate);
    }

    @Test
    void restoresWhatWasStoredWithModesLinksAndInputs() throws Exception {
        DirectoryStore cache = cache(1 << 30);
        String key = EntryLayout.key("inputs 1");
        assertFalse(restore(cache, key, tmp.resolve("out"), null), "a miss before the store");
        assertTrue(cache.store(key, "inputs 1", sample("a", "v1"), null));
        assertFalse(cache.store(key, "inputs 1", sample("b", "other"), null), "an existing entry is kept");
        assertTrue(restore(cache, key, tmp.resolve("out"), null));
        assertEquals("v1", Files.readString(tmp.resolve("out/image/usr/bin/tool")));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("out/image/usr/bin/tool"))));
        assertEquals(Path.of("tool"), Files.readSymbolicLink(tmp.resolve("out/image/usr/bin/alias")));
        assertArrayEquals(new byte[] {'!', 0, 1, 2, '/', 'x'}, Files.readAllBytes(tmp.resolve("out/staging/lib/libx.a")));
        assertEquals("inputs 1", Files.readString(cache.root().resolve(key).resolve(EntryLayout.INPUTS)));
    }

    @Test
    void relocatesTheBuildDirectoryInTextFilesOnly() throws Exception {
        DirectoryStore cache = cache(1 << 30);
        Path dir = sample("a", "v1");
        Files.writeString(dir.resolve("staging/lib/pkgconfig/x.pc"), "prefix=/work/one/staging\nlibdir=${prefix}/lib\n");
        Files.write(dir.resolve("staging/lib/bin.a"), "\0/work/one/staging".getBytes(StandardCharsets.UTF_8));
        String key = EntryLayout.key("relocate");
        cache.store(key, "relocate", dir, "/work/one/staging");
        String stored = Files.readString(cache.root().resolve(key).resolve("files/staging/lib/pkgconfig/x.pc"));
        assertFalse(stored.contains("/work/one"), stored);
        assertTrue(restore(cache, key, tmp.resolve("out"), "/home/u/clone two/staging"));
        assertEquals("prefix=/home/u/clone two/staging\nlibdir=${prefix}/lib\n",
                Files.readString(tmp.resolve("out/staging/lib/pkgconfig/x.pc")));
        assertArrayEquals("\0/work/one/staging".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(tmp.resolve("out/staging/lib/bin.a")));
    }

    @Test
    void aDamagedEntryIsAMissIsRemovedAndLeavesTheTargetAlone() throws Exception {
        DirectoryStore cache = cache(1 << 30);
        String key = EntryLayout.key("damaged");
        cache.store(key, "damaged", sample("a", "good bytes"), null);
        Files.writeString(cache.root().resolve(key).resolve("files/image/usr/bin/tool"), "evil bytes");
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("previous"), "kept");
        assertFalse(restore(cache, key, out, null));
        assertFalse(Files.exists(cache.root().resolve(key)), "the damaged entry is removed");
        assertEquals("kept", Files.readString(out.resolve("previous")), "nothing is half-restored");
        try (var s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("out.partial")));
        }
    }

    @Test
    void aMissingFileOrHostileManifestIsAMiss() throws Exception {
        DirectoryStore cache = cache(1 << 30);
        String k1 = EntryLayout.key("missing");
        cache.store(k1, "missing", sample("a", "x"), null);
        Files.delete(cache.root().resolve(k1).resolve("files/image/usr/bin/tool"));
        assertFalse(restore(cache, k1, tmp.resolve("out"), null));

        String k2 = EntryLayout.key("hostile");
        cache.store(k2, "hostile", sample("b", "x"), null);
        Path manifest = cache.root().resolve(k2).resolve(EntryLayout.MANIFEST);
        Files.writeString(manifest, Files.readString(manifest).replace(" image/usr/bin/tool", " ../../../escape"));
        assertFalse(restore(cache, k2, tmp.resolve("out"), null));
        assertFalse(Files.exists(tmp.resolve("escape")));

        // a mode that is no octal mode: a miss, the entry removed, the cache still in use
        String k3 = EntryLayout.key("bad mode");
        cache.store(k3, "bad mode", sample("c", "x"), null);
        Path m3 = cache.root().resolve(k3).resolve(EntryLayout.MANIFEST);
        Files.writeString(m3, Files.readString(m3).replace(" 0755 ", " 9999 "));
        assertFalse(restore(cache, k3, tmp.resolve("out"), null));
        assertFalse(cache.has(k3), "the bad entry is removed");
        String k4 = EntryLayout.key("fine");
        cache.store(k4, "fine", sample("d", "x"), null);
        assertTrue(restore(cache, k4, tmp.resolve("out"), null), "the cache is still in use");
    }

    @Test
    void aFileLargerThanTheHeapIsRestoredAsAStream() throws Exception {
        DirectoryStore cache = cache(1L << 40);
        Path dir = Files.createDirectories(tmp.resolve("big/image"));
        try (var out = Files.newOutputStream(dir.resolve("blob"))) {
            byte[] chunk = new byte[1 << 20];
            for (int i = 0; i < 160; i++) {
                chunk[0] = (byte) i;
                out.write(chunk);
            }
        }
        String key = EntryLayout.key("big");
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
        DirectoryStore cache = cache(1 << 30);
        String key = EntryLayout.key("setuid");
        cache.store(key, "setuid", sample("s", "x"), null);
        Path manifest = cache.root().resolve(key).resolve(EntryLayout.MANIFEST);
        Files.writeString(manifest, Files.readString(manifest).replace(" 0755 ", " 6777 "));
        assertTrue(restore(cache, key, tmp.resolve("out"), null));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                tmp.resolve("out/image/usr/bin/tool"))));
        assertEquals(0, (int) Files.getAttribute(tmp.resolve("out/image/usr/bin/tool"), "unix:mode") & 07022,
                "no setuid, setgid or group/world write");
    }

    @Test
    void aLinkChainInAManifestCannotCarryARestoreOutsideItsTarget() throws Exception {
        DirectoryStore cache = cache(1 << 30);
        String key = EntryLayout.key("chain");
        cache.store(key, "chain", sample("c", "x"), null);
        Path entry = cache.root().resolve(key);
        Path payload = Files.createDirectories(entry.resolve("files/a/b/l1")).resolve("planted");
        Files.writeString(payload, "planted");
        Files.writeString(entry.resolve(EntryLayout.MANIFEST), String.join("\n",
                "link 5 ../.. a/b/l0",
                "link 5 l0/.. a/b/l1",
                Sha256.of(payload) + " 644 7 a/b/l1/planted", ""));
        Path target = Files.createDirectories(tmp.resolve("deep/step/out"));
        assertFalse(restore(cache, key, target, null));
        try (var all = Files.walk(tmp.resolve("deep"))) {
            assertTrue(all.noneMatch(p -> p.getFileName().toString().equals("planted")), "nothing written anywhere");
        }
        assertFalse(Files.exists(entry), "the entry is removed");
    }

    @Test
    void anEntryAnotherUserOwnsIsNotRestored() throws Exception {
        DirectoryStore cache = cache(1 << 30);
        String key = EntryLayout.key("planted");
        cache.store(key, "planted", sample("d", "x"), null);
        Files.setAttribute(cache.root().resolve(key), "unix:uid", SharedCacheTest.OTHER_UID);
        assertFalse(restore(cache, key, tmp.resolve("out"), null), "an entry another user could have written is a miss");
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void anEntryIsBoundToItsKey() throws Exception {
        DirectoryStore cache = cache(1 << 30);
        String key = EntryLayout.key("inputs A");
        cache.store(key, "inputs A", sample("d", "x"), null);
        Files.writeString(cache.root().resolve(key).resolve(EntryLayout.INPUTS), "inputs B");
        assertFalse(restore(cache, key, tmp.resolve("out"), null), "an entry filed under another key is not served");
    }

    @Test
    void concurrentStoresOfOneKeyLeaveOneCompleteEntry() throws Exception {
        DirectoryStore cache = cache(1 << 30);
        String key = EntryLayout.key("race");
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
        assertTrue(restore(cache, key, tmp.resolve("out"), null));
        assertEquals("same", Files.readString(tmp.resolve("out/image/usr/bin/tool")));
        try (var s = Files.list(cache.root().resolve("tmp"))) {
            assertEquals(0, s.count(), "no temporary entry is left behind");
        }
    }

    @Test
    void staysWithinItsBoundByRemovingTheLeastRecentlyUsed() throws Exception {
        DirectoryStore cache = cache(3 * 1024 + 512);
        String[] keys = new String[4];
        for (int i = 0; i < 3; i++) {
            keys[i] = EntryLayout.key("entry " + i);
            Path d = tmp.resolve("e" + i);
            Files.createDirectories(d);
            Files.write(d.resolve("blob"), new byte[1024]);
            cache.store(keys[i], "entry " + i, d, null);
            Files.setLastModifiedTime(cache.root().resolve(keys[i]), FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        assertTrue(restore(cache, keys[0], tmp.resolve("out"), null), "entry 0 is now the most recently used");
        keys[3] = EntryLayout.key("entry 3");
        Path d = tmp.resolve("e3");
        Files.createDirectories(d);
        Files.write(d.resolve("blob"), new byte[1024]);
        cache.store(keys[3], "entry 3", d, null);
        assertTrue(cache.has(keys[0]));
        assertFalse(cache.has(keys[1]), "the least recently used entry is removed");
        assertTrue(cache.has(keys[2]));
        assertTrue(cache.has(keys[3]));
        assertTrue(cache.size() <= 3 * 1024 + 512 + 3 * 512, "size " + cache.size());
    }
}
