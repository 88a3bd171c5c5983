package io.github.puipui.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.BuildLog;
import io.github.puipui.process.BuildStepException;

class CachedStepTest {
    @TempDir
    Path tmp;

    private final AtomicInteger runs = new AtomicInteger();

    private CachedStep.Work writes(String content) {
        return dir -> {
            runs.incrementAndGet();
            Files.writeString(dir.resolve("image"), content);
        };
    }

    @Test
    void publishLeavesTheSameBytesUntouchedAndReplacesOthers() throws Exception {
        Path from = Files.writeString(tmp.resolve("built"), "image v1");
        Path to = tmp.resolve("out/image");
        assertTrue(CachedStep.publish(from, to));
        Files.setLastModifiedTime(to, java.nio.file.attribute.FileTime.fromMillis(0));
        assertFalse(CachedStep.publish(from, to));
        assertEquals(0, Files.getLastModifiedTime(to).toMillis(), "not rewritten");
        Files.writeString(from, "image v2");
        assertTrue(CachedStep.publish(from, to));
        assertEquals("image v2", Files.readString(to));
        assertFalse(Files.exists(tmp.resolve("out/image.tmp")));
    }

    @Test
    void upToDateThenRebuiltWhenTheInputsChange() throws Exception {
        CachedStep step = new CachedStep(null, BuildLog.SILENT);
        Path out = tmp.resolve("clone/kernel.out");
        assertEquals(CachedStep.How.BUILT, step.run("k", out, "config A", null, writes("A")));
        assertEquals(CachedStep.How.UP_TO_DATE, step.run("k", out, "config A", null, writes("A")));
        assertEquals(CachedStep.How.BUILT, step.run("k", out, "config B", null, writes("B")));
        assertEquals("B", Files.readString(out.resolve("image")));
        assertEquals(2, runs.get());
    }

    @Test
    void anotherCloneRestoresFromTheCacheAndAnUpToDateStepFillsIt() throws Exception {
        DirectoryStore cache = new DirectoryStore(tmp.resolve("cache"), 1 << 30, BuildLog.SILENT);
        Path one = tmp.resolve("one/kernel.out");
        new CachedStep(null, BuildLog.SILENT).run("k", one, "config A", null, writes("A"));
        // built before the cache was used: an up-to-date run stores it
        assertEquals(CachedStep.How.UP_TO_DATE, new CachedStep(TieredCache.of(cache, BuildLog.SILENT), BuildLog.SILENT).run("k", one, "config A", null, writes("A")));
        Path two = tmp.resolve("two/kernel.out");
        assertEquals(CachedStep.How.CACHED, new CachedStep(TieredCache.of(cache, BuildLog.SILENT), BuildLog.SILENT).run("k", two, "config A", null, writes("A")));
        assertEquals("A", Files.readString(two.resolve("image")));
        assertEquals(CachedStep.How.UP_TO_DATE, new CachedStep(TieredCache.of(cache, BuildLog.SILENT), BuildLog.SILENT).run("k", two, "config A", null, writes("A")));
        assertEquals(1, runs.get());
    }

    @Test
    void aFailedStepKeepsNoStampNorHalfOutputs() throws Exception {
        DirectoryStore cache = new DirectoryStore(tmp.resolve("cache"), 1 << 30, BuildLog.SILENT);
        CachedStep step = new CachedStep(TieredCache.of(cache, BuildLog.SILENT), BuildLog.SILENT);
        Path out = tmp.resolve("clone/kernel.out");
        step.run("k", out, "config A", null, writes("A"));
        assertThrows(BuildStepException.class, () -> step.run("k", out, "config B", null, dir -> {
            Files.writeString(dir.resolve("image"), "half");
            throw new BuildStepException("make failed");
        }));
        assertFalse(Files.exists(CachedStep.stampOf(out)), "not up to date for either input");
        assertEquals("A", Files.readString(out.resolve("image")), "the last complete outputs stay");
        assertFalse(cache.has(EntryLayout.key("config B")));
        assertEquals(CachedStep.How.BUILT, step.run("k", out, "config B", null, writes("B")));
        assertEquals(CachedStep.How.CACHED, step.run("k", out, "config A", null, writes("A")));
    }

    /** A BuildLog that counts warnings. */
    private static final class Warnings implements BuildLog {
        final java.util.List<String> seen = new java.util.ArrayList<>();

        @Override
        public void info(String message) {
        }

        @Override
        public void warn(String message) {
            seen.add(message);
        }

        @Override
        public void debug(String message) {
        }
    }

    @Test
    void aFailingBuildCacheNeverFailsAStepAndWarnsOnce() throws Exception {
        // a cache "directory" that is a file fails every write, whoever runs the test (root ignores modes)
        Path root = Files.writeString(tmp.resolve("not-a-directory"), "");
        Warnings log = new Warnings();
        DirectoryStore cache = new DirectoryStore(root.resolve("outputs"), 1 << 30, log);
        CachedStep step = new CachedStep(TieredCache.of(cache, log), log);
        assertEquals(CachedStep.How.BUILT, step.run("a", tmp.resolve("a.out"), "inputs a", null, writes("A")));
        assertEquals(CachedStep.How.BUILT, step.run("b", tmp.resolve("b.out"), "inputs b", null, writes("B")));
        assertEquals(CachedStep.How.UP_TO_DATE, step.run("a", tmp.resolve("a.out"), "inputs a", null, writes("A")));
        assertEquals("A", Files.readString(tmp.resolve("a.out/image")));
        assertEquals(1, log.seen.size(), "one warning: " + log.seen);
        assertTrue(log.seen.get(0).contains("building without it"), log.seen.get(0));
    }

    @Test
    void anEntryLeftWithoutItsManifestIsReplacedByTheNextStore() throws Exception {
        DirectoryStore cache = new DirectoryStore(tmp.resolve("cache"), 1 << 30, BuildLog.SILENT);
        String key = EntryLayout.key("inputs");
        Files.createDirectories(cache.root().resolve(key).resolve("files")); // an interrupted copy of a CI cache
        assertEquals(CachedStep.How.BUILT, new CachedStep(TieredCache.of(cache, BuildLog.SILENT), BuildLog.SILENT).run("x", tmp.resolve("x.out"), "inputs",
                null, writes("X")));
        assertTrue(cache.has(key), "stored in place of the incomplete directory");
        assertTrue(cache.restore(key, tmp.resolve("again"), null));
    }

    @Test
    void aStepFoundUnderAnyOfItsLikelyInputsNeedsNoSourceAndAMissComputesTheActualOnes() throws Exception {
        DirectoryStore cache = new DirectoryStore(tmp.resolve("cache"), 1 << 30, BuildLog.SILENT);
        // machine 1 fetched the alternative file (Debian's repack): its entry's inputs name that digest
        Path one = tmp.resolve("one/kernel.out");
        new CachedStep(TieredCache.of(cache, BuildLog.SILENT), BuildLog.SILENT).run("k", one, "source=alt", null, writes("from alt"));
        assertEquals(1, runs.get());

        AtomicInteger fetches = new AtomicInteger();
        CachedStep.Inputs fetching = () -> {
            fetches.incrementAndGet();
            return "source=alt";
        };
        Path two = tmp.resolve("two/kernel.out");
        CachedStep.Result r = new CachedStep(TieredCache.of(cache, BuildLog.SILENT), BuildLog.SILENT).run("k", two,
                java.util.List.of("source=primary", "source=alt"), null, fetching, writes("never"));
        assertEquals(CachedStep.How.CACHED, r.how());
        assertEquals(EntryLayout.key("source=alt"), r.key(), "dependents name the key it was restored with");
        assertEquals("from alt", Files.readString(two.resolve("image")));
        assertEquals(0, fetches.get(), "no source fetched on a hit");
        assertEquals(1, runs.get());
        assertTrue(new CachedStep(TieredCache.of(cache, BuildLog.SILENT), BuildLog.SILENT).available("k", tmp.resolve("three/kernel.out"),
                java.util.List.of("source=primary", "source=alt")));

        // up to date under the second likely inputs: still no source
        r = new CachedStep(null, BuildLog.SILENT).run("k", two, java.util.List.of("source=primary", "source=alt"), null,
                fetching, writes("never"));
        assertEquals(CachedStep.How.UP_TO_DATE, r.how());
        assertEquals(0, fetches.get());

        // a miss: the source is fetched, and the step built from what was actually fetched
        Path three = tmp.resolve("three/kernel.out");
        assertFalse(new CachedStep(TieredCache.of(cache, BuildLog.SILENT), BuildLog.SILENT).available("k", three, java.util.List.of("source=new")));
        r = new CachedStep(TieredCache.of(cache, BuildLog.SILENT), BuildLog.SILENT).run("k", three, java.util.List.of("source=new"), null, () -> {
            fetches.incrementAndGet();
            return "source=new";
        }, writes("new"));
        assertEquals(CachedStep.How.BUILT, r.how());
        assertEquals(1, fetches.get());
        assertEquals(EntryLayout.key("source=new"), Files.readString(CachedStep.stampOf(three)));
        assertTrue(cache.has(EntryLayout.key("source=new")));
    }
}
