package io.github.puipui.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import javax.net.ssl.SSLContext;

/** Opens {@code https:}, {@code http:} and {@code file:} locations; the one way bytes enter the build. */
public final class Transport {
    private final HttpClient http;
    private final HttpClient noRedirects;
    private final ProxyConfig proxy;
    private final SSLContext ssl;

    /**
     * An open download: its bytes, their length if the server said (-1 otherwise), and whether they start at the
     * offset asked for (false: the server ignored the range and sends everything from byte 0).
     */
    public record Download(InputStream body, long length, boolean resumed) {
    }

    /** True for plain http to this machine only (a test server): the one place where http is accepted. */
    public static boolean isLocalHttp(String url) {
        return url.matches("^http://(127\\.\\d+\\.\\d+\\.\\d+|localhost|\\[::1\\])(:\\d+)?(/.*)?$");
    }

    public Transport(ProxyConfig proxy) {
        this(proxy, null);
    }

    /** With {@code ssl} (null: the JVM's default) deciding which servers' certificates are trusted. */
    Transport(ProxyConfig proxy, SSLContext ssl) {
        this.proxy = proxy;
        this.ssl = ssl;
        this.http = configured(HttpClient.Redirect.NORMAL);
        this.noRedirects = configured(HttpClient.Redirect.NEVER);
    }

    /** A client through the proxy, following redirects as {@code redirects} says. */
    private HttpClient configured(HttpClient.Redirect redirects) {
        HttpClient.Builder b = client(redirects);
        if (proxy != null) {
            b.proxy(proxy.selector());
            if (authenticates(proxy)) {
                String user = proxy.username();
                char[] pass = proxy.password() == null ? new char[0] : proxy.password().toCharArray();
                b.authenticator(new Authenticator() { // for http: through the proxy; https: goes through a ProxyTunnel
                    @Override
                    protected PasswordAuthentication getPasswordAuthentication() {
                        return getRequestorType() == RequestorType.PROXY ? new PasswordAuthentication(user, pass) : null;
                    }
                });
            }
        }
        return b.build();
    }

    private HttpClient.Builder client(HttpClient.Redirect redirects) {
        HttpClient.Builder b = HttpClient.newBuilder()
                .followRedirects(redirects)
                .connectTimeout(Duration.ofSeconds(30));
        if (ssl != null) {
            b.sslContext(ssl);
        }
        return b;
    }

    private static boolean authenticates(ProxyConfig proxy) {
        return proxy.username() != null && !proxy.username().isEmpty();
    }

    /** Opens the location, or returns empty when it does not exist (HTTP 404/410, no such file). */
    public Optional<Download> open(URI uri) throws IOException {
        return open(uri, 0);
    }

    /** Opens the location from byte {@code offset} on (an HTTP range request), or empty when it does not exist. */
    public Optional<Download> open(URI uri, long offset) throws IOException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        switch (scheme) {
            case "file": {
                Path p = Path.of(uri);
                try {
                    InputStream in = Files.newInputStream(p);
                    in.skipNBytes(offset);
                    return Optional.of(new Download(in, Files.size(p) - offset, true));
                } catch (NoSuchFileException e) {
                    return Optional.empty();
                }
            }
            case "http":
            case "https": {
                HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2))
                        .header("User-Agent", "puipui-maven-plugin").GET();
                if (offset > 0) {
                    rb.header("Range", "bytes=" + offset + "-");
                }
                Exchange x = send(uri, rb, true);
                int code = x.status();
                if (code == 404 || code == 410) {
                    x.body().close();
                    return Optional.empty();
                }
                if (code / 100 != 2) {
                    x.body().close();
                    throw new HttpStatusException(code, uri);
                }
                return Optional.of(new Download(x.body(), x.length(), offset == 0 || code == 206));
            }
            default:
                throw new IOException("unsupported location " + uri + " (use https:, http: or file:)");
        }
    }

    /** An HTTP response: its status, the length of its body if the server said (-1 otherwise), and the body. */
    public record Exchange(int status, long length, InputStream body) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    /** An HTTP status that is neither success nor "not found", with the location it came from. */
    public static final class HttpStatusException extends IOException {
        private final int status;

        public HttpStatusException(int status, URI uri) {
            super("HTTP " + status + " from " + uri);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /**
     * One HTTP request to a server that stores files (a build cache): {@code method} (HEAD, GET or PUT) with
     * {@code headers} and, for PUT, the file {@code upload}; the server must answer within {@code stall}, and a body
     * that stops arriving for that long fails the read. A redirect is not followed: it is the answer, so that the
     * headers (credentials) reach no other server. The caller closes the body.
     */
    public Exchange exchange(String method, URI uri, java.util.Map<String, String> headers, Path upload,
            Duration stall) throws IOException {
        return exchange(method, uri, headers, upload, stall, null);
    }

    /** {@link #exchange(String, URI, java.util.Map, Path, Duration)} whose body must arrive within {@code total}. */
    public Exchange exchange(String method, URI uri, java.util.Map<String, String> headers, Path upload,
            Duration stall, Duration total) throws IOException {
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(stall).header("User-Agent", "puipui-maven-plugin");
        headers.forEach(rb::header);
        rb.method(method, upload == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofFile(upload));
        Exchange x = send(uri, rb, false);
        return new Exchange(x.status(), x.length(), StallGuard.guard(x.body(), stall, total, uri));
    }

    /**
     * Sends a request, following redirects or not, through a tunnel of its own for https behind an authenticating
     * proxy.
     */
    private Exchange send(URI uri, HttpRequest.Builder rb, boolean followRedirects) throws IOException {
        HttpClient client = followRedirects ? http : noRedirects;
        ProxyTunnel tunnel = null;
        if (uri.getScheme().equals("https") && proxy != null && authenticates(proxy) && !proxy.bypasses(uri.getHost())) {
            tunnel = new ProxyTunnel(proxy);
            client = client(followRedirects ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER)
                    .proxy(ProxySelector.of(tunnel.address())).build();
            rb.header(ProxyTunnel.TOKEN_HEADER, tunnel.token());
        }
        try {
            HttpResponse<InputStream> resp;
            try {
                resp = client.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while connecting to " + uri, e);
            } catch (java.net.http.HttpTimeoutException e) {
                throw new IOException("no answer from " + uri + " in time (" + e.getMessage() + ")", e);
            }
            int code = resp.statusCode();
            InputStream raw = resp.body() == null ? InputStream.nullInputStream() : resp.body();
            if (code == 407 && proxy != null) {
                raw.close();
                throw new IOException("the proxy " + proxy.host() + ":" + proxy.port() + " wants a user name and"
                        + " password (HTTP 407) for " + uri + (authenticates(proxy)
                                ? ", and refused those of its <proxy> in settings.xml"
                                : ": give them in its <proxy> in settings.xml"));
            }
            long len = resp.headers().firstValueAsLong("Content-Length").orElse(-1L);
            InputStream body = tunnel == null ? raw : closingToo(raw, tunnel);
            return new Exchange(code, len, body);
        } catch (IOException | RuntimeException e) {
            closeQuietly(tunnel);
            throw e;
        }
    }

    private static void closeQuietly(ProxyTunnel tunnel) {
        if (tunnel != null) {
            tunnel.close();
        }
    }

    /** The body, which closes the download's tunnel when it is closed. */
    private static InputStream closingToo(InputStream body, ProxyTunnel tunnel) {
        return new java.io.FilterInputStream(body) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    tunnel.close();
                }
            }
        };
    }

    public static boolean isLocal(URI uri) {
        return "file".equals(uri.getScheme());
    }
}
