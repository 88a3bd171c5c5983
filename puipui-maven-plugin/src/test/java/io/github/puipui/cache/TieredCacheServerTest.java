package io.github.puipui.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import io.github.puipui.RecordingLog;
import io.github.puipui.fetch.Transport;

/**
 * The build cache's remote tier ({@link HttpStore} behind a {@link TieredCache}) against a real HTTP server on
 * 127.0.0.1: it takes only what a trusted key signed unless told to take unsigned entries, follows no redirect, sends
 * no credentials over plain http, bounds what a server sends, and takes a bad entry for a miss.
 */
class TieredCacheServerTest {
    @TempDir
    Path tmp;

    /** How a hostile server answers a GET of a path it holds instead of sending the file. */
    interface Lie {
        void answer(com.sun.net.httpserver.HttpExchange ex, byte[] body) throws IOException;
    }

    /** A server that stores what is PUT and serves it, recording each request and its Authorization header. */
    private static final class Server implements AutoCloseable {
        final Map<String, byte[]> files = new ConcurrentHashMap<>();
        final List<String> requests = new CopyOnWriteArrayList<>();
        final Map<String, Lie> lies = new ConcurrentHashMap<>();
        final HttpServer http;

        Server(String redirectTo) throws IOException {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
            http.createContext("/", ex -> {
                String path = ex.getRequestURI().getPath();
                requests.add(ex.getRequestMethod() + " " + path + " auth=" + ex.getRequestHeaders()
                        .getFirst("Authorization"));
                String suffix = path.substring(path.indexOf('.'));
                if (ex.getRequestMethod().equals("GET") && lies.containsKey(suffix) && files.containsKey(path)) {
                    lies.get(suffix).answer(ex, files.get(path));
                } else if (redirectTo != null) {
                    ex.getResponseHeaders().add("Location", redirectTo + path);
                    ex.sendResponseHeaders(302, -1);
                } else if (ex.getRequestMethod().equals("PUT")) {
                    files.put(path, ex.getRequestBody().readAllBytes());
                    ex.sendResponseHeaders(201, -1);
                } else if (!files.containsKey(path)) {
                    ex.sendResponseHeaders(404, -1);
                } else if (ex.getRequestMethod().equals("HEAD")) {
                    ex.sendResponseHeaders(200, -1);
                } else {
                    byte[] body = files.get(path);
                    ex.sendResponseHeaders(200, body.length);
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(body);
                    }
                }
                ex.close();
            });
            http.start();
        }

        String url() {
            return "http://127.0.0.1:" + http.getAddress().getPort() + "/cache/";
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }

    private final List<Server> servers = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(Server::close);
    }

    private Server server(String redirectTo) throws IOException {
        Server s = new Server(redirectTo);
        servers.add(s);
        return s;
    }

    private HttpStore store(String url, List<PublicKey> trusted, PrivateKey signing, boolean acceptUnsigned) {
        return new HttpStore(new HttpStore.Config("it", URI.create(url), "ci", "secret", true, new EntrySigning(trusted,
                signing), acceptUnsigned), new Transport(null), 1L << 30);
    }

    /** The local directory {@code local} with the server at {@code url} behind it, as one build's cache. */
    private TieredCache tiers(DirectoryStore local, String url, List<PublicKey> trusted, PrivateKey signing,
            boolean acceptUnsigned, RecordingLog log) {
        return TieredCache.of(local, log).withRemote(store(url, trusted, signing, acceptUnsigned));
    }

    /** A local build cache holding one entry per name; returns the keys. */
    private List<String> entries(DirectoryStore cache, String... names) throws IOException {
        List<String> keys = new java.util.ArrayList<>();
        for (String n : names) {
            Path dir = Files.createDirectories(tmp.resolve("outputs-" + n));
            Files.writeString(dir.resolve("bin"), "#!/bin/sh\necho " + n + "\n");
            String inputs = "step=test\nname=" + n + "\n";
            cache.store(EntryLayout.key(inputs), inputs, dir, null);
            keys.add(EntryLayout.key(inputs));
        }
        return keys;
    }

    private DirectoryStore local(String name) {
        return new DirectoryStore(tmp.resolve(name), 1L << 30, new RecordingLog());
    }

    private static long warnings(RecordingLog log, String text) {
        return log.lines.stream().filter(l -> l.startsWith("WARN ") && l.contains(text)).count();
    }

    @Test
    void withoutTrustedKeysNoEntryIsTakenAndTheReaderIsToldBothWaysOut() throws Exception {
        Server s = server(null);
        DirectoryStore one = local("one");
        List<String> keys = entries(one, "a", "b");
        RecordingLog pusher = new RecordingLog();
        TieredCache push = tiers(one, s.url(), List.of(), null, false, pusher);
        keys.forEach(k -> push.share("step " + k, k));
        keys.forEach(k -> assertTrue(s.files.containsKey("/cache/" + k + ".entry"), "pushed: " + s.requests));
        assertEquals(1, warnings(pusher, "readers take them only with -Dpuipui.remoteCache.acceptUnsigned=true"),
                "an unsigned push is warned of once: " + pusher.lines);
        int asked = s.requests.size();

        RecordingLog reader = new RecordingLog();
        DirectoryStore two = local("two");
        TieredCache read = tiers(two, s.url(), List.of(), null, false, reader);
        for (String k : keys) {
            assertTrue(!read.bring("step " + k, k));
            assertTrue(!read.has("step " + k, k));
            assertTrue(!two.has(k));
        }
        assertEquals(asked, s.requests.size(), "the server is not asked: " + s.requests);
        assertEquals(1, warnings(reader, "is not read: no trusted keys are named"), reader.lines.toString());
        assertTrue(reader.lines.get(0).contains("-Dpuipui.remoteCache.trustedKeys=")
                && reader.lines.get(0).contains("-Dpuipui.remoteCache.acceptUnsigned=true"), reader.lines.get(0));

        // the explicit switch: every entry taken, warned of once
        RecordingLog opted = new RecordingLog();
        DirectoryStore three = local("three");
        TieredCache accepting = tiers(three, s.url(), List.of(), null, true, opted);
        for (String k : keys) {
            assertTrue(accepting.bring("step " + k, k));
            assertTrue(three.has(k));
        }
        assertEquals(1, warnings(opted, "taking entries that no trusted key signed"), opted.lines.toString());
    }

    @Test
    void aRedirectIsNotFollowedAndNoCredentialGoesOverPlainHttp() throws Exception {
        Server elsewhere = server(null);
        Server redirecting = server(elsewhere.url().replace("/cache/", ""));
        KeyPair k = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        RecordingLog log = new RecordingLog();
        TieredCache read = tiers(local("two"), redirecting.url(), List.of(k.getPublic()), null, false, log);
        assertTrue(!read.bring("step c", "c".repeat(64)));
        assertEquals(List.of(), elsewhere.requests, "the other server got nothing");
        assertTrue(redirecting.requests.stream().allMatch(r -> r.endsWith("auth=null")),
                "no Authorization header over plain http: " + redirecting.requests);
        assertEquals(1, warnings(log, "answered with a redirect"), log.lines.toString());
        assertEquals(1, warnings(log, "the credentials of its <server> in settings.xml are not sent"),
                log.lines.toString());
        int asked = redirecting.requests.size();
        assertTrue(!read.bring("step d", "d".repeat(64)));
        assertEquals(asked, redirecting.requests.size(), "a tier that redirected is asked no more in this build");
    }

    /** One unsigned entry on {@code s}, pushed from a cache of its own; returns its key. */
    private String pushed(Server s) throws IOException {
        DirectoryStore one = local("pusher");
        String key = entries(one, "big").get(0);
        tiers(one, s.url(), List.of(), null, false, new RecordingLog()).share("big", key);
        assertTrue(s.files.containsKey("/cache/" + key + ".entry"));
        return key;
    }

    private static long bytesIn(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    @Test
    void aSizeTheServerLiesAboutIsRefusedBeforeAnythingIsWritten() throws Exception {
        Server s = server(null);
        String key = pushed(s);
        String entry = "/cache/" + key + ".entry";
        s.files.put(entry, new String(s.files.get(entry)).replaceAll("size [0-9]+", "size 999999999999").getBytes());
        RecordingLog log = new RecordingLog();
        DirectoryStore reader = local("reader");
        assertTrue(!tiers(reader, s.url(), List.of(), null, true, log).bring("big", key));
        assertEquals(1, warnings(log, "more than the build cache's bound"), log.lines.toString());
        assertEquals(0, bytesIn(reader.root().resolve("tmp")), "nothing written");

        // a tarball longer than its entry says, as its Content-Length tells before the body
        Server t = server(null);
        String key2 = pushed(t);
        t.lies.put(".tar.gz", (ex, body) -> {
            ex.sendResponseHeaders(200, body.length + 1_000_000);
            try (var out = ex.getResponseBody()) {
                out.write(body);
                out.write(new byte[1_000_000]);
            }
        });
        RecordingLog log2 = new RecordingLog();
        assertTrue(!tiers(local("reader2"), t.url(), List.of(), null, true, log2).bring("big", key2));
        assertEquals(1, warnings(log2, "and its entry says"), log2.lines.toString());
    }

    @Test
    void aServerThatDripsIsCutOffAtTheDeadlineAndAskedNoMore() throws Exception {
        Server s = server(null);
        String key = pushed(s);
        s.lies.put(".entry", (ex, body) -> {
            ex.sendResponseHeaders(200, body.length);
            try (var out = ex.getResponseBody()) {
                for (byte b : body) { // a byte every 300 ms: never a stall, always too slow
                    out.write(b);
                    out.flush();
                    Thread.sleep(300);
                }
            } catch (InterruptedException | IOException e) {
                // the client went away
            }
        });
        RecordingLog log = new RecordingLog();
        TieredCache read = TieredCache.of(local("reader"), log).withRemote(store(s.url(), List.of(), null, true)
                .withEntryFileDeadline(java.time.Duration.ofSeconds(2)));
        long start = System.nanoTime();
        assertTrue(!read.bring("big", key));
        assertTrue(System.nanoTime() - start < 15_000_000_000L, "cut off near its deadline");
        assertEquals(1, warnings(log, "did not send all of it in 2 s"), log.lines.toString());
        int asked = s.requests.size();
        assertTrue(!read.bring("big", key));
        assertEquals(asked, s.requests.size(), "a tier that timed out is asked no more in this build");
    }

    @Test
    void anEntryThatCannotBeExtractedIsAMissNotAnUnreachableServer() throws Exception {
        Server s = server(null);
        String key = pushed(s);
        String tarball = "/cache/" + key + ".tar.gz";
        // a tarball whose only member escapes the directory it is extracted into, with an entry file to match
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (var gz = new org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream(bytes);
                var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(gz)) {
            var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("entry/../../escape", true);
            e.setSize(1);
            tar.putArchiveEntry(e);
            tar.write('x');
            tar.closeArchiveEntry();
        }
        byte[] hostile = bytes.toByteArray();
        s.files.put(tarball, hostile);
        String entry = "/cache/" + key + ".entry";
        s.files.put(entry, (HttpStore.FORMAT + "\nkey " + key + "\nsha256 " + io.github.puipui.files.Sha256.of(
                hostile) + "\nsize " + hostile.length + "\n").getBytes());
        RecordingLog log = new RecordingLog();
        DirectoryStore reader = local("reader");
        TieredCache read = tiers(reader, s.url(), List.of(), null, true, log);
        assertTrue(!read.bring("big", key));
        assertEquals(1, warnings(log, "served an entry that cannot be used"), log.lines.toString());
        assertEquals(0, warnings(log, "cannot be reached"), log.lines.toString());
        assertTrue(!Files.exists(tmp.resolve("escape")));
        assertTrue(read.has("big", key), "the tier is still in use");
    }

    @Test
    void aLocalHitTheServerLacksIsPushedSignedAndATrustingReaderTakesIt() throws Exception {
        Server s = server(null);
        KeyPair k = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        DirectoryStore one = local("one");
        String key = entries(one, "a").get(0);
        RecordingLog log = new RecordingLog();
        CachedStep.How how = new CachedStep(tiers(one, s.url(), List.of(k.getPublic()), k.getPrivate(), false, log),
                log).run("a", tmp.resolve("out-a"), "step=test\nname=a\n", null,
                partial -> {
                    throw new AssertionError("found in the local cache: nothing to build");
                });
        assertEquals(CachedStep.How.CACHED, how);
        assertTrue(s.files.containsKey("/cache/" + key + ".entry"), "shared with the server: " + s.requests);
        assertTrue(log.lines.stream().anyMatch(l -> l.contains("a: pushed to the remote cache it")), log.lines.toString());
        assertEquals(0, warnings(log, "unsigned"), log.lines.toString());

        // signed: a reader that trusts the key takes it, with no warning but plain http's
        RecordingLog reader = new RecordingLog();
        DirectoryStore two = local("two");
        assertTrue(tiers(two, s.url(), List.of(k.getPublic()), null, false, reader).bring("a", key));
        assertTrue(two.has(key));
        assertEquals(List.of(), reader.lines.stream().filter(l -> l.startsWith("WARN ") && !l.contains("credentials"))
                .toList());
    }

    @Test
    void aServerThatCannotBeReachedIsWarnedOfOncePerBuildAndAgainInTheNext() throws Exception {
        Server s = server(null);
        String url = s.url();
        s.close(); // nothing listens there any more
        KeyPair k = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        for (int build = 1; build <= 2; build++) {
            RecordingLog log = new RecordingLog();
            TieredCache cache = tiers(local("build" + build), url, List.of(k.getPublic()), k.getPrivate(), false, log);
            for (String key : List.of("a".repeat(64), "b".repeat(64), "c".repeat(64))) {
                assertTrue(!cache.has("step", key));
                assertTrue(!cache.bring("step", key));
            }
            assertEquals(1, warnings(log, "cannot be reached"), "build " + build + ": " + log.lines);
            assertTrue(cache.usable(), "the local tier is still used");
        }
    }

    @Test
    void plainHttpIsRefusedForAnyHostButThisMachine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new HttpStore.Config("it",
                URI.create("http://cache.example.org/puipui/"), null, null, false, new EntrySigning(List.of(), null),
                false));
        assertTrue(e.getMessage().contains("must be https://"), e.getMessage());
        for (String ok : List.of("https://cache.example.org/puipui", "http://127.0.0.1:8080/c/", "http://localhost/c",
                "http://[::1]:81/")) {
            new HttpStore.Config("it", URI.create(ok), null, null, false, new EntrySigning(List.of(), null), false);
        }
    }
}
