package io.github.puipui.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
    @TempDir
    Path tmp;

    private static boolean complete(Path d) {
        return Files.isRegularFile(d.resolve("done"));
    }

    private Path staged(Path target, String content) throws Exception {
        Path s = FileTrees.stagingPath(target);
        Files.createDirectories(s);
        Files.writeString(s.resolve("done"), content);
        return s;
    }

    @Test
    void aCompleteResultInPlaceIsKeptAndTheLaterOneDropped() throws Exception {
        Path target = tmp.resolve("toolchain/musl");
        assertTrue(FileTrees.publish(staged(target, "first"), target, FileTreesTest::complete));
        Object inUse = Files.getAttribute(target.resolve("done"), "unix:ino");
        assertFalse(FileTrees.publish(staged(target, "second"), target, FileTreesTest::complete));
        assertEquals("first", Files.readString(target.resolve("done")));
        assertEquals(inUse, Files.getAttribute(target.resolve("done"), "unix:ino"), "the same file, not a copy");
        try (var all = Files.list(target.getParent())) {
            assertEquals(List.of(target), all.filter(f -> !f.getFileName().toString().endsWith(".lock")).toList(), "the dropped staging directory is removed (the publishers' lock file stays)");
        }
    }

    @Test
    void anIncompleteResultInPlaceIsReplaced() throws Exception {
        Path target = tmp.resolve("musl");
        Files.createDirectories(target.resolve("lib"));
        Files.writeString(target.resolve("lib/half"), "");
        assertTrue(FileTrees.publish(staged(target, "new"), target, FileTreesTest::complete));
        assertEquals("new", Files.readString(target.resolve("done")));
        assertFalse(Files.exists(target.resolve("lib/half")));
        try (var all = Files.list(tmp)) {
            assertEquals(List.of(target), all.filter(f -> !f.getFileName().toString().endsWith(".lock")).toList(), "the incomplete tree, moved aside, is removed");
        }
    }

    @Test
    void buildsFinishingTogetherKeepExactlyOneResult() throws Exception {
        Path target = tmp.resolve("musl");
        int builds = 6;
        List<Path> stages = new java.util.ArrayList<>();
        for (int i = 0; i < builds; i++) {
            stages.add(staged(target, "build " + i));
        }
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(builds);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(builds);
        int published = 0;
        try {
            List<java.util.concurrent.Future<Boolean>> done = new java.util.ArrayList<>();
            for (Path s : stages) {
                done.add(pool.submit(() -> {
                    start.await();
                    boolean ours = FileTrees.publish(s, target, FileTreesTest::complete);
                    assertTrue(complete(target), "a build that finishes finds a complete result in place");
                    return ours;
                }));
            }
            for (var f : done) {
                published += f.get() ? 1 : 0;
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, published);
        try (var all = Files.list(tmp)) {
            assertEquals(List.of(target), all.filter(f -> !f.getFileName().toString().endsWith(".lock")).toList());
        }
    }
}
