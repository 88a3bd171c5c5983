package io.github.puipui.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.github.puipui.BuildLog;
import io.github.puipui.fetch.Extractor;
import io.github.puipui.fetch.Transport;
import io.github.puipui.files.FileTrees;
import io.github.puipui.files.ReproducibleTar;
import io.github.puipui.files.Sha256;

/**
 * The build cache's remote tier, on any HTTP(S) server that answers HEAD and GET, and PUT to write: nginx with
 * {@code dav_methods PUT}, Apache httpd's mod_dav, a raw repository of Artifactory or Nexus. Its keys are the local
 * cache's, as strict (the host's compiler included): it serves machines built from one image, such as a CI fleet.
 * <p>
 * An entry of the local {@link OutputCache} travels as two files under the cache's URL:
 * <pre>
 * KEY.tar.gz   the entry (INPUTS, MANIFEST, files/) as a reproducible gzip tarball
 * KEY.entry    written last: "puipui-cache-entry 1", the key, the tarball's sha256 and size, and, when the pusher
 *              has a signing key, "signature ed25519 KEYID BASE64" over the lines before it
 * </pre>
 * A reader asks for {@code KEY.entry} first, so an entry is not there until its last file is. Before use, the tarball
 * must match the entry's digest, the entry must be signed by a trusted key (as Nix requires signatures of its binary
 * caches), and the local cache then checks the entry as it checks its own: its INPUTS bound to its key, every file
 * against its MANIFEST. Without trusted keys no entry is used at all, unless {@code acceptUnsigned} says to take
 * unsigned ones, which is warned of once per build: anyone who can write to the server could otherwise run code on
 * every machine that reads it.
 * <p>
 * The URL is https, or plain http to this machine only. Credentials go to that origin only: never over plain http,
 * and a redirect is not followed (a 3xx is a failure of the tier), so no other server receives them.
 * <p>
 * Failures degrade: a server that is down or stops sending for 10 s, or answers 401, 403 or 5xx, and an entry that is
 * corrupt, tampered with or unsigned, cost one warning naming the server, the URL and the status, and the step is
 * built here. After a failure that will not pass (no connection, a refused login) the server is not asked again in
 * this build.
 */
public final class RemoteCache {
    /**
     * Where the cache is and how to use it: the server's id (its {@code settings.xml} credentials), the URL of its
     * directory (https, or plain http to this machine), the user name and password (or null), whether to push, the
     * public keys an entry must be signed by, the private key pushes are signed with (or null), and whether entries
     * are taken unsigned when no key is trusted (else none is taken).
     */
    public record Config(String serverId, URI url, String username, String password, boolean push,
            List<PublicKey> trustedKeys, PrivateKey signingKey, boolean acceptUnsigned) {
        public Config {
            String u = url.toString();
            if (!u.startsWith("https://") && !Transport.isLocalHttp(u)) {
                throw new IllegalArgumentException("the remote cache's URL must be https:// (plain http only to this"
                        + " machine, for a test server); got " + u);
            }
            url = URI.create(u.endsWith("/") ? u : u + "/");
            trustedKeys = List.copyOf(trustedKeys);
        }

        /** True when requests carry the credentials: there are some, and the URL is https. */
        boolean sendsCredentials() {
            return username != null && url.getScheme().equals("https");
        }
    }

    static final String FORMAT = "puipui-cache-entry 1";
    private static final Duration STALL = Duration.ofSeconds(10);
    /** The entry file is a few lines: it must arrive whole in this time. */
    private Duration entryFileDeadline = Duration.ofSeconds(30);
    /** The slowest rate a tarball may arrive at (on top of a fixed allowance), in bytes per second. */
    static final long MIN_RATE = 100_000;
    private static final Duration UPLOAD = Duration.ofMinutes(10);

    private final Config config;
    private final Transport transport;
    private final BuildLog log;
    private volatile String down;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();

    public RemoteCache(Config config, Transport transport, BuildLog log) {
        this.config = config;
        this.transport = transport;
        this.log = log;
    }

    public Config config() {
        return config;
    }

    /** With the entry file's deadline {@code d} (tests of a dripping server). */
    RemoteCache withEntryFileDeadline(Duration d) {
        this.entryFileDeadline = d;
        return this;
    }

    /** Bytes received from and sent to the server so far in this build. */
    public long received() {
        return received.get();
    }

    public long sent() {
        return sent.get();
    }

    /**
     * Copies the entry {@code key} from the server into {@code local}, checked; returns the bytes received, or -1 when
     * the server has no such entry or it could not be used (warned).
     */
    public long pull(String key, OutputCache local, String what) {
        if (down != null || local.contains(key) || !reads()) {
            return -1;
        }
        URI entryUri = config.url().resolve(key + ".entry");
        Path tmp = local.root().resolve("tmp").resolve("remote-" + key + "." + UUID.randomUUID());
        try {
            String text;
            try (Transport.Exchange x = get(entryUri, entryFileDeadline)) {
                if (x == null) {
                    return -1;
                }
                text = new String(x.body().readNBytes(4096), StandardCharsets.UTF_8);
            }
            Map<String, String> entry = parse(text, key);
            long size = Long.parseLong(entry.get("size"));
            if (size > local.maxBytes()) {
                throw new DamagedException("its tarball would be " + size + " bytes, more than the build cache's bound ("
                        + local.maxBytes() + " bytes)");
            }
            URI archiveUri = config.url().resolve(key + ".tar.gz");
            Files.createDirectories(tmp);
            Path archive = tmp.resolve(key + ".tar.gz");
            String sha;
            try (Transport.Exchange x = get(archiveUri, Duration.ofSeconds(60 + size / MIN_RATE))) {
                if (x == null) {
                    throw new DamagedException("its tarball " + archiveUri + " is missing");
                }
                if (x.length() >= 0 && x.length() != size) {
                    throw new DamagedException(archiveUri + " is " + x.length() + " bytes, and its entry says " + size);
                }
                sha = copy(x.body(), archive, size, archiveUri);
            }
            if (Files.size(archive) != size || !sha.equals(entry.get("sha256"))) {
                throw new DamagedException(archiveUri + " does not match the sha256 and size of " + entryUri);
            }
            try { // the server answered: whatever is wrong now is the entry's, not the server's
                Path dir = new Extractor(Extractor.Kind.BINARIES).extractTree(archive, sha, tmp.resolve("x"));
                local.adopt(key, dir);
            } catch (IOException | RuntimeException e) {
                throw new DamagedException(e.getMessage() != null ? e.getMessage() : e.toString());
            }
            received.addAndGet(text.length() + size);
            return text.length() + size;
        } catch (DamagedException e) {
            warn("entry " + key, what + ": the remote cache " + config.serverId() + " (" + config.url() + ") served an"
                    + " entry that cannot be used (" + e.getMessage() + "); building it here");
        } catch (Transport.HttpStatusException e) {
            failed(e.status(), e.getMessage(), what);
        } catch (IOException | RuntimeException e) {
            unreachable(e, what);
        } finally {
            removeQuietly(tmp);
        }
        return -1;
    }

    /**
     * Whether the server has the entry {@code key} (its entry file answers HEAD), for planning which sources a build
     * needs; the entry is checked only when pulled. False when the server cannot say (warned, as for a pull).
     */
    public boolean has(String key, String what) {
        if (down != null || !reads()) {
            return false;
        }
        URI entryUri = config.url().resolve(key + ".entry");
        try (Transport.Exchange head = transport.exchange("HEAD", entryUri, headers(), null, STALL)) {
            if (head.status() / 100 == 2) {
                return true;
            }
            if (head.status() != 404 && head.status() != 410) {
                throw new Transport.HttpStatusException(head.status(), entryUri);
            }
        } catch (Transport.HttpStatusException e) {
            failed(e.status(), e.getMessage(), what);
        } catch (IOException | RuntimeException e) {
            unreachable(e, what);
        }
        return false;
    }

    /** Puts the local entry {@code key} on the server unless it has it: the tarball, then the entry file. */
    public long push(String key, OutputCache local, String what) {
        if (!config.push() || down != null || !local.contains(key)) {
            return 0;
        }
        if (config.signingKey() == null) {
            warn("unsigned push", "the remote cache " + config.serverId() + " (" + config.url() + ") gets unsigned"
                    + " entries from this build: readers take them only with -Dpuipui.remoteCache.acceptUnsigned=true;"
                    + " sign them with -Dpuipui.remoteCache.signingKey=KEY.pem");
        }
        URI entryUri = config.url().resolve(key + ".entry");
        Path tmp = local.root().resolve("tmp").resolve("push-" + key + "." + UUID.randomUUID());
        try {
            try (Transport.Exchange head = transport.exchange("HEAD", entryUri, headers(), null, STALL)) {
                if (head.status() / 100 == 2) {
                    return 0;
                }
                if (head.status() != 404) {
                    throw new Transport.HttpStatusException(head.status(), entryUri);
                }
            }
            Files.createDirectories(tmp);
            Path archive = tmp.resolve(key + ".tar.gz");
            Map<String, Path> tree = new TreeMap<>();
            for (FileTrees.Entry e : FileTrees.list(local.root().resolve(key))) {
                tree.put(e.relative(), e.path());
            }
            ReproducibleTar.write(archive, "entry", tree, Map.of(), 0);
            String text = entryText(key, Sha256.of(archive), Files.size(archive));
            Path entryFile = Files.writeString(tmp.resolve(key + ".entry"), text);
            put(config.url().resolve(key + ".tar.gz"), archive);
            put(entryUri, entryFile);
            long bytes = Files.size(archive) + Files.size(entryFile);
            sent.addAndGet(bytes);
            log.info(String.format("%s: pushed to the remote cache %s (%,d bytes)", what, config.serverId(), bytes));
            return bytes;
        } catch (Transport.HttpStatusException e) {
            failed(e.status(), e.getMessage(), what);
        } catch (IOException | RuntimeException e) {
            unreachable(e, what);
        } finally {
            removeQuietly(tmp);
        }
        return 0;
    }

    /**
     * Whether entries are taken from the server: when keys are trusted (each entry then needs a signature by one of
     * them), or unsigned ones are accepted; each case that weakens or disables the tier is told once per build.
     */
    private boolean reads() {
        if (!config.trustedKeys().isEmpty()) {
            return true;
        }
        if (config.acceptUnsigned()) {
            warn("accept unsigned", "the remote cache " + config.serverId() + " (" + config.url() + "): taking entries"
                    + " that no trusted key signed (puipui.remoteCache.acceptUnsigned): anyone who can write to it can"
                    + " change what this build runs");
            return true;
        }
        warn("no trusted keys", "the remote cache " + config.serverId() + " (" + config.url() + ") is not read: no"
                + " trusted keys are named, and an unsigned entry could come from anyone who can write to it. Name"
                + " the keys its entries are signed with (-Dpuipui.remoteCache.trustedKeys=KEY.pub,…), or take unsigned"
                + " entries anyway with -Dpuipui.remoteCache.acceptUnsigned=true");
        return false;
    }

    /** Removes a transfer's work directory; one that cannot be removed is left in tmp/ with the other leftovers. */
    private static void removeQuietly(Path tmp) {
        try {
            FileTrees.deleteTree(tmp);
        } catch (IOException ignored) {
            // removed with the cache's other stale leftovers
        }
    }

    /** GET with the server's credentials: null on 404, the response on 2xx, else an {@link Transport.HttpStatusException}. */
    private Transport.Exchange get(URI uri, Duration total) throws IOException {
        Transport.Exchange x = transport.exchange("GET", uri, headers(), null, STALL, total);
        if (x.status() == 404 || x.status() == 410) {
            x.close();
            return null;
        }
        if (x.status() / 100 != 2) {
            x.close();
            throw new Transport.HttpStatusException(x.status(), uri);
        }
        return x;
    }

    private void put(URI uri, Path file) throws IOException {
        try (Transport.Exchange x = transport.exchange("PUT", uri, headers(), file, UPLOAD)) {
            if (x.status() / 100 != 2) {
                throw new Transport.HttpStatusException(x.status(), uri);
            }
        }
    }

    private Map<String, String> headers() {
        if (!config.sendsCredentials()) {
            if (config.username() != null) {
                warn("plain http credentials", "the remote cache " + config.serverId() + " (" + config.url() + ") is"
                        + " plain http: the credentials of its <server> in settings.xml are not sent");
            }
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
            throw new DamagedException(from + " is longer than its entry says (" + size + " bytes)");
        }
        return Sha256.hex(md.digest());
    }

    /** The entry file of a tarball: its lines, signed with the signing key when there is one. */
    String entryText(String key, String sha256, long size) throws IOException {
        String body = FORMAT + "\nkey " + key + "\nsha256 " + sha256 + "\nsize " + size + "\n";
        if (config.signingKey() == null) {
            return body;
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(config.signingKey());
            s.update(body.getBytes(StandardCharsets.UTF_8));
            return body + "signature ed25519 " + keyId(publicKeyOf(config.signingKey())) + " "
                    + Base64.getEncoder().encodeToString(s.sign()) + "\n";
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot sign with the remote cache's signing key: " + e.getMessage(), e);
        }
    }

    /** The fields of an entry file, checked: its format, its key, and its signature when keys are trusted. */
    Map<String, String> parse(String text, String key) throws DamagedException {
        Map<String, String> fields = new LinkedHashMap<>();
        String[] lines = text.split("\n");
        if (lines.length < 4 || !lines[0].equals(FORMAT)) {
            throw new DamagedException("not a " + FORMAT + " file");
        }
        StringBuilder signed = new StringBuilder(FORMAT + "\n");
        String signature = null;
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(" ", 2);
            if (f.length != 2) {
                throw new DamagedException("bad line '" + lines[i] + "'");
            }
            if (f[0].equals("signature")) {
                signature = f[1];
                continue;
            }
            if (signature != null) {
                throw new DamagedException("a line after the signature");
            }
            fields.put(f[0], f[1]);
            signed.append(lines[i]).append('\n');
        }
        if (!key.equals(fields.get("key")) || !Sha256.isDigest(fields.getOrDefault("sha256", ""))
                || !fields.getOrDefault("size", "").matches("[0-9]{1,12}")) {
            throw new DamagedException("its key, sha256 or size is not the entry's");
        }
        if (!config.trustedKeys().isEmpty()) {
            verify(signed.toString(), signature);
        }
        return fields;
    }

    private void verify(String signed, String signature) throws DamagedException {
        if (signature == null) {
            throw new DamagedException("it is not signed, and trusted keys are named");
        }
        String[] s = signature.split(" ");
        if (s.length != 3 || !s[0].equals("ed25519")) {
            throw new DamagedException("not an ed25519 signature");
        }
        for (PublicKey k : config.trustedKeys()) {
            if (keyId(k).equals(s[1])) {
                try {
                    Signature v = Signature.getInstance("Ed25519");
                    v.initVerify(k);
                    v.update(signed.getBytes(StandardCharsets.UTF_8));
                    if (v.verify(Base64.getDecoder().decode(s[2]))) {
                        return;
                    }
                } catch (GeneralSecurityException | IllegalArgumentException e) {
                    throw new DamagedException("its signature cannot be checked: " + e.getMessage());
                }
                throw new DamagedException("its signature by " + s[1] + " does not verify");
            }
        }
        throw new DamagedException("it is signed by " + s[1] + ", which is not a trusted key");
    }

    /** A key's id: the first 16 hex digits of the sha256 of its X.509 encoding. */
    public static String keyId(PublicKey k) {
        return Sha256.of(k.getEncoded()).substring(0, 16);
    }

    /** An Ed25519 public key from a PEM file ({@code -----BEGIN PUBLIC KEY-----}, as openssl writes it). */
    public static PublicKey readPublicKey(Path pem) throws IOException {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der(pem, "PUBLIC KEY")));
        } catch (GeneralSecurityException e) {
            throw new IOException(pem + " is not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** An Ed25519 private key from a PKCS#8 PEM file ({@code openssl genpkey -algorithm ed25519}). */
    public static PrivateKey readPrivateKey(Path pem) throws IOException {
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der(pem, "PRIVATE KEY")));
        } catch (GeneralSecurityException e) {
            throw new IOException(pem + " is not an Ed25519 private key: " + e.getMessage(), e);
        }
    }

    private static PublicKey publicKeyOf(PrivateKey k) throws GeneralSecurityException {
        // PKCS#8 of Ed25519 (RFC 8410) holds the 32-byte seed; the JDK derives the public key through a key pair
        java.security.interfaces.EdECPrivateKey ed = (java.security.interfaces.EdECPrivateKey) k;
        byte[] seed = ed.getBytes().orElseThrow();
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("Ed25519");
        g.initialize(java.security.spec.NamedParameterSpec.ED25519, new FixedRandom(seed));
        return g.generateKeyPair().getPublic();
    }

    /** Hands out a fixed seed, so that a key pair generator derives the public key of a known private key. */
    private static final class FixedRandom extends java.security.SecureRandom {
        private final byte[] seed;

        FixedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
        }
    }

    private static byte[] der(Path pem, String type) throws IOException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            throw new IOException(pem + " holds no " + begin + " block");
        }
        return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    }

    private void failed(int status, String message, String what) {
        if (status / 100 == 3) {
            down = "HTTP " + status;
            warn("redirect", "the remote cache " + config.serverId() + " (" + config.url() + ") answered with a"
                    + " redirect (" + message + "), which it does not follow, so that its credentials reach no other"
                    + " server; set puipui.remoteCache to the URL that serves the entries. Building without it");
        } else if (status == 401 || status == 403) {
            down = "HTTP " + status;
            warn("status " + status, "the remote cache " + config.serverId() + " (" + config.url() + ") refused "
                    + (config.username() == null ? "access without credentials" : "the credentials of its <server> in"
                            + " settings.xml") + " (" + message + "); building without it");
        } else {
            warn("status " + status + " " + what, what + ": the remote cache " + config.serverId() + " ("
                    + config.url() + ") failed (" + message + "); building it here");
        }
    }

    private void unreachable(Exception e, String what) {
        String why = e.getMessage() != null ? e.getMessage()
                : e.getCause() != null && e.getCause() != e ? e.getClass().getSimpleName() + ": " + e.getCause()
                : e.getClass().getSimpleName();
        down = why;
        warn("down", what + ": the remote cache " + config.serverId() + " (" + config.url() + ") cannot be reached ("
                + why + "); building without it");
    }

    private void warn(String once, String message) {
        if (warned.add(once)) {
            log.warn(message);
        }
    }

    /** An entry that cannot be used: corrupt, tampered with, or not signed by a trusted key. */
    static final class DamagedException extends IOException {
        DamagedException(String message) {
            super(message);
        }
    }
}
