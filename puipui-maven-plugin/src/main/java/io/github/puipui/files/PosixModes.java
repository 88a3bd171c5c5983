package io.github.puipui.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** A file's permission bits as the octal number {@code ls}, tar and cpio use ({@code 0755}), read and set. */
public final class PosixModes {
    private PosixModes() {
    }

    /** The permission bits (with setuid, setgid and sticky) of {@code p}, links not followed. */
    public static int of(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue() & 07777;
    }

    /** Sets the permission bits of {@code p} to {@code mode} (its low twelve bits). */
    public static void set(Path p, int mode) throws IOException {
        Files.setAttribute(p, "unix:mode", mode & 07777);
    }
}
