package io.github.puipui.fetch;

import io.github.puipui.files.Sha256;
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
    /** Where it looks before upstream, in order. */
    public List<URI> mirrors() {
        return mirrors;
    }

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

    /**
     * What went wrong, in words: the message of the exception or of its first cause that has one (the JDK's HTTP
     * client throws a {@code ConnectException} without a message around an {@code UnresolvedAddressException}).
     */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
            if (t instanceof java.nio.channels.UnresolvedAddressException) {
                return "the host name does not resolve (no network, or no DNS for it here)";
            }
        }
        return e.getClass().getSimpleName();
    }

    /** A source archive in the cache and its digest. */
    public record Fetched(Source source, Path file, String sha256) {
        /**
         * Extracts the verified archive into {@code target} (unless a complete extraction of these bytes is already
         * there) and returns its single top-level directory: the one way from a fetched source to a tree.
         */
        public Path extractTree(Path target) throws java.io.IOException {
            return new Extractor(Extractor.Kind.SOURCE).extractTree(file, sha256, target);
        }

    }

    /**
     * The digests a fetch of {@code source} may give, known without fetching: those of the accepted files this
     * machine's cache holds first (a fetch takes them), then the declared file's, then the alternatives'. A step's
     * likely keys are made from them, so that a step the build cache has needs no source at all.
     */
    public List<String> likelyDigests(Source source) {
        List<String> held = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (Source.Alternative k : source.knownDigests()) {
            (cache.holds(k.sha256()) ? held : others).add(k.sha256());
        }
        held.addAll(others);
        return held;
    }

    public Fetched fetch(Source source) throws FetchException {
        try {
            return doFetch(source);
        } catch (IOException e) {
            throw new FetchException("cannot fetch " + source + ": " + reason(e), e);
        }
    }

    private Fetched doFetch(Source source) throws IOException, FetchException {
        List<Source.Alternative> known = source.knownDigests();
        for (Source.Alternative k : known) {
            Optional<Path> hit = cache.find(k.sha256());
            if (hit.isPresent()) {
                log.debug(source.name() + ": cached " + hit.get());
                return new Fetched(source, hit.get(), k.sha256());
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
                    Optional<Path> got = download(mirror.resolve(k.file()), k.file(), k.sha256());
                    if (got.isPresent()) {
                        return new Fetched(source, got.get(), k.sha256());
                    }
                } catch (FetchException e) {
                    // wrong bytes, a stalled or oversized body: the next location may do better
                    log.warn(e.getMessage() + "; trying the next location");
                    mismatches.add(e.getMessage());
                }
            }
        }
        String skipped = mismatches.isEmpty() ? "" : "\n  skipped:\n    " + String.join("\n    ", mismatches);
        URI upstream = URI.create(source.url());
        if (offline && !Transport.isLocal(upstream)) {
            throw new FetchException("offline: " + describe(source, known) + " is neither in the cache "
                    + cache.root() + " nor on a file: mirror. Build once online, or point -Dpuipui.mirrors "
                    + "(or PUIPUI_MIRRORS) at a directory holding it." + skipped);
        }
        Optional<Path> got = download(upstream, source.file(), source.sha256());
        if (got.isEmpty()) {
            throw new FetchException(source.file() + " not found at " + upstream
                    + (mirrors.isEmpty() ? "" : " nor on the mirrors " + mirrors) + skipped);
        }
        return new Fetched(source, got.get(), source.sha256());
    }

    private static String describe(Source source, List<Source.Alternative> known) {
        StringBuilder sb = new StringBuilder(source.name() + " " + source.version() + " (");
        for (int i = 0; i < known.size(); i++) {
            sb.append(i == 0 ? "" : " or ").append(known.get(i).file()).append(" sha256 ")
                    .append(known.get(i).sha256());
        }
        return sb.append(")").toString();
    }

    /**
     * How downloads are bounded: a download that receives nothing for {@code idleTimeout} is broken off; a broken or
     * failed download is tried {@code attempts} times in all, {@code backoff} doubling between tries, resumed where it
     * stopped when the server honours ranges; a body larger than {@code maxBytes} is refused before it fills the disk.
     */
    public record Limits(java.time.Duration idleTimeout, int attempts, java.time.Duration backoff, long maxBytes) {
        /** 60 s idle, 4 attempts 2 s apart (doubling), 4 GiB. */
        public static final Limits DEFAULT = new Limits(java.time.Duration.ofSeconds(60), 4, java.time.Duration.ofSeconds(2),
                4L << 30);
    }

    private Limits limits = Limits.DEFAULT;

    /** The same fetcher with other download bounds. */
    public Fetcher withLimits(Limits l) {
        this.limits = l;
        return this;
    }

    /** Copies {@code from} into the cache if it exists and has {@code sha256}; empty if it does not exist. */
    private Optional<Path> download(URI from, String fileName, String sha256) throws IOException, FetchException {
        Optional<Transport.Download> opened = transport.open(from, 0);
        if (opened.isEmpty()) {
            log.debug("not at " + from);
            return Optional.empty();
        }
        Path tmp = cache.newTempFile(fileName);
        try {
            MessageDigest md = Sha256.newDigest();
            long done = 0;
            long backoff = limits.backoff().toMillis();
            for (int attempt = 1; ; attempt++) {
                try {
                    Transport.Download d = attempt == 1 ? opened.get() : transport.open(from, done).orElseThrow(
                            () -> new IOException(fileName + " is no longer at " + from));
                    if (done > 0 && !d.resumed()) {
                        md = Sha256.newDigest(); // the server sends everything again: start over
                        done = 0;
                        Files.write(tmp, new byte[0]);
                    }
                    long total = d.length() < 0 ? -1 : done + d.length();
                    if (total > limits.maxBytes()) {
                        d.body().close();
                        throw new FetchLimitException(fileName + " from " + from + " is " + total
                                + " bytes, more than the " + limits.maxBytes() + " a source may have");
                    }
                    try (InputStream in = d.body(); OutputStream out = Files.newOutputStream(tmp,
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) {
                        done = copyHashing(in, out, md, done, total, fileName, from);
                    }
                    break;
                } catch (FetchLimitException e) {
                    throw new FetchException(e.getMessage() + "; nothing was cached", e);
                } catch (IOException e) {
                    done = Files.size(tmp); // what reached the file is what the digest has seen
                    if (attempt >= limits.attempts()) {
                        throw new FetchException("download of " + fileName + " from " + from + " failed " + attempt
                                + " times; " + done + " bytes received: " + e.getMessage() + " (nothing was cached)", e);
                    }
                    log.warn("download of " + fileName + " from " + from + " broke off after " + done + " bytes ("
                            + e.getMessage() + "); trying again in " + backoff / 1000.0 + " s");
                    try {
                        Thread.sleep(backoff);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while downloading " + fileName, ie);
                    }
                    backoff *= 2;
                }
            }
            String actual = Sha256.hex(md.digest());
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

    /**
     * Copies {@code in} to {@code out}, hashing into {@code md}, from byte {@code done} on; returns the bytes done,
     * with a progress line every few seconds. A body that sends nothing for the idle timeout fails as stalled
     * ({@link StallGuard}).
     */
    private long copyHashing(InputStream in, OutputStream out, MessageDigest md, long done, long length, String fileName,
            URI from) throws IOException {
        long start = System.nanoTime();
        long[] lastReport = {start};
        boolean remote = !Transport.isLocal(from);
        if (remote) {
            log.info((done > 0 ? "resuming " : "downloading ") + fileName + " from " + from
                    + (done > 0 ? " at byte " + done : "") + (length > 0 ? " (" + mib(length) + ")" : ""));
        }
        long startedAt = done;
        try (InputStream guarded = StallGuard.guard(in, limits.idleTimeout(), from)) {
            return Sha256.copy(guarded, out, md, done, limits.maxBytes(), now -> {
                long t = System.nanoTime();
                if (remote && t - lastReport[0] > PROGRESS_INTERVAL_NANOS) {
                    lastReport[0] = t;
                    double secs = (t - start) / 1e9;
                    log.info("  " + fileName + ": " + mib(now) + (length > 0 ? " of " + mib(length)
                            + String.format(" (%d%%)", now * 100 / length) : "")
                            + String.format(", %.1f MiB/s", (now - startedAt) / 1048576.0 / secs));
                }
            });
        } catch (Sha256.TooLongException e) {
            throw new FetchLimitException(fileName + " from " + from + " is larger than the " + limits.maxBytes()
                    + " bytes a source may have");
        }
    }

    /** A body over the size bound: not worth another attempt. */
    private static final class FetchLimitException extends IOException {
        FetchLimitException(String message) {
            super(message);
        }
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }
}
