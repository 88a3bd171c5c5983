package io.github.puipui.fetch;

import io.github.puipui.files.Sha256;
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
        assertTrue(e.getMessage().contains("skipped:\n    sha256 mismatch for pkg-1.0.tar.gz"), e.getMessage());
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
                .validated().sha256());
    }

    @Test
    void proxyBypassFollowsNonProxyHosts() {
        ProxyConfig p = new ProxyConfig("proxy.invalid", 3128, null, null, "localhost|*.internal.example");
        assertTrue(p.bypasses("localhost"));
        assertTrue(p.bypasses("repo.internal.example"));
        assertTrue(!p.bypasses("cdn.kernel.org"));
    }

    /**
     * A server of {@code body} that stalls after {@code stallAfter} bytes on the first {@code stalls} requests, and
     * answers range requests with 206 unless {@code honourRanges} is false. Records each request's Range header.
     */
    private static com.sun.net.httpserver.HttpServer stallingServer(byte[] body, int stallAfter, int stalls,
            boolean honourRanges, List<String> ranges) throws IOException {
        var server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/", ex -> {
            String range = ex.getRequestHeaders().getFirst("Range");
            ranges.add(String.valueOf(range));
            int from = range != null && honourRanges ? Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1")) : 0;
            if (from > 0) {
                ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
            }
            ex.sendResponseHeaders(from > 0 ? 206 : 200, body.length - from);
            try (var out = ex.getResponseBody()) {
                if (n.incrementAndGet() <= stalls) {
                    out.write(body, from, stallAfter - from);
                    out.flush();
                    Thread.sleep(30_000); // stalls mid-body; the client gives up first
                }
                out.write(body, from, body.length - from);
            } catch (IOException | InterruptedException clientGone) {
                // the client broke off
            }
        });
        server.start();
        return server;
    }

    private static final Fetcher.Limits QUICK = new Fetcher.Limits(java.time.Duration.ofSeconds(1), 3,
            java.time.Duration.ofMillis(10), 1 << 20);

    private static byte[] body(int size) {
        byte[] b = new byte[size];
        new java.util.Random(7).nextBytes(b);
        return b;
    }

    @Test
    void aStalledDownloadIsBrokenOffAndResumedWhereItStopped() throws Exception {
        byte[] body = body(200_000);
        List<String> ranges = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        var server = stallingServer(body, 120_000, 1, true, ranges);
        try {
            Source s = new Source("big", "1", "big.bin", "http://127.0.0.1:" + server.getAddress().getPort() + "/big.bin",
                    Sha256.of(body)).validated();
            Path got = fetcher(List.of(), false).withLimits(QUICK).fetch(s).file();
            assertArrayEquals(body, Files.readAllBytes(got));
            assertEquals(List.of("null", "bytes=120000-"), ranges, "resumed at the byte it stopped at");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aServerIgnoringRangesIsDownloadedAgainFromTheStart() throws Exception {
        byte[] body = body(200_000);
        List<String> ranges = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        var server = stallingServer(body, 120_000, 1, false, ranges);
        try {
            Source s = new Source("big", "1", "big.bin", "http://127.0.0.1:" + server.getAddress().getPort() + "/big.bin",
                    Sha256.of(body)).validated();
            assertArrayEquals(body, Files.readAllBytes(fetcher(List.of(), false).withLimits(QUICK).fetch(s).file()));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aDownloadThatKeepsStallingFailsNamingTheUrlAndTheBytesReceived() throws Exception {
        byte[] body = body(200_000);
        var server = stallingServer(body, 50_000, 99, true, java.util.Collections.synchronizedList(new java.util.ArrayList<>()));
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/big.bin";
            Source s = new Source("big", "1", "big.bin", url, Sha256.of(body)).validated();
            FetchException e = assertThrows(FetchException.class, () -> fetcher(List.of(), false).withLimits(QUICK).fetch(s));
            assertTrue(e.getMessage().contains("download of big.bin from " + url + " failed 3 times; 50000 bytes received"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("sent nothing for 1.0 s"), e.getMessage());
            assertEquals(List.of(), filesUnder(tmp.resolve("cache")), "nothing cached, no temporary left");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aBodyLargerThanTheBoundIsRefused() throws Exception {
        byte[] big = body(300_000);
        try (LocalHttpServer http = new LocalHttpServer()) {
            http.files.put("/big.bin", big);
            Source s = new Source("big", "1", "big.bin", http.uri("/big.bin").toString(), Sha256.of(big)).validated();
            Fetcher.Limits small = new Fetcher.Limits(java.time.Duration.ofSeconds(5), 3, java.time.Duration.ofMillis(10), 100_000);
            FetchException e = assertThrows(FetchException.class, () -> fetcher(List.of(), false).withLimits(small).fetch(s));
            assertTrue(e.getMessage().contains("300000 bytes, more than the 100000"), e.getMessage());
            assertEquals(1, http.requests.get(), "refused before reading, not tried again");
            assertEquals(List.of(), filesUnder(tmp.resolve("cache")));
        }
    }

    @Test
    void aFailureWithoutAMessageIsStillExplained() {
        java.net.ConnectException connect = new java.net.ConnectException();
        connect.initCause(new java.nio.channels.UnresolvedAddressException());
        org.junit.jupiter.api.Assertions.assertEquals("the host name does not resolve (no network, or no DNS for it here)",
                Fetcher.reason(new java.io.IOException(null, connect)));
        org.junit.jupiter.api.Assertions.assertEquals("refused", Fetcher.reason(new java.io.IOException(null,
                new java.net.ConnectException("refused"))));
        org.junit.jupiter.api.Assertions.assertEquals("ConnectException", Fetcher.reason(new java.net.ConnectException()));
    }
}
