package io.github.puipui.userland;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.BuildLog;
import io.github.puipui.OutputTimestamp;
import io.github.puipui.cache.DirectoryStore;
import io.github.puipui.cache.TieredCache;
import io.github.puipui.files.Sha256;
import io.github.puipui.pipeline.StepInputs;
import io.github.puipui.process.ProcessRunner;
import io.github.puipui.Arch;
import io.github.puipui.toolchain.Toolchain;

/** The up-to-date logic and the build cache of {@link UserlandBuilder}, with real make runs of a tiny package. */
class UserlandBuilderTest {
    @TempDir
    Path tmp;

    private Path counter;
    private Path archive;
    private String archiveSha;

    private void source(String content) throws Exception {
        counter = tmp.resolve("counter");
        archive = FakeComponents.source(tmp.resolve("hello-1.0.tar.gz"), content);
        archiveSha = Sha256.of(archive);
    }

    private int builds() throws Exception {
        return Files.exists(counter) ? Files.readAllLines(counter).size() : 0;
    }

    private UserlandBuilder.Prepared prepared(Component c, String inputs) {
        return UserlandBuilder.Prepared.of(c, "1.0", archive, archiveSha, inputs,
                new Toolchain(Arch.X86_64, "cc", "", "x86_64-linux-musl", tmp));
    }

    /** Builds into {@code <clone>/…} as the userland goal does; returns how each file was obtained. */
    private List<UserlandBuilder.Installed> build(Path clone, DirectoryStore cache, UserlandBuilder.Prepared... ps) throws Exception {
        UserlandBuilder b = new UserlandBuilder(new ProcessRunner(BuildLog.SILENT), BuildLog.SILENT,
                cache == null ? null : TieredCache.of(cache, BuildLog.SILENT), null);
        return b.build(Arch.X86_64, List.of(ps), clone.resolve("build"), clone.resolve("staging"),
                clone.resolve("userland"), clone.resolve("logs"), 1, OutputTimestamp.parse("2026-11-25T00:00:00Z"));
    }

    @Test
    void unchangedInputsAreSkippedAndChangedInputsRebuilt() throws Exception {
        source("hello");
        Component c = FakeComponents.component("hello", counter, tmp.resolve("no-hold"));
        Path clone = tmp.resolve("clone");
        assertEquals("built", build(clone, null, prepared(c, "v1")).get(0).how());
        assertEquals("hello\n", Files.readString(clone.resolve("userland/usr/bin/hello")));
        assertEquals("up to date", build(clone, null, prepared(c, "v1")).get(0).how());
        assertEquals(1, builds());
        assertEquals("built", build(clone, null, prepared(c, "v2")).get(0).how());
        assertEquals(2, builds());
    }

    @Test
    void patchesAreAppliedInOrderAndAreInputsOfTheKey() throws Exception {
        source("hello");
        Path first = tmp.resolve("0001-greet.patch");
        Files.writeString(first, "--- a/hello.in\n+++ b/hello.in\n@@ -1 +1 @@\n-hello\n+hello, patched\n");
        Path second = tmp.resolve("0002-again.patch");
        Files.writeString(second, "--- a/hello.in\n+++ b/hello.in\n@@ -1 +1 @@\n-hello, patched\n+hello, patched twice\n");
        Component c = TestComponent.from(FakeComponents.component("hello", counter, tmp.resolve("no-hold")))
                .withPatches(first.toString(), second.toString()).build();
        Path clone = tmp.resolve("clone");
        build(clone, null, prepared(c, StepInputs.declaration(c)));
        assertEquals("hello, patched twice\n", Files.readString(clone.resolve("userland/usr/bin/hello")));

        Component unpatched = FakeComponents.component("hello", counter, tmp.resolve("no-hold"));
        assertFalse(StepInputs.declaration(unpatched).equals(StepInputs.declaration(c)));
        String before = StepInputs.declaration(c);
        Files.writeString(second, Files.readString(second).replace("twice", "2x"));
        String changed = StepInputs.declaration(c);
        assertFalse(changed.equals(before), "a patch's content is part of the declaration");
        build(clone, null, prepared(c, changed));
        assertEquals("hello, patched 2x\n", Files.readString(clone.resolve("userland/usr/bin/hello")));
        assertEquals(2, builds());
    }

    @Test
    void aPatchThatDoesNotApplyFailsNamingIt() throws Exception {
        source("hello");
        Path bad = tmp.resolve("0001-stale.patch");
        Files.writeString(bad, "--- a/hello.in\n+++ b/hello.in\n@@ -1 +1 @@\n-goodbye\n+hello, patched\n");
        Component c = TestComponent.from(FakeComponents.component("hello", counter, tmp.resolve("no-hold")))
                .withPatches(bad.toString()).build();
        Path clone = tmp.resolve("clone");
        io.github.puipui.process.BuildStepException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.github.puipui.process.BuildStepException.class, () -> build(clone, null, prepared(c, StepInputs.declaration(c))));
        assertTrue(e.getMessage().contains("patch 0001-stale.patch"), e.getMessage());
        assertEquals(0, builds());
        assertFalse(Files.exists(clone.resolve("userland/usr/bin/hello")));
    }

    @Test
    void aTreeThatWasNotCompletelyBuiltIsNotReused() throws Exception {
        source("hello");
        Component c = FakeComponents.component("hello", counter, tmp.resolve("no-hold"));
        Path clone = tmp.resolve("clone");
        build(clone, null, prepared(c, "v1"));
        // as if a later build had been killed after writing a truncated object file
        Path object = clone.resolve("build/hello/hello-1.0/hello.o");
        Files.writeString(object, "truncat");
        Files.setLastModifiedTime(object, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        Files.delete(clone.resolve("build/hello.out.key"));
        build(clone, null, prepared(c, "v1"));
        assertEquals("hello\n", Files.readString(clone.resolve("userland/usr/bin/hello")));
        assertEquals(2, builds());
    }

    @Test
    void aFreshCloneTakesComponentsFromTheCacheWithTheirStagedFilesRelocated() throws Exception {
        source("hello");
        DirectoryStore cache = new DirectoryStore(tmp.resolve("cache"), 1 << 30, BuildLog.SILENT);
        Component lib = FakeComponents.component("lib", counter, tmp.resolve("no-hold"), "STAGING={staging}");
        Component app = TestComponent.from(FakeComponents.component("app", counter, tmp.resolve("no-hold"),
                "NEED={staging}/lib/libhello.a")).withDependsOn("lib").build();
        Path one = tmp.resolve("one");
        build(one, cache, prepared(lib, "lib v1"), prepared(app, "app v1"));
        assertEquals(2, builds());

        Path two = tmp.resolve("two");
        List<UserlandBuilder.Installed> got = build(two, cache, prepared(lib, "lib v1"), prepared(app, "app v1"));
        assertEquals(List.of("cached", "cached"), got.stream().map(UserlandBuilder.Installed::how).toList());
        assertEquals(2, builds(), "nothing compiled in the fresh clone");
        assertEquals(Files.readString(one.resolve("userland/usr/bin/app")), Files.readString(two.resolve("userland/usr/bin/app")));
        assertEquals("prefix=" + two.resolve("staging") + "\n",
                Files.readString(two.resolve("build/lib.out/staging/lib/pkgconfig/hello.pc")));

        // app changes: it is built against the staged library restored from the cache
        got = build(two, cache, prepared(lib, "lib v1"), prepared(app, "app v2"));
        assertEquals(List.of("up to date", "built"), got.stream().map(UserlandBuilder.Installed::how).toList());
        assertEquals(3, builds());
        assertTrue(Files.isRegularFile(two.resolve("staging/lib/libhello.a")));
        assertFalse(Files.exists(two.resolve("build/app.out/staging/lib")), "app staged nothing of its own");
    }

    @Test
    void componentsFoundUnderAnyLikelyInputsFetchNothingAndDependentsNameTheKeyFound() throws Exception {
        source("hello");
        DirectoryStore cache = new DirectoryStore(tmp.resolve("cache"), 1 << 30, BuildLog.SILENT);
        Toolchain tc = new Toolchain(Arch.X86_64, "cc", "", "x86_64-linux-musl", tmp);
        Component lib = FakeComponents.component("lib", counter, tmp.resolve("no-hold"), "STAGING={staging}");
        Component app = TestComponent.from(FakeComponents.component("app", counter, tmp.resolve("no-hold"),
                "NEED={staging}/lib/libhello.a")).withDependsOn("lib").build();
        UserlandBuilder.Likely appLikely = keys -> List.of("app, lib " + keys.get("lib"));
        // machine 1 fetched lib's alternative file
        build(tmp.resolve("one"), cache, prepared(lib, "lib from alt"), new UserlandBuilder.Prepared(app, "1.0", false,
                appLikely, keys -> new UserlandBuilder.Sourced(archive, archiveSha, appLikely.inputs(keys).get(0),
                        () -> tc)));
        assertEquals(2, builds());

        UserlandBuilder.Sourcing noFetch = keys -> {
            throw new AssertionError("a source was fetched");
        };
        List<UserlandBuilder.Installed> got = build(tmp.resolve("two"), cache,
                new UserlandBuilder.Prepared(lib, "1.0", false, keys -> List.of("lib from primary", "lib from alt"),
                        noFetch), new UserlandBuilder.Prepared(app, "1.0", false, appLikely, noFetch));
        assertEquals(List.of("cached", "cached"), got.stream().map(UserlandBuilder.Installed::how).toList());
        assertEquals(2, builds(), "nothing compiled");
    }
}
