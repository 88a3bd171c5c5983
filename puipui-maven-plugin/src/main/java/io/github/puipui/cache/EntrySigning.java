package io.github.puipui.cache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;

import io.github.puipui.files.Sha256;

/**
 * Ed25519 signatures of entry files: the keys a reader trusts, the key a pusher signs with (or null), and the PEM
 * files both come from ({@code openssl genpkey -algorithm ed25519}, {@code openssl pkey -pubout}). A signature line
 * reads {@code signature ed25519 KEYID BASE64}; a key's id is the first 16 hex digits of the sha256 of its X.509
 * encoding.
 * <p>
 * A signature proves that a holder of the key wrote the entry file, which names the tarball's digest; it says nothing
 * of how trustworthy the signer's machine was.
 */
public record EntrySigning(List<PublicKey> trustedKeys, PrivateKey signingKey) {
    public EntrySigning {
        trustedKeys = List.copyOf(trustedKeys);
    }

    /** {@code body} followed by its signature line, or {@code body} alone without a signing key. */
    String sign(String body) throws IOException {
        if (signingKey == null) {
            return body;
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(signingKey);
            s.update(body.getBytes(StandardCharsets.UTF_8));
            return body + "signature ed25519 " + keyId(publicKeyOf(signingKey)) + " "
                    + Base64.getEncoder().encodeToString(s.sign()) + "\n";
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot sign with the remote cache's signing key: " + e.getMessage(), e);
        }
    }

    /**
     * Checks that {@code signature} (the signature line's value, or null when there is none) is a trusted key's
     * signature of {@code signed}.
     */
    void verify(String signed, String signature) throws DamagedEntryException {
        if (signature == null) {
            throw new DamagedEntryException("it is not signed, and trusted keys are named");
        }
        String[] s = signature.split(" ");
        if (s.length != 3 || !s[0].equals("ed25519")) {
            throw new DamagedEntryException("not an ed25519 signature");
        }
        for (PublicKey k : trustedKeys) {
            if (keyId(k).equals(s[1])) {
                try {
                    Signature v = Signature.getInstance("Ed25519");
                    v.initVerify(k);
                    v.update(signed.getBytes(StandardCharsets.UTF_8));
                    if (v.verify(Base64.getDecoder().decode(s[2]))) {
                        return;
                    }
                } catch (GeneralSecurityException | IllegalArgumentException e) {
                    throw new DamagedEntryException("its signature cannot be checked: " + e.getMessage());
                }
                throw new DamagedEntryException("its signature by " + s[1] + " does not verify");
            }
        }
        throw new DamagedEntryException("it is signed by " + s[1] + ", which is not a trusted key");
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
        byte[] seed = ((EdECPrivateKey) k).getBytes().orElseThrow();
        KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
        g.initialize(NamedParameterSpec.ED25519, new FixedRandom(seed));
        return g.generateKeyPair().getPublic();
    }

    /** Hands out a fixed seed, so that a key pair generator derives the public key of a known private key. */
    private static final class FixedRandom extends SecureRandom {
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
}
