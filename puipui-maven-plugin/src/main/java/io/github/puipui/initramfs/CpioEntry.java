package io.github.puipui.initramfs;

import java.nio.file.Path;

/**
 * One entry of the initramfs: a directory, a regular file (content from {@code source} or {@code data}), a
 * symbolic link or a character device. Paths are absolute inside the image ({@code /etc/inittab}).
 */
public record CpioEntry(String path, Kind kind, int mode, Path source, byte[] data, String linkTarget, int devMajor,
        int devMinor) {

    public enum Kind { DIRECTORY, FILE, SYMLINK, CHAR_DEVICE }

    public static CpioEntry directory(String path, int mode) {
        return new CpioEntry(path, Kind.DIRECTORY, mode, null, null, null, 0, 0);
    }

    public static CpioEntry file(String path, int mode, Path source) {
        return new CpioEntry(path, Kind.FILE, mode, source, null, null, 0, 0);
    }

    public static CpioEntry file(String path, int mode, byte[] data) {
        return new CpioEntry(path, Kind.FILE, mode, null, data, null, 0, 0);
    }

    public static CpioEntry symlink(String path, String target) {
        return new CpioEntry(path, Kind.SYMLINK, 0777, null, null, target, 0, 0);
    }

    public static CpioEntry charDevice(String path, int mode, int major, int minor) {
        return new CpioEntry(path, Kind.CHAR_DEVICE, mode, null, null, null, major, minor);
    }

    /** The name inside the archive: the path without its leading slash. */
    public String archiveName() {
        return path.substring(1);
    }
}
