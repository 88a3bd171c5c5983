package io.github.puipui.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * An HTTPS download through a real CONNECT proxy on the loopback address that demands a user name and password,
 * as corporate proxies do: the JDK's client alone never sends Basic credentials in a CONNECT request.
 */
class ProxyTunnelTest {
    private static final char[] PASS = "changeit".toCharArray();

    @TempDir
    Path tmp;

    private final byte[] payload = new byte[300_000];
    private final List<String> originHeaders = new CopyOnWriteArrayList<>();
    private HttpsServer origin;
    private SSLContext clientSsl;
    private AuthenticatingProxy proxy;

    @BeforeEach
    void start() throws Exception {
        new Random(7).nextBytes(payload);
        Path ks = tmp.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "origin", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                ks.toString(), "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true)
                .redirectOutput(tmp.resolve("keytool.log").toFile()).start();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, () -> read(tmp.resolve("keytool.log")));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            keys.load(in, PASS);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASS);
        SSLContext serverSsl = SSLContext.getInstance("TLS");
        serverSsl.init(kmf.getKeyManagers(), null, null);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("origin", keys.getCertificate("origin"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        clientSsl = SSLContext.getInstance("TLS");
        clientSsl.init(null, tmf.getTrustManagers(), null);

        origin = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        origin.setHttpsConfigurator(new HttpsConfigurator(serverSsl));
        origin.createContext("/", ex -> {
            ex.getRequestHeaders().forEach((k, v) -> originHeaders.add(k.toLowerCase(java.util.Locale.ROOT)));
            ex.sendResponseHeaders(200, payload.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(payload);
            }
        });
        origin.start();
        proxy = new AuthenticatingProxy("builder", "s3cret");
    }

    @AfterEach
    void stop() throws IOException {
        origin.stop(0);
        proxy.close();
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private URI url() {
        return URI.create("https://localhost:" + origin.getAddress().getPort() + "/pkg-1.0.tar.gz");
    }

    private byte[] download(String user, String password) throws IOException {
        Transport t = new Transport(new ProxyConfig("127.0.0.1", proxy.port(), user, password, null), clientSsl);
        try (InputStream in = t.open(url()).orElseThrow().body()) {
            return in.readAllBytes();
        }
    }

    @Test
    void anHttpsDownloadGoesThroughAProxyThatWantsAPassword() throws Exception {
        assertArrayEquals(payload, download("builder", "s3cret"));
        assertEquals(1, proxy.tunnels.size(), "one tunnel, opened with the credentials");
        assertTrue(proxy.tunnels.get(0).startsWith("CONNECT localhost:" + origin.getAddress().getPort() + " "),
                proxy.tunnels.get(0));
        for (String head : proxy.heads) {
            assertFalse(head.toLowerCase(java.util.Locale.ROOT).contains(ProxyTunnel.TOKEN_HEADER.toLowerCase(
                    java.util.Locale.ROOT)), "the relay's token stays in this process: " + head);
        }
        assertFalse(originHeaders.contains(ProxyTunnel.TOKEN_HEADER.toLowerCase(java.util.Locale.ROOT)),
                "the relay's token does not reach the server: " + originHeaders);
    }

    @Test
    void aProxyRefusingTheCredentialsIsNamedInTheError() {
        IOException e = assertThrows(IOException.class, () -> download("builder", "wrong"));
        assertTrue(e.getMessage().contains("127.0.0.1:" + proxy.port()) && e.getMessage().contains("HTTP 407")
                && e.getMessage().contains("settings.xml"), e.getMessage());
        assertEquals(List.of(), proxy.tunnels);
    }

    @Test
    void theRelayRefusesAConnectWithoutItsToken() throws Exception {
        try (ProxyTunnel relay = new ProxyTunnel(new ProxyConfig("127.0.0.1", proxy.port(), "builder", "s3cret", null));
                Socket s = new Socket(relay.address().getAddress(), relay.address().getPort())) {
            s.getOutputStream().write(("CONNECT localhost:" + origin.getAddress().getPort() + " HTTP/1.1\r\n"
                    + ProxyTunnel.TOKEN_HEADER + ": guessed\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 403"), answer);
        }
        assertEquals(List.of(), proxy.heads, "nothing reached the proxy");
    }

    @Test
    void connectionsPastTheBoundAreAnsweredAtOnceAndCostNoThread() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try (ProxyTunnel relay = new ProxyTunnel(new ProxyConfig("127.0.0.1", proxy.port(), "builder", "s3cret", null))) {
            for (int i = 0; i < ProxyTunnel.MAX_CONNECTIONS; i++) {
                idle.add(new Socket(relay.address().getAddress(), relay.address().getPort())); // never sends a request
            }
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            while (relay.busy() < ProxyTunnel.MAX_CONNECTIONS && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(ProxyTunnel.MAX_CONNECTIONS, relay.busy(), "every idle connection holds a slot");
            try (Socket extra = new Socket(relay.address().getAddress(), relay.address().getPort())) {
                extra.setSoTimeout(5_000); // well under the relay's wait for a request head
                String answer = new String(extra.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
            }
            assertEquals(ProxyTunnel.MAX_CONNECTIONS, relay.busy(), "the refused connection took no slot");
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
        assertEquals(List.of(), proxy.heads, "nothing reached the proxy");
    }

    /** A CONNECT-only proxy that answers 407 unless the request carries its Basic credentials. */
    static final class AuthenticatingProxy implements AutoCloseable {
        final List<String> heads = new CopyOnWriteArrayList<>();
        final List<String> tunnels = new CopyOnWriteArrayList<>();
        private final ServerSocket server;
        private final String expected;

        AuthenticatingProxy(String user, String password) throws IOException {
            expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket c = server.accept();
                        Thread h = new Thread(() -> handle(c));
                        h.setDaemon(true);
                        h.start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void handle(Socket c) {
            try (c) {
                String head = head(c.getInputStream());
                heads.add(head);
                String[] lines = head.split("\r\n");
                boolean authorized = List.of(lines).stream().anyMatch(l -> l.regionMatches(true, 0,
                        "Proxy-Authorization:", 0, 20) && l.substring(20).trim().equals(expected));
                OutputStream out = c.getOutputStream();
                if (!lines[0].startsWith("CONNECT ") || !authorized) {
                    out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\""
                            + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    return;
                }
                tunnels.add(lines[0]);
                String[] target = lines[0].split(" ")[1].split(":");
                try (Socket up = new Socket(target[0], Integer.parseInt(target[1]))) {
                    out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread back = new Thread(() -> copy(up, c));
                    back.setDaemon(true);
                    back.start();
                    copy(c, up);
                    back.join();
                }
            } catch (IOException | InterruptedException e) {
                // the test sees the download fail
            }
        }

        private static void copy(Socket from, Socket to) {
            try {
                from.getInputStream().transferTo(to.getOutputStream());
                to.shutdownOutput();
            } catch (IOException e) {
                // one side closed
            }
        }

        private static String head(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (!b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("closed before the end of the head");
                }
                b.write(c);
            }
            return b.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
