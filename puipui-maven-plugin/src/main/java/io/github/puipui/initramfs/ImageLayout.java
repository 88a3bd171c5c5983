package io.github.puipui.initramfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * What goes into every PUI PUI initramfs besides the fs template and the userland: the mount points, the device
 * nodes the kernel needs before devtmpfs (/dev/console, /dev/null), the root password read by init, and an optional
 * authorized_keys for root.
 */
public final class ImageLayout {
    private ImageLayout() {
    }

    public static InitramfsWriter assemble(long mtime, Path fsTemplate, Path userland, Map<String, Integer> modes,
            String rootPassword, String authorizedKeys) throws IOException {
        if (rootPassword == null || rootPassword.isEmpty() || rootPassword.contains("\n") || rootPassword.contains(":")) {
            throw new IllegalArgumentException("the root password must be non-empty, on one line, without ':'");
        }
        InitramfsWriter w = new InitramfsWriter(mtime);
        w.addTree(fsTemplate, modes);
        w.addTree(userland, modes);
        for (String dir : new String[] {"/proc", "/sys", "/dev", "/run", "/mnt", "/var", "/etc"}) {
            w.add(CpioEntry.directory(dir, modes.getOrDefault(dir, 0755)));
        }
        w.add(CpioEntry.directory("/tmp", 01777));
        w.add(CpioEntry.directory("/root", 0700));
        w.add(CpioEntry.charDevice("/dev/console", 0600, 5, 1));
        w.add(CpioEntry.charDevice("/dev/null", 0666, 1, 3));
        w.add(CpioEntry.file("/etc/puipui/root-password", 0600, (rootPassword + "\n").getBytes(StandardCharsets.UTF_8)));
        if (authorizedKeys != null && !authorizedKeys.isBlank()) {
            w.add(CpioEntry.directory("/root/.ssh", 0700));
            w.add(CpioEntry.file("/root/.ssh/authorized_keys", 0600,
                    (authorizedKeys.strip() + "\n").getBytes(StandardCharsets.UTF_8)));
        }
        return w;
    }
}
