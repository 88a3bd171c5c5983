package io.github.puipui.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.BuildLog;

class FetcherTest {
    private static final byte[] PAYLOAD = "pretend this is a tarball\n".getBytes(StandardCharsets.UTF_8);
    private static final String DIGEST = Sha256.of(PAYLOAD);

    @TempDir
    Path tmp;

    private Fetcher fetcher(List<java.net.URI> mirrors, boolean offline) {
        return new Fetcher(new SourceCache(tmp.resolve("cache"), BuildLog.SILENT), new Transport(null), mirrors,
                offline, BuildLog.SILENT);
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void downloadsVerifiesAndCachesUnderTheDigest() throws Exception {
        try (LocalHttpServer http = new LocalHttpServer()) {
            http.files.put("/dl/pkg-1.0.tar.gz", PAYLOAD);
            Source s = new Source("pkg", "1.0", "pkg-1.0.tar.gz", http.uri("/dl/pkg-1.0.tar.gz").toString(), DIGEST)
                    .validated();
            Path got = fetcher(List.of(), false).fetch(s).file();
            assertEquals(tmp.resolve("cache/sha256/" + DIGEST + "/pkg-1.0.tar.gz").toAbsolutePath(), got);
            assertArrayEquals(PAYLOAD, Files.readAllBytes(got));
            assertEquals(List.of(), filesUnder(tmp.resolve("cache/tmp")), "no temporary file left");

            http.files.clear();
            assertEquals(got, fetcher(List.of(), false).fetch(s).file(), "second fetch is served from the cache");
            assertEquals(1, http.requests.get());
        }
    }

    @Test
    void mismatchFailsNamingFileAndDigestsAndCachesNothing() throws Exception {
        try (LocalHttpServer http = new LocalHttpServer()) {
            byte[] evil = "tampered".getBytes(StandardCharsets.UTF_8);
            http.files.put("/pkg-1.0.tar.gz", evil);
            Source s = new Source("pkg", "1.0", "pkg-1.0.tar.gz", http.uri("/pkg-1.0.tar.gz").toString(), DIGEST)
                    .validated();
            ChecksumMismatchException e = assertThrows(ChecksumMismatchException.class,
                    () -> fetcher(List.of(), false).fetch(s));
            assertTrue(e.getMessage().contains("pkg-1.0.tar.gz"), e.getMessage());
            assertTrue(e.getMessage().contains("expected " + DIGEST), e.getMessage());
            assertTrue(e.getMessage().contains("actual " + Sha256.of(evil)), e.getMessage());
            assertEquals(List.of(), filesUnder(tmp.resolve("cache")), "nothing cached, no temporary left");
        }
    }

    @Test
    void mirrorDirectoryIsUsedBeforeUpstreamAndAlternativesCount() throws Exception {
        Path mirror = Files.createDirectories(tmp.resolve("mirror"));
        byte[] repack = "a distribution's repack".getBytes(StandardCharsets.UTF_8);
        Files.write(mirror.resolve("pkg_1.0.orig.tar.xz"), repack);
        Source s = new Source("pkg", "1.0", "pkg-1.0.tar.xz", "https://upstream.invalid/pkg-1.0.tar.xz", DIGEST)
                .withAlternative("pkg_1.0.orig.tar.xz", Sha256.of(repack)).validated();
        Path got = fetcher(Fetcher.parseMirrors(mirror.toString()), true).fetch(s).file();
        assertArrayEquals(repack, Files.readAllBytes(got));
    }

    @Test
    void httpMirrorIsLookedUpByFileName() throws Exception {
        try (LocalHttpServer http = new LocalHttpServer()) {
            http.files.put("/mirror/pkg-1.0.tar.gz", PAYLOAD);
            Source s = new Source("pkg", "1.0", "pkg-1.0.tar.gz", "https://upstream.invalid/pkg-1.0.tar.gz", DIGEST)
                    .validated();
            Path got = fetcher(Fetcher.parseMirrors(http.uri("/mirror").toString()), false).fetch(s).file();
            assertArrayEquals(PAYLOAD, Files.readAllBytes(got));
        }
    }

    @Test
    void offlineWithoutCacheOrMirrorSaysWhatIsMissing() {
        Source s = new Source("pkg", "1.0", "pkg-1.0.tar.gz", "https://upstream.invalid/pkg-1.0.tar.gz", DIGEST)
                .validated();
        FetchException e = assertThrows(FetchException.class, () -> fetcher(List.of(), true).fetch(s));
        assertTrue(e.getMessage().startsWith("offline: pkg 1.0"), e.getMessage());
        assertTrue(e.getMessage().contains(DIGEST), e.getMessage());
    }

    @Test
    void everyDigestIsPinnedInTheDeclaration() {
        Source noDigest = new Source("linux", "6.1", "linux-6.1.tar.xz", "https://upstream.invalid/linux-6.1.tar.xz", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, noDigest::validated);
        assertTrue(e.getMessage().contains("<sha256> is missing"), e.getMessage());
        for (String hostile : List.of("../linux.tar.xz", "dir/linux.tar.xz", ".hidden")) {
            Source alt = new Source("linux", "6.1", "linux-6.1.tar.xz", "https://upstream.invalid/linux-6.1.tar.xz", DIGEST)
                    .withAlternative(hostile, DIGEST);
            e = assertThrows(IllegalArgumentException.class, alt::validated);
            assertTrue(e.getMessage().contains("<alternative><file> must be a plain file name"), e.getMessage());
        }
    }

    @Test
    void aMirrorWithWrongBytesIsSkippedForTheNextLocation() throws Exception {
        Path portal = Files.createDirectories(tmp.resolve("portal"));
        Files.writeString(portal.resolve("pkg-1.0.tar.gz"), "<html>please log in</html>");
        Path good = Files.createDirectories(tmp.resolve("good"));
        Files.write(good.resolve("pkg-1.0.tar.gz"), PAYLOAD);
        Source s = new Source("pkg", "1.0", "pkg-1.0.tar.gz", "https://upstream.invalid/pkg-1.0.tar.gz", DIGEST).validated();
        Path got = fetcher(Fetcher.parseMirrors(portal + "," + good), true).fetch(s).file();
        assertArrayEquals(PAYLOAD, Files.readAllBytes(got));
        try (LocalHttpServer http = new LocalHttpServer()) {
            http.files.put("/pkg-1.0.tar.gz", PAYLOAD);
            Source upstream = new Source("pkg", "1.0", "pkg-1.0.tar.gz", http.uri("/pkg-1.0.tar.gz").toString(), DIGEST)
                    .validated();
            Files.delete(got);
            assertArrayEquals(PAYLOAD, Files.readAllBytes(fetcher(Fetcher.parseMirrors(portal.toString()), false)
                    .fetch(upstream).file()), "upstream after the mismatching mirror");
        }
    }

    @Test
    void wrongBytesEverywhereFailNamingEachLocation() throws Exception {
        Path portal = Files.createDirectories(tmp.resolve("portal"));
        Files.writeString(portal.resolve("pkg-1.0.tar.gz"), "<html>please log in</html>");
        Source s = new Source("pkg", "1.0", "pkg-1.0.tar.gz", "https://upstream.invalid/pkg-1.0.tar.gz", DIGEST).validated();
        FetchException e = assertThrows(FetchException.class, () -> fetcher(Fetcher.parseMirrors(portal.toString()), true).fetch(s));
        assertTrue(e.getMessage().contains("skipped for a wrong digest"), e.getMessage());
        assertTrue(e.getMessage().contains(portal.resolve("pkg-1.0.tar.gz").toString()), e.getMessage());
        assertEquals(List.of(), filesUnder(tmp.resolve("cache/sha256")), "nothing cached");
    }

    @Test
    void corruptedCacheEntryIsDroppedAndFetchedAgain() throws Exception {
        try (LocalHttpServer http = new LocalHttpServer()) {
            http.files.put("/pkg-1.0.tar.gz", PAYLOAD);
            Source s = new Source("pkg", "1.0", "pkg-1.0.tar.gz", http.uri("/pkg-1.0.tar.gz").toString(), DIGEST)
                    .validated();
            Path got = fetcher(List.of(), false).fetch(s).file();
            Files.writeString(got, "bit rot");
            Path again = fetcher(List.of(), false).fetch(s).file();
            assertArrayEquals(PAYLOAD, Files.readAllBytes(again));
            assertEquals(2, http.requests.get());
        }
    }

    @Test
    void declarationsAreChecked() {
        assertThrows(IllegalArgumentException.class,
                () -> new Source("x", "1", "x.tar.gz", "http://plain.invalid/x.tar.gz", DIGEST).validated());
        assertThrows(IllegalArgumentException.class,
                () -> new Source("x", "1", "x.tar.gz", "https://h.invalid/x.tar.gz", "abc").validated());
        assertThrows(IllegalArgumentException.class,
                () -> new Source("x", "1", "../x.tar.gz", "https://h.invalid/x.tar.gz", DIGEST).validated());
        assertThrows(IllegalArgumentException.class,
                () -> new Source("x", "1", "x.tar.gz", "https://h.invalid/x.tar.gz", null).validated());
        assertEquals(DIGEST, new Source("x", "1", "x.tar.gz", "https://h.invalid/x.tar.gz", DIGEST.toUpperCase())
                .validated().getSha256());
    }

    @Test
    void proxyBypassFollowsNonProxyHosts() {
        ProxyConfig p = new ProxyConfig("proxy.invalid", 3128, null, null, "localhost|*.internal.example");
        assertTrue(p.bypasses("localhost"));
        assertTrue(p.bypasses("repo.internal.example"));
        assertTrue(!p.bypasses("cdn.kernel.org"));
    }
}
