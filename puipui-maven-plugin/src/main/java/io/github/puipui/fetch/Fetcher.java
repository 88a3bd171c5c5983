package io.github.puipui.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.puipui.BuildLog;

/**
 * Resolves a {@link Source} to a verified file in the {@link SourceCache}: cache first, then each mirror (by file
 * name, for every file name whose digest is known), then the upstream URL. Bytes are hashed while they are written
 * to a temporary file; only a file with the expected digest is moved into the cache. Offline, only the cache and
 * {@code file:} mirrors are used.
 */
public final class Fetcher {
    private static final long PROGRESS_INTERVAL_NANOS = 5_000_000_000L;

    private final SourceCache cache;
    private final Transport transport;
    private final List<URI> mirrors;
    private final boolean offline;
    private final BuildLog log;

    public Fetcher(SourceCache cache, Transport transport, List<URI> mirrors, boolean offline, BuildLog log) {
        this.cache = cache;
        this.transport = transport;
        this.mirrors = List.copyOf(mirrors);
        this.offline = offline;
        this.log = log;
    }

    /**
     * Parses a mirror list: entries separated by commas or whitespace, each a URL ({@code https:}, {@code http:},
     * {@code file:}) or a directory path.
     */
    public static List<URI> parseMirrors(String spec) {
        List<URI> out = new ArrayList<>();
        if (spec == null) {
            return out;
        }
        for (String entry : spec.split("[,\\s]+")) {
            if (entry.isBlank()) {
                continue;
            }
            URI uri = entry.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !entry.matches("^[a-zA-Z]:\\\\.*")
                    ? URI.create(entry) : Path.of(entry).toAbsolutePath().toUri();
            String s = uri.toString();
            out.add(s.endsWith("/") ? uri : URI.create(s + "/"));
        }
        return out;
    }

    /** A source archive in the cache and its digest. */
    public record Fetched(Source source, Path file, String sha256) {
    }

    public Fetched fetch(Source source) throws FetchException {
        try {
            return doFetch(source);
        } catch (IOException e) {
            throw new FetchException("cannot fetch " + source + ": " + e.getMessage(), e);
        }
    }

    private Fetched doFetch(Source source) throws IOException, FetchException {
        List<Source.Alternative> known = source.knownDigests();
        for (Source.Alternative k : known) {
            Optional<Path> hit = cache.find(k.getSha256());
            if (hit.isPresent()) {
                log.debug(source.getName() + ": cached " + hit.get());
                return new Fetched(source, hit.get(), k.getSha256());
            }
        }
        // a mirror holding other bytes under the name (a captive portal's page, a stale file) is skipped
        List<String> mismatches = new ArrayList<>();
        for (URI mirror : mirrors) {
            if (offline && !Transport.isLocal(mirror)) {
                continue;
            }
            for (Source.Alternative k : known) {
                try {
                    Optional<Path> got = download(mirror.resolve(k.getFile()), k.getFile(), k.getSha256());
                    if (got.isPresent()) {
                        return new Fetched(source, got.get(), k.getSha256());
                    }
                } catch (ChecksumMismatchException e) {
                    log.warn(e.getMessage() + "; trying the next location");
                    mismatches.add(e.getMessage());
                }
            }
        }
        String skipped = mismatches.isEmpty() ? "" : "\n  skipped for a wrong digest:\n    " + String.join("\n    ", mismatches);
        URI upstream = URI.create(source.getUrl());
        if (offline && !Transport.isLocal(upstream)) {
            throw new FetchException("offline: " + describe(source, known) + " is neither in the cache "
                    + cache.root() + " nor on a file: mirror. Build once online, or point -Dpuipui.mirrors "
                    + "(or PUIPUI_MIRRORS) at a directory holding it." + skipped);
        }
        Optional<Path> got = download(upstream, source.getFile(), source.getSha256());
        if (got.isEmpty()) {
            throw new FetchException(source.getFile() + " not found at " + upstream
                    + (mirrors.isEmpty() ? "" : " nor on the mirrors " + mirrors) + skipped);
        }
        return new Fetched(source, got.get(), source.getSha256());
    }

    private static String describe(Source source, List<Source.Alternative> known) {
        StringBuilder sb = new StringBuilder(source.getName() + " " + source.getVersion() + " (");
        for (int i = 0; i < known.size(); i++) {
            sb.append(i == 0 ? "" : " or ").append(known.get(i).getFile()).append(" sha256 ")
                    .append(known.get(i).getSha256());
        }
        return sb.append(")").toString();
    }

    /** Copies {@code from} into the cache if it exists and has {@code sha256}; empty if it does not exist. */
    private Optional<Path> download(URI from, String fileName, String sha256) throws IOException, FetchException {
        Optional<Transport.Download> opened = transport.open(from);
        if (opened.isEmpty()) {
            log.debug("not at " + from);
            return Optional.empty();
        }
        Path tmp = cache.newTempFile(fileName);
        try {
            String actual;
            try (InputStream in = opened.get().body(); OutputStream out = Files.newOutputStream(tmp)) {
                actual = copyHashing(in, out, opened.get().length(), fileName, from);
            }
            if (!actual.equals(sha256)) {
                throw new ChecksumMismatchException(fileName, from.toString(), sha256, actual);
            }
            Path stored = cache.store(sha256, fileName, tmp);
            log.info("verified " + fileName + " (sha256 " + sha256 + ") from " + from);
            return Optional.of(stored);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private String copyHashing(InputStream in, OutputStream out, long length, String fileName, URI from)
            throws IOException {
        MessageDigest md = Sha256.newDigest();
        byte[] buf = new byte[1 << 16];
        long done = 0;
        long start = System.nanoTime();
        long lastReport = start;
        boolean remote = !Transport.isLocal(from);
        if (remote) {
            log.info("downloading " + fileName + " from " + from + (length > 0 ? " (" + mib(length) + ")" : ""));
        }
        for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
            out.write(buf, 0, n);
            done += n;
            long now = System.nanoTime();
            if (remote && now - lastReport > PROGRESS_INTERVAL_NANOS) {
                lastReport = now;
                double secs = (now - start) / 1e9;
                log.info("  " + fileName + ": " + mib(done) + (length > 0 ? " of " + mib(length)
                        + String.format(" (%d%%)", done * 100 / length) : "")
                        + String.format(", %.1f MiB/s", done / 1048576.0 / secs));
            }
        }
        return Sha256.hex(md.digest());
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }
}
