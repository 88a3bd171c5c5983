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
    private final ProxyConfig proxy;
    private final SSLContext ssl;

    /**
     * An open download: its bytes, their length if the server said (-1 otherwise), and whether they start at the
     * offset asked for (false: the server ignored the range and sends everything from byte 0).
     */
    public record Download(InputStream body, long length, boolean resumed) {
    }

    public Transport(ProxyConfig proxy) {
        this(proxy, null);
    }

    /** With {@code ssl} (null: the JVM's default) deciding which servers' certificates are trusted. */
    Transport(ProxyConfig proxy, SSLContext ssl) {
        this.proxy = proxy;
        this.ssl = ssl;
        HttpClient.Builder b = client();
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
        this.http = b.build();
    }

    private HttpClient.Builder client() {
        HttpClient.Builder b = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
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
                HttpClient client = http;
                ProxyTunnel tunnel = null;
                if (scheme.equals("https") && proxy != null && authenticates(proxy) && !proxy.bypasses(uri.getHost())) {
                    tunnel = new ProxyTunnel(proxy);
                    client = client().proxy(ProxySelector.of(tunnel.address())).build();
                    rb.header(ProxyTunnel.TOKEN_HEADER, tunnel.token());
                }
                try {
                    HttpResponse<InputStream> resp;
                    try {
                        resp = client.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while connecting to " + uri, e);
                    }
                    int code = resp.statusCode();
                    if (code / 100 != 2 && resp.body() != null) {
                        resp.body().close();
                    }
                    if (code == 404 || code == 410) {
                        closeQuietly(tunnel);
                        return Optional.empty();
                    }
                    if (code == 407 && proxy != null) {
                        throw new IOException("the proxy " + proxy.host() + ":" + proxy.port() + " wants a user name and"
                                + " password (HTTP 407) for " + uri + (authenticates(proxy)
                                        ? ", and refused those of its <proxy> in settings.xml"
                                        : ": give them in its <proxy> in settings.xml"));
                    }
                    if (code / 100 != 2) {
                        throw new IOException("HTTP " + code + " from " + uri);
                    }
                    long len = resp.headers().firstValueAsLong("Content-Length").orElse(-1L);
                    InputStream body = tunnel == null ? resp.body() : closingToo(resp.body(), tunnel);
                    return Optional.of(new Download(body, len, offset == 0 || code == 206));
                } catch (IOException | RuntimeException e) {
                    closeQuietly(tunnel);
                    throw e;
                }
            }
            default:
                throw new IOException("unsupported location " + uri + " (use https:, http: or file:)");
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
