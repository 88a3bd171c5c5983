package io.github.puipui.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import io.github.puipui.fetch.Extractor;
import io.github.puipui.fetch.Transport;
import io.github.puipui.files.FileTrees;
import io.github.puipui.files.ReproducibleTar;
import io.github.puipui.files.Sha256;

/**
 * Entries on any HTTP(S) server that answers HEAD and GET, and PUT to write: nginx with {@code dav_methods PUT},
 * Apache httpd's mod_dav, a raw repository of Artifactory or Nexus. Its keys are the local cache's, as strict (the
 * host's compiler included): it serves machines built from one image, such as a CI fleet.
 * <p>
 * An entry travels as two files under the store's URL:
 * <pre>
 * KEY.tar.gz   the entry (INPUTS, MANIFEST, files/) as a reproducible gzip tarball
 * KEY.entry    written last: "puipui-cache-entry 1", the key, the tarball's sha256 and size, and, when the pusher
 *              has a signing key, its signature line over the lines before it ({@link EntrySigning})
 * </pre>
 * A reader asks for {@code KEY.entry} first, so an entry is not there until its last file is. Before an entry is
 * delivered, the tarball must match the entry file's digest and size, and the entry file must be signed by a trusted
 * key (as Nix requires signatures of its binary caches), unless unsigned entries are accepted.
 * <p>
 * The client bounds everything: the entry file is read whole within {@code entryFileDeadline}; the tarball is at most
 * {@code maxBytes}, checked against the entry file and {@code Content-Length} before anything is written, and must
 * arrive within 60 s plus 1 s per {@value #MIN_RATE} bytes; any response that stops for 10 s is cut off. The URL is
 * https, or plain http to this machine only. Credentials go to that origin only: never over plain http, and a redirect
 * is not followed (it is a failure of the store), so no other server receives them.
 */
public final class HttpStore implements EntryStore {
    /**
     * Where the store is and how to use it: the server's id (its {@code settings.xml} credentials), the URL of its
     * directory (https, or plain http to this machine), the user name and password (or null), whether to push, the
     * keys entries are signed and checked with, and whether entries are taken unsigned when no key is trusted (else
     * none is taken).
     */
    public record Config(String serverId, URI url, String username, String password, boolean push,
            EntrySigning signing, boolean acceptUnsigned) {
        public Config {
            String u = url.toString();
            if (!u.startsWith("https://") && !Transport.isLocalHttp(u)) {
                throw new IllegalArgumentException("the remote cache's URL must be https:// (plain http only to this"
                        + " machine, for a test server); got " + u);
            }
            url = URI.create(u.endsWith("/") ? u : u + "/");
        }

        /** True when requests carry the credentials: there are some, and the URL is https. */
        boolean sendsCredentials() {
            return username != null && url.getScheme().equals("https");
        }
    }

    static final String FORMAT = "puipui-cache-entry 1";
    private static final Duration STALL = Duration.ofSeconds(10);
    /** The slowest rate a tarball may arrive at (on top of a fixed allowance), in bytes per second. */
    static final long MIN_RATE = 100_000;
    private static final Duration UPLOAD = Duration.ofMinutes(10);

    private final Config config;
    private final Transport transport;
    private final long maxBytes;
    private Duration entryFileDeadline = Duration.ofSeconds(30);
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();

    /** {@code maxBytes}: the largest tarball taken (the local cache's bound). */
    public HttpStore(Config config, Transport transport, long maxBytes) {
        this.config = config;
        this.transport = transport;
        this.maxBytes = maxBytes;
    }

    public Config config() {
        return config;
    }

    /** With the entry file's deadline {@code d} (tests of a dripping server). */
    HttpStore withEntryFileDeadline(Duration d) {
        this.entryFileDeadline = d;
        return this;
    }

    @Override
    public String describe() {
        return name() + " (" + config.url() + ")";
    }

    @Override
    public String name() {
        return "the remote cache " + config.serverId();
    }

    /** Whether entries are read: when keys are trusted (each entry then needs a signature), or unsigned ones taken. */
    public boolean readable() {
        return !config.signing().trustedKeys().isEmpty() || config.acceptUnsigned();
    }

    public boolean writable() {
        return config.push();
    }

    /** What a reader should know of this store's settings, said once per build when it is first read. */
    public List<String> readNotices() {
        List<String> out = new ArrayList<>();
        if (config.signing().trustedKeys().isEmpty() && config.acceptUnsigned()) {
            out.add(describe() + ": taking entries that no trusted key signed (puipui.remoteCache.acceptUnsigned):"
                    + " anyone who can write to it can change what this build runs");
        } else if (!readable()) {
            out.add(describe() + " is not read: no trusted keys are named, and an unsigned entry could come from"
                    + " anyone who can write to it. Name the keys its entries are signed with"
                    + " (-Dpuipui.remoteCache.trustedKeys=KEY.pub,…), or take unsigned entries anyway with"
                    + " -Dpuipui.remoteCache.acceptUnsigned=true");
        }
        out.addAll(credentialNotice());
        return out;
    }

    /** What a pusher should know of this store's settings, said once per build when it is first written. */
    public List<String> writeNotices() {
        List<String> out = new ArrayList<>();
        if (config.signing().signingKey() == null) {
            out.add(describe() + " gets unsigned entries from this build: readers take them only with"
                    + " -Dpuipui.remoteCache.acceptUnsigned=true; sign them with -Dpuipui.remoteCache.signingKey=KEY.pem");
        }
        out.addAll(credentialNotice());
        return out;
    }

    private List<String> credentialNotice() {
        return config.username() != null && !config.sendsCredentials() ? List.of(describe() + " is plain http: the"
                + " credentials of its <server> in settings.xml are not sent") : List.of();
    }

    /** Bytes received from and sent to the server so far. */
    public long received() {
        return received.get();
    }

    public long sent() {
        return sent.get();
    }

    @Override
    public boolean has(String key) throws IOException {
        URI entryUri = config.url().resolve(key + ".entry");
        try (Transport.Exchange head = transport.exchange("HEAD", entryUri, headers(), null, STALL)) {
            if (head.status() / 100 == 2) {
                return true;
            }
            if (head.status() == 404 || head.status() == 410) {
                return false;
            }
            throw failure(head.status(), entryUri);
        }
    }

    @Override
    public Delivered get(String key, Path scratch) throws IOException {
        URI entryUri = config.url().resolve(key + ".entry");
        String text;
        try (Transport.Exchange x = get(entryUri, entryFileDeadline)) {
            if (x == null) {
                return null;
            }
            text = new String(x.body().readNBytes(4096), StandardCharsets.UTF_8);
        }
        Map<String, String> entry = parse(text, key);
        long size = Long.parseLong(entry.get("size"));
        if (size > maxBytes) {
            throw new DamagedEntryException("its tarball would be " + size + " bytes, more than the build cache's bound ("
                    + maxBytes + " bytes)");
        }
        URI archiveUri = config.url().resolve(key + ".tar.gz");
        Path archive = scratch.resolve(key + ".tar.gz");
        String sha;
        try (Transport.Exchange x = get(archiveUri, Duration.ofSeconds(60 + size / MIN_RATE))) {
            if (x == null) {
                throw new DamagedEntryException("its tarball " + archiveUri + " is missing");
            }
            if (x.length() >= 0 && x.length() != size) {
                throw new DamagedEntryException(archiveUri + " is " + x.length() + " bytes, and its entry says " + size);
            }
            sha = copy(x.body(), archive, size, archiveUri);
        }
        if (Files.size(archive) != size || !sha.equals(entry.get("sha256"))) {
            throw new DamagedEntryException(archiveUri + " does not match the sha256 and size of " + entryUri);
        }
        received.addAndGet(text.length() + size);
        try { // the server answered: whatever is wrong now is the entry's, not the server's
            return new Delivered(new Extractor(Extractor.Kind.BINARIES).extractTree(archive, sha, scratch.resolve("x")),
                    text.length() + size);
        } catch (IOException | RuntimeException e) {
            throw new DamagedEntryException(e.getMessage() != null ? e.getMessage() : e.toString());
        }
    }

    /** Puts the entry on the server unless it has it: the tarball, then the entry file. */
    @Override
    public long put(String key, Path entry, Path scratch) throws IOException {
        if (has(key)) {
            return 0;
        }
        Path archive = scratch.resolve(key + ".tar.gz");
        Map<String, Path> tree = new TreeMap<>();
        for (FileTrees.Entry e : FileTrees.list(entry)) {
            tree.put(e.relative(), e.path());
        }
        ReproducibleTar.write(archive, "entry", tree, Map.of(), 0);
        String text = entryText(key, Sha256.of(archive), Files.size(archive));
        Path entryFile = Files.writeString(scratch.resolve(key + ".entry"), text);
        put(config.url().resolve(key + ".tar.gz"), archive);
        put(config.url().resolve(key + ".entry"), entryFile);
        long bytes = Files.size(archive) + Files.size(entryFile);
        sent.addAndGet(bytes);
        return bytes;
    }

    /** GET with the server's credentials: null on 404, the response on 2xx, else a failure of the store. */
    private Transport.Exchange get(URI uri, Duration total) throws IOException {
        Transport.Exchange x = transport.exchange("GET", uri, headers(), null, STALL, total);
        if (x.status() == 404 || x.status() == 410) {
            x.close();
            return null;
        }
        if (x.status() / 100 != 2) {
            x.close();
            throw failure(x.status(), uri);
        }
        return x;
    }

    private void put(URI uri, Path file) throws IOException {
        try (Transport.Exchange x = transport.exchange("PUT", uri, headers(), file, UPLOAD)) {
            if (x.status() / 100 != 2) {
                throw failure(x.status(), uri);
            }
        }
    }

    /** What an unexpected status means, for the user: a redirect and a refused login say what to change. */
    private StoreRefusedException failure(int status, URI uri) {
        Transport.HttpStatusException e = new Transport.HttpStatusException(status, uri);
        if (status / 100 == 3) {
            return new StoreRefusedException("answered with a redirect (" + e.getMessage() + "), which is not followed,"
                    + " so that its credentials reach no other server; set puipui.remoteCache to the URL that serves"
                    + " the entries", e);
        }
        if (status == 401 || status == 403) {
            return new StoreRefusedException("refused " + (config.username() == null ? "access without credentials"
                    : "the credentials of its <server> in settings.xml") + " (" + e.getMessage() + ")", e);
        }
        return new StoreRefusedException("failed (" + e.getMessage() + ")", e);
    }

    private Map<String, String> headers() {
        if (!config.sendsCredentials()) {
            return Map.of();
        }
        String pair = config.username() + ":" + (config.password() == null ? "" : config.password());
        return Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }

    /** Copies a body into {@code to}, at most {@code size} bytes; returns the sha256 of what was copied. */
    private static String copy(InputStream in, Path to, long size, URI from) throws IOException {
        MessageDigest md = Sha256.newDigest();
        try (OutputStream out = Files.newOutputStream(to)) {
            Sha256.copy(in, out, md, 0, size, done -> { });
        } catch (Sha256.TooLongException e) {
            throw new DamagedEntryException(from + " is longer than its entry says (" + size + " bytes)");
        }
        return Sha256.hex(md.digest());
    }

    /** The entry file of a tarball: its lines, signed with the signing key when there is one. */
    String entryText(String key, String sha256, long size) throws IOException {
        return config.signing().sign(FORMAT + "\nkey " + key + "\nsha256 " + sha256 + "\nsize " + size + "\n");
    }

    /** The fields of an entry file, checked: its format, its key, and its signature when keys are trusted. */
    Map<String, String> parse(String text, String key) throws DamagedEntryException {
        Map<String, String> fields = new LinkedHashMap<>();
        String[] lines = text.split("\n");
        if (lines.length < 4 || !lines[0].equals(FORMAT)) {
            throw new DamagedEntryException("not a " + FORMAT + " file");
        }
        StringBuilder signed = new StringBuilder(FORMAT + "\n");
        String signature = null;
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(" ", 2);
            if (f.length != 2) {
                throw new DamagedEntryException("bad line '" + lines[i] + "'");
            }
            if (f[0].equals("signature")) {
                signature = f[1];
                continue;
            }
            if (signature != null) {
                throw new DamagedEntryException("a line after the signature");
            }
            fields.put(f[0], f[1]);
            signed.append(lines[i]).append('\n');
        }
        if (!key.equals(fields.get("key")) || !Sha256.isDigest(fields.getOrDefault("sha256", ""))
                || !fields.getOrDefault("size", "").matches("[0-9]{1,12}")) {
            throw new DamagedEntryException("its key, sha256 or size is not the entry's");
        }
        if (!config.signing().trustedKeys().isEmpty()) {
            config.signing().verify(signed.toString(), signature);
        }
        return fields;
    }
}
