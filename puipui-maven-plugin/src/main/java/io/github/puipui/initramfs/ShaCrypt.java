package io.github.puipui.initramfs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-512 crypt ({@code $6$salt$hash}, Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512", 5000 rounds), the
 * format of {@code /etc/shadow} that musl's {@code crypt()} (and so dropbear) verifies. Written at build time, so the
 * image holds only the hash of the root password. The salt comes from public data only, the distro's coordinates and
 * its output timestamp ({@link #saltFor}): the image stays reproducible, and the salt says nothing of the password, so
 * a guess costs the full 5000 rounds and no table computed once serves every image.
 */
public final class ShaCrypt {
    private static final String ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int ROUNDS = 5000;

    private ShaCrypt() {
    }

    /**
     * The salt of a distro's root password: 16 characters of the crypt alphabet taken from the SHA-512 of the distro's
     * coordinates ({@code groupId:artifactId:version}) and its output timestamp, never from the password.
     */
    public static String saltFor(String distroCoordinates, long outputTimestamp) {
        byte[] seed = sha512(("puipui root password salt\n" + distroCoordinates + "\n" + outputTimestamp)
                .getBytes(StandardCharsets.UTF_8));
        StringBuilder salt = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            salt.append(ALPHABET.charAt((seed[i] & 0xff) % 64));
        }
        return salt.toString();
    }

    /** SHA-512 crypt of {@code password} with {@code salt} (at most 16 characters of the crypt alphabet). */
    public static String hash(String password, String salt) {
        byte[] p = password.getBytes(StandardCharsets.UTF_8);
        byte[] s = salt.getBytes(StandardCharsets.UTF_8);
        MessageDigest b = digest();
        b.update(p);
        b.update(s);
        b.update(p);
        byte[] bHash = b.digest();
        MessageDigest a = digest();
        a.update(p);
        a.update(s);
        for (int n = p.length; n > 0; n -= 64) {
            a.update(bHash, 0, Math.min(n, 64));
        }
        for (int n = p.length; n > 0; n >>= 1) {
            if ((n & 1) != 0) {
                a.update(bHash);
            } else {
                a.update(p);
            }
        }
        byte[] aHash = a.digest();
        MessageDigest dp = digest();
        for (int i = 0; i < p.length; i++) {
            dp.update(p);
        }
        byte[] pSeq = repeat(dp.digest(), p.length);
        MessageDigest ds = digest();
        for (int i = 0; i < 16 + (aHash[0] & 0xff); i++) {
            ds.update(s);
        }
        byte[] sSeq = repeat(ds.digest(), s.length);
        byte[] c = aHash;
        for (int i = 0; i < ROUNDS; i++) {
            MessageDigest r = digest();
            r.update((i & 1) != 0 ? pSeq : c);
            if (i % 3 != 0) {
                r.update(sSeq);
            }
            if (i % 7 != 0) {
                r.update(pSeq);
            }
            r.update((i & 1) != 0 ? c : pSeq);
            c = r.digest();
        }
        StringBuilder out = new StringBuilder("$6$").append(salt).append('$');
        int[][] groups = {{0, 21, 42}, {22, 43, 1}, {44, 2, 23}, {3, 24, 45}, {25, 46, 4}, {47, 5, 26}, {6, 27, 48},
            {28, 49, 7}, {50, 8, 29}, {9, 30, 51}, {31, 52, 10}, {53, 11, 32}, {12, 33, 54}, {34, 55, 13},
            {56, 14, 35}, {15, 36, 57}, {37, 58, 16}, {59, 17, 38}, {18, 39, 60}, {40, 61, 19}, {62, 20, 41}};
        for (int[] g : groups) {
            b64(out, ((c[g[0]] & 0xff) << 16) | ((c[g[1]] & 0xff) << 8) | (c[g[2]] & 0xff), 4);
        }
        b64(out, c[63] & 0xff, 2);
        return out.toString();
    }

    private static void b64(StringBuilder out, int v, int chars) {
        for (int i = 0; i < chars; i++) {
            out.append(ALPHABET.charAt(v & 0x3f));
            v >>>= 6;
        }
    }

    private static byte[] repeat(byte[] block, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = block[i % block.length];
        }
        return out;
    }

    private static byte[] sha512(byte[] data) {
        return digest().digest(data);
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
