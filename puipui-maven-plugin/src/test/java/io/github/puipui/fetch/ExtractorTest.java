package io.github.puipui.fetch;

import io.github.puipui.files.Sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.TestArchives;

class ExtractorTest {
    @TempDir
    Path tmp;

    /**
     * Builds a tar.gz from (name, kind, content-or-link) triples; kind f=file, x=executable, w=file of mode 0666,
     * d=dir, D=dir of mode 0777, l=symlink, h=hardlink.
     */
    private Path tar(String fileName, String... spec) throws IOException {
        Path archive = tmp.resolve(fileName);
        try (OutputStream raw = Files.newOutputStream(archive);
                OutputStream comp = fileName.endsWith(".bz2") ? new BZip2CompressorOutputStream(raw)
                        : fileName.endsWith(".xz") ? new XZCompressorOutputStream(raw) : new GzipCompressorOutputStream(raw);
                TarArchiveOutputStream out = new TarArchiveOutputStream(comp)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (int i = 0; i < spec.length; i += 3) {
                String name = spec[i];
                String kind = spec[i + 1];
                String data = spec[i + 2];
                TarArchiveEntry e;
                switch (kind) {
                    case "d" -> e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
                    case "D" -> {
                        e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
                        e.setMode(040777);
                    }
                    case "l" -> {
                        e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                        e.setLinkName(data);
                    }
                    case "h" -> {
                        e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK);
                        e.setLinkName(data);
                    }
                    default -> {
                        e = new TarArchiveEntry(name, true);
                        e.setSize(data.getBytes(StandardCharsets.UTF_8).length);
                        e.setMode(kind.equals("x") ? 0100755 : kind.equals("w") ? 0100666 : 0100644);
                    }
                }
                out.putArchiveEntry(e);
                if (kind.equals("f") || kind.equals("x") || kind.equals("w")) {
                    out.write(data.getBytes(StandardCharsets.UTF_8));
                }
                out.closeArchiveEntry();
            }
        }
        return archive;
    }

    @Test
    void extractsFilesModesAndLinksOfEveryCompression() throws Exception {
        for (String ext : new String[] {".tar.gz", ".tar.bz2", ".tar.xz"}) {
            Path a = tar("ok" + ext, "pkg-1/", "d", "", "pkg-1/configure", "x", "#!/bin/sh\n",
                    "pkg-1/src/a.c", "f", "int a;", "pkg-1/src/link.c", "l", "a.c", "pkg-1/src/hard.c", "h", "pkg-1/src/a.c");
            Path out = new Extractor(Extractor.Kind.SOURCE).extract(a, Sha256.of(a), tmp.resolve("out" + ext));
            assertEquals("int a;", Files.readString(out.resolve("pkg-1/src/a.c")));
            assertTrue(Files.isSymbolicLink(out.resolve("pkg-1/src/link.c")));
            assertEquals("int a;", Files.readString(out.resolve("pkg-1/src/hard.c")));
            assertTrue(Files.getPosixFilePermissions(out.resolve("pkg-1/configure")).contains(PosixFilePermission.OWNER_EXECUTE));
            assertFalse(Files.getPosixFilePermissions(out.resolve("pkg-1/src/a.c")).contains(PosixFilePermission.OWNER_EXECUTE));
            assertTrue(Extractor.isComplete(out, Sha256.of(a)));
        }
    }

    private void assertRefused(Path archive, String why) throws IOException {
        assertRefused(Extractor.Kind.SOURCE, archive, why);
    }

    private void assertRefused(Extractor.Kind kind, Path archive, String why) throws IOException {
        Path target = tmp.resolve("target-" + archive.getFileName());
        UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class,
                () -> new Extractor(kind).extract(archive, Sha256.of(archive), target));
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertFalse(Files.exists(target), "no target directory");
        try (var siblings = Files.list(target.getParent())) {
            assertEquals(List.of(), siblings.filter(p -> p.getFileName().toString().startsWith(
                    target.getFileName() + ".partial")).toList(), "no staging directory");
        }
        assertFalse(Files.exists(tmp.resolve("escaped")), "nothing written outside");
    }

    @Test
    void refusesAbsolutePaths() throws Exception {
        assertRefused(tar("abs.tar.gz", "/tmp/escaped", "f", "x"), "absolute");
    }

    @Test
    void refusesDotDot() throws Exception {
        assertRefused(tar("dotdot.tar.gz", "pkg/../../escaped", "f", "x"), "'..'");
    }

    @Test
    void refusesSymlinksThatEscape() throws Exception {
        assertRefused(tar("abslink.tar.gz", "pkg/etc", "l", "/etc"), "escaping");
        assertRefused(tar("rellink.tar.gz", "pkg/up", "l", "../../escaped"), "escaping");
    }

    @Test
    void refusesWritingThroughASymlink() throws Exception {
        // a link that stays inside, then a file written "through" it
        assertRefused(tar("through.tar.gz", "pkg/dir/", "d", "", "pkg/alias", "l", "dir", "pkg/alias/file", "f", "x"),
                "through the symbolic link");
    }

    @Test
    void refusesALinkChainThatLeavesTheTargetAndAHardLinkThroughIt() throws Exception {
        // each text alone stays inside; followed on disk, l2 is the parent of the target
        assertRefused(tar("chain.tar.gz", "pkg/a/b/", "d", "", "pkg/a/b/l0", "l", "../..", "pkg/a/b/l1", "l", "l0/..",
                "pkg/a/b/l2", "l", "l1/..", "pkg/stolen", "h", "pkg/a/b/l2/secret"), "escaping the target: -> l1/..");
        // a hard link whose target path passes through a link, even one that stays inside
        assertRefused(tar("hardvia.tar.gz", "pkg/f", "f", "x", "pkg/here", "l", ".", "pkg/h", "h", "pkg/here/f"),
                "hard link through a symbolic link");
    }

    @Test
    void refusesALinkThatALaterLinkTurnsOutward() throws Exception {
        // pkg/x -> y/../../z stays inside while y does not exist; once y -> . it leads to the target's parent
        assertRefused(tar("later.tar.gz", "pkg/x", "l", "y/../../z", "pkg/y", "l", "."), "through links written after it");
    }

    @Test
    void refusesHardLinksOutside() throws Exception {
        assertRefused(tar("hard.tar.gz", "pkg/h", "h", "../escaped"), "'..'");
    }

    @Test
    void buildsExtractingTheSameArchiveAtOnceKeepOneCompleteTree() throws Exception {
        java.util.Map<String, byte[]> files = new java.util.TreeMap<>();
        for (int i = 0; i < 200; i++) {
            files.put("pkg-1/d" + (i % 5) + "/f" + i, ("file " + i).repeat(500).getBytes());
        }
        Path a = TestArchives.tarGzBytes(tmp.resolve("pkg-1.tar.gz"), files);
        Path target = tmp.resolve("cache/pkg-1");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(4);
            List<java.util.concurrent.Future<Path>> done = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                done.add(pool.submit(() -> {
                    start.await();
                    return new Extractor(Extractor.Kind.SOURCE).extractTree(a, Sha256.of(a), target);
                }));
            }
            for (java.util.concurrent.Future<Path> f : done) {
                assertEquals(target.resolve("pkg-1"), f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(Extractor.isComplete(target, Sha256.of(a)));
        try (var all = Files.walk(target)) {
            assertEquals(201, all.filter(Files::isRegularFile).count(), "every file and the marker");
        }
        try (var siblings = Files.list(tmp.resolve("cache"))) {
            assertEquals(List.of(target), siblings.filter(f -> !f.getFileName().toString().endsWith(".lock")).toList(),
                    "no staging directory left");
        }
    }

    @Test
    void aStagingDirectoryOfAnEndedBuildIsRemovedAndOneOfARunningBuildIsKept() throws Exception {
        Path a = tar("pkg.tar.gz", "pkg/file", "f", "complete");
        Path target = tmp.resolve("src");
        Path running = io.github.puipui.files.FileTrees.stagingPath(target); // this JVM's: a build still running
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Path killed = target.resolveSibling(running.getFileName().toString()
                .replace("-" + ProcessHandle.current().pid() + "-", "-" + ended.pid() + "-"));
        Files.createDirectories(running.resolve("pkg"));
        Files.createDirectories(killed.resolve("pkg"));
        new Extractor(Extractor.Kind.SOURCE).extract(a, Sha256.of(a), target);
        assertTrue(Files.isDirectory(running), "another build of this host that is still running");
        assertFalse(Files.exists(killed), "left by a build whose process has ended");
    }

    @Test
    void interruptedExtractionIsDetectedAndRedone() throws Exception {
        Path a = tar("pkg.tar.gz", "pkg/file", "f", "complete");
        Path target = tmp.resolve("src");
        // what an interrupted run leaves: a partial directory, or a target without the marker
        Files.createDirectories(tmp.resolve("src.partial/pkg"));
        Files.writeString(tmp.resolve("src.partial/pkg/file"), "half");
        Files.createDirectories(target.resolve("pkg"));
        Files.writeString(target.resolve("pkg/file"), "half");
        assertFalse(Extractor.isComplete(target, Sha256.of(a)));
        new Extractor(Extractor.Kind.SOURCE).extract(a, Sha256.of(a), target);
        assertEquals("complete", Files.readString(target.resolve("pkg/file")));
        assertFalse(Files.exists(tmp.resolve("src.partial")));
        // a complete extraction is not repeated
        Files.writeString(target.resolve("pkg/file"), "kept");
        new Extractor(Extractor.Kind.SOURCE).extract(a, Sha256.of(a), target);
        assertEquals("kept", Files.readString(target.resolve("pkg/file")));
    }

    @Test
    void groupAndWorldWriteBitsOfTheArchiveAreDropped() throws Exception {
        Path a = tar("modes.tar.gz", "pkg/", "D", "", "pkg/open", "w", "anyone", "pkg/tool", "x", "#!/bin/sh\n");
        Path out = new Extractor(Extractor.Kind.SOURCE).extract(a, Sha256.of(a), tmp.resolve("modes"));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("pkg"))));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("pkg/open"))));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("pkg/tool"))));
    }

    @Test
    void aTreeExtractedWithWriteBitsBeforeIsExtractedOnceMore() throws Exception {
        Path a = tar("old.tar.gz", "pkg/", "D", "", "pkg/open", "w", "anyone");
        Path target = tmp.resolve("old");
        // what earlier versions left: the archive's 0777 and 0666 kept, and a marker holding the digest
        Files.createDirectories(target.resolve("pkg"));
        Files.writeString(target.resolve("pkg/open"), "anyone");
        Files.setPosixFilePermissions(target.resolve("pkg"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(target.resolve("pkg/open"), PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.writeString(target.resolve(".puipui-extracted"), Sha256.of(a) + "\n");
        assertFalse(Extractor.isComplete(target, Sha256.of(a)), "a tree of an earlier version is not taken as it is");
        new Extractor(Extractor.Kind.SOURCE).extract(a, Sha256.of(a), target);
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("pkg"))));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("pkg/open"))));
    }

    /** One 1 MiB file and 100 hard links to it: a 2 KB archive that would write 101 MiB. */
    private Path hardLinkBomb() throws IOException {
        List<String> spec = new java.util.ArrayList<>(List.of("pkg/big", "f", "\0".repeat(1 << 20)));
        for (int i = 0; i < 100; i++) {
            spec.addAll(List.of("pkg/link" + i, "h", "pkg/big"));
        }
        return tar("bomb.tar.gz", spec.toArray(String[]::new));
    }

    @Test
    void anArchiveWritingFarMoreThanItsKindAllowsIsStopped() throws Exception {
        Path bomb = hardLinkBomb();
        assertTrue(Files.size(bomb) < 8192, "a small archive: " + Files.size(bomb));
        assertRefused(Extractor.Kind.DEFINITION, bomb, "bound");
        assertRefused(Extractor.Kind.SOURCE, bomb, "bound");
    }

    @Test
    void anArchiveOfMoreEntriesThanItsKindAllowsIsStopped() throws Exception {
        List<String> spec = new java.util.ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            spec.addAll(List.of("pkg/f" + i, "f", ""));
        }
        Path many = tar("many.tar.gz", spec.toArray(String[]::new));
        assertRefused(Extractor.Kind.DEFINITION, many, "entries");
        Path ok = new Extractor(Extractor.Kind.SOURCE).extract(many, Sha256.of(many), tmp.resolve("many"));
        assertTrue(Files.isRegularFile(ok.resolve("pkg/f4999")), "a source archive has room for them");
    }
}
