package io.github.puipui.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** SHA-256 digests as lowercase hex. */
public final class Sha256 {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    private Sha256() {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    public static String of(byte[] data) {
        return hex(newDigest().digest(data));
    }

    public static String of(String text) {
        return of(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public static String of(Path file) throws IOException {
        MessageDigest md = newDigest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return hex(md.digest());
    }

    /** A stream that holds more bytes than {@link #copy} was allowed to copy; nothing past the bound was written. */
    public static final class TooLongException extends IOException {
        public TooLongException(long max) {
            super("more than " + max + " bytes");
        }
    }

    /** Told the bytes done after each chunk {@link #copy} writes. */
    public interface Progress {
        void done(long bytes);
    }

    /**
     * Copies {@code in} to {@code out}, hashing what it copies into {@code md}, counting on from {@code done} bytes;
     * returns the bytes done. A chunk that would take the count past {@code max} is not written: the copy fails with
     * {@link TooLongException}, so a body larger than its bound never fills the disk.
     */
    public static long copy(InputStream in, OutputStream out, MessageDigest md, long done, long max, Progress progress)
            throws IOException {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            if (done + n > max) {
                throw new TooLongException(max);
            }
            md.update(buf, 0, n);
            out.write(buf, 0, n);
            done += n;
            progress.done(done);
        }
        return done;
    }

    /** Normalises a digest written by a person (case, spaces) and rejects anything that is not 64 hex digits. */
    public static String parse(String text, String what) {
        String hex = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (!HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not a sha256 (64 hex digits)");
        }
        return hex;
    }

    public static boolean isDigest(String text) {
        return text != null && HEX.matcher(text).matches();
    }
}
