package io.github.puipui.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Opens {@code https:}, {@code http:} and {@code file:} locations; the one way bytes enter the build. */
public final class Transport {
    private final HttpClient http;

    /**
     * An open download: its bytes, their length if the server said (-1 otherwise), and whether they start at the
     * offset asked for (false: the server ignored the range and sends everything from byte 0).
     */
    public record Download(InputStream body, long length, boolean resumed) {
    }

    public Transport(ProxyConfig proxy) {
        HttpClient.Builder b = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30));
        if (proxy != null) {
            b.proxy(proxy.selector());
            if (proxy.username() != null && !proxy.username().isEmpty()) {
                String user = proxy.username();
                char[] pass = proxy.password() == null ? new char[0] : proxy.password().toCharArray();
                b.authenticator(new Authenticator() {
                    @Override
                    protected PasswordAuthentication getPasswordAuthentication() {
                        return getRequestorType() == RequestorType.PROXY ? new PasswordAuthentication(user, pass) : null;
                    }
                });
            }
        }
        this.http = b.build();
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
                HttpRequest req = rb.build();
                HttpResponse<InputStream> resp;
                try {
                    resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while connecting to " + uri, e);
                }
                int code = resp.statusCode();
                if (code == 404 || code == 410) {
                    resp.body().close();
                    return Optional.empty();
                }
                if (code / 100 != 2) {
                    resp.body().close();
                    throw new IOException("HTTP " + code + " from " + uri);
                }
                long len = resp.headers().firstValueAsLong("Content-Length").orElse(-1L);
                return Optional.of(new Download(resp.body(), len, offset == 0 || code == 206));
            }
            default:
                throw new IOException("unsupported location " + uri + " (use https:, http: or file:)");
        }
    }

    public static boolean isLocal(URI uri) {
        return "file".equals(uri.getScheme());
    }
}
