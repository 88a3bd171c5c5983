package io.github.puipui.fetch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens HTTPS tunnels through a proxy that wants a user name and password. The JDK's HTTP client does not send Basic
 * credentials in a {@code CONNECT} request (the JVM-wide {@code jdk.http.auth.tunneling.disabledSchemes} property,
 * read once, decides, and Maven 4 has already read it for its own downloads), so the client is pointed at this
 * relay instead: it listens on the loopback address, takes a {@code CONNECT} only together with a random token that
 * only this process knows ({@link #TOKEN_HEADER}, which the client sends in {@code CONNECT} requests only), replaces
 * the token by the proxy's {@code Proxy-Authorization}, and passes the bytes both ways. The TLS session runs end to
 * end through it, so it sees nothing of the download. One relay serves one download and is closed with it.
 */
final class ProxyTunnel implements AutoCloseable {
    /** The header that carries the relay's token; headers named {@code Proxy-…} are the ones a client puts in CONNECT. */
    static final String TOKEN_HEADER = "Proxy-Puipui-Relay";

    private static final int MAX_HEAD = 16 * 1024;

    /**
     * Connections relayed at once; one download needs one. Past the bound a connection is answered 503 and closed at
     * once, so that a flood of connections from another local process costs no thread each.
     */
    static final int MAX_CONNECTIONS = 16;

    /** How long a connection may take to send its CONNECT request. */
    static final int HEAD_TIMEOUT_MILLIS = 10_000;

    private final java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(MAX_CONNECTIONS);

    private final ProxyConfig proxy;
    private final String token;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    ProxyTunnel(ProxyConfig proxy) throws IOException {
        this.proxy = proxy;
        byte[] t = new byte[16];
        new SecureRandom().nextBytes(t);
        this.token = HexFormat.of().formatHex(t);
        this.server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptAll, "puipui-proxy-relay");
        accept.setDaemon(true);
        accept.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    String token() {
        return token;
    }

    /** Connections being relayed now. */
    int busy() {
        return MAX_CONNECTIONS - slots.availablePermits();
    }

    /** Stops taking connections and ends the open ones (the HTTP client may keep a finished one for reuse). */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private void acceptAll() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (!slots.tryAcquire()) {
                    refuse(client, "503 Service Unavailable");
                    continue;
                }
                Thread t = new Thread(() -> {
                    try {
                        relay(client);
                    } finally {
                        slots.release();
                    }
                }, "puipui-proxy-relay-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void refuse(Socket client, String status) {
        try (client) {
            client.setSoTimeout(1_000);
            client.getOutputStream().write(("HTTP/1.1 " + status + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // the client went away first
        }
    }

    /** Compares the token in time independent of where the strings differ, so that timing cannot guess it. */
    private boolean isToken(String value) {
        return java.security.MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }

    private void relay(Socket client) {
        open.add(client);
        try (client) {
            client.setSoTimeout(HEAD_TIMEOUT_MILLIS);
            String head = readHead(client.getInputStream());
            String[] lines = head.split("\r\n");
            String[] request = lines[0].split(" ");
            boolean tokenOk = false;
            StringBuilder forward = new StringBuilder(lines[0]).append("\r\n");
            for (int i = 1; i < lines.length; i++) {
                String name = lines[i].contains(":") ? lines[i].substring(0, lines[i].indexOf(':')).trim() : "";
                String value = lines[i].substring(lines[i].indexOf(':') + 1).trim();
                if (name.equalsIgnoreCase(TOKEN_HEADER)) {
                    tokenOk = isToken(value);
                } else if (!name.equalsIgnoreCase("Proxy-Authorization") && !name.isEmpty()) {
                    forward.append(lines[i]).append("\r\n");
                }
            }
            if (request.length != 3 || !request[0].equals("CONNECT") || !tokenOk) {
                refuse(client, "403 Forbidden");
                return;
            }
            String credentials = proxy.username() + ":" + (proxy.password() == null ? "" : proxy.password());
            forward.append("Proxy-Authorization: Basic ")
                    .append(Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                    .append("\r\n\r\n");
            try (Socket upstream = new Socket()) {
                open.add(upstream);
                upstream.connect(new InetSocketAddress(proxy.host(), proxy.port()), 30_000);
                upstream.getOutputStream().write(forward.toString().getBytes(StandardCharsets.ISO_8859_1));
                upstream.getOutputStream().flush();
                client.setSoTimeout(0); // from here the download's own idle timeout watches the bytes
                Thread back = new Thread(() -> pipe(upstream, client), "puipui-proxy-relay-back");
                back.setDaemon(true);
                back.start();
                pipe(client, upstream);
                back.join();
            }
        } catch (IOException | RuntimeException e) {
            // the client sees the connection end and reports the failed download
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(client);
        }
    }

    /** Copies until {@code from} ends, then ends the other direction's output. */
    private static void pipe(Socket from, Socket to) {
        byte[] buf = new byte[1 << 16];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            try {
                to.close();
                from.close();
            } catch (IOException ignored) {
                // both ends are closing
            }
        }
    }

    /** The request head up to the empty line, read byte by byte so that nothing after it is consumed. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0 || head.size() >= MAX_HEAD) {
                throw new IOException("no complete request head");
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
                    : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1).trim();
    }
}
