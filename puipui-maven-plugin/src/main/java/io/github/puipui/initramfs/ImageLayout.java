package io.github.puipui.initramfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * What goes into every PUI PUI initramfs besides the fs template and the userland: the mount points, the device
 * nodes the kernel needs before devtmpfs (/dev/console, /dev/null), root's entry in {@code /etc/shadow} (the SHA-512
 * crypt hash of the password, never the password itself), and an optional authorized_keys for root. A key-only image
 * (no password) has a locked root password and {@code /etc/puipui/keys-only}, which makes dropbear refuse passwords.
 */
public final class ImageLayout {
    private ImageLayout() {
    }

    /** The marker that makes rcS start dropbear with {@code -s} (no password logins). */
    public static final String KEYS_ONLY = "/etc/puipui/keys-only";

    /**
     * {@code rootPassword}: root's password, or null for a key-only image, which then needs {@code authorizedKeys}.
     */
    public static InitramfsWriter assemble(long mtime, Path fsTemplate, Path userland, Map<String, Integer> modes,
            String rootPassword, String authorizedKeys) throws IOException {
        return assemble(mtime, java.util.List.of(fsTemplate), userland, java.util.List.of(), modes, TEST_DISTRO,
                rootPassword, authorizedKeys);
    }

    /** The coordinates the short form of {@link #assemble} salts the root password with. */
    static final String TEST_DISTRO = "test:distro:0";

    /**
     * The image from file system layers (the template, then overlays whose files replace the template's), the
     * userland, minus {@code removed} image paths (and everything under them). {@code distro}: the distro's
     * coordinates, which with {@code mtime} give the password's salt ({@link ShaCrypt#saltFor}).
     */
    public static InitramfsWriter assemble(long mtime, java.util.List<Path> fsLayers, Path userland,
            java.util.List<String> removed, Map<String, Integer> modes, String distro, String rootPassword,
            String authorizedKeys) throws IOException {
        boolean keysOnly = rootPassword == null;
        if (keysOnly && (authorizedKeys == null || authorizedKeys.isBlank())) {
            throw new IllegalArgumentException("a key-only image needs authorized keys for root (-Dpuipui.authorizedKeys=FILE)");
        }
        if (!keysOnly && (rootPassword.isEmpty() || rootPassword.contains("\n"))) {
            throw new IllegalArgumentException("the root password must be non-empty and on one line"
                    + " (for an image without one: -Dpuipui.rootLogin=keys-only with -Dpuipui.authorizedKeys=FILE)");
        }
        InitramfsWriter w = new InitramfsWriter(mtime);
        for (Path layer : fsLayers) {
            w.addTree(layer, modes);
        }
        w.addTree(userland, modes);
        for (String r : removed) {
            w.remove(r);
        }
        for (String dir : new String[] {"/proc", "/sys", "/dev", "/run", "/mnt", "/var", "/etc"}) {
            w.add(CpioEntry.directory(dir, modes.getOrDefault(dir, 0755)));
        }
        w.add(CpioEntry.directory("/tmp", 01777));
        w.add(CpioEntry.directory("/root", 0700));
        w.add(CpioEntry.charDevice("/dev/console", 0600, 5, 1));
        w.add(CpioEntry.charDevice("/dev/null", 0666, 1, 3));
        String rootHash = keysOnly ? "*" : ShaCrypt.hash(rootPassword, ShaCrypt.saltFor(distro, mtime));
        w.add(CpioEntry.file("/etc/shadow", modes.getOrDefault("/etc/shadow", 0600),
                shadow(lastWith(fsLayers, "etc/shadow"), rootHash).getBytes(StandardCharsets.UTF_8)));
        if (keysOnly) {
            w.add(CpioEntry.file(KEYS_ONLY, 0644, new byte[0]));
        }
        if (authorizedKeys != null && !authorizedKeys.isBlank()) {
            w.add(CpioEntry.directory("/root/.ssh", 0700));
            w.add(CpioEntry.file("/root/.ssh/authorized_keys", 0600,
                    (authorizedKeys.strip() + "\n").getBytes(StandardCharsets.UTF_8)));
        }
        return w;
    }

    /** The file at {@code relative} in the last layer that has it (or in the first, absent). */
    static Path lastWith(java.util.List<Path> layers, String relative) {
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (java.nio.file.Files.exists(layers.get(i).resolve(relative))) {
                return layers.get(i).resolve(relative);
            }
        }
        return layers.get(0).resolve(relative);
    }

    /** The template's {@code /etc/shadow} (or a root line alone) with root's password field set to {@code hash}. */
    static String shadow(Path template, String hash) throws IOException {
        java.util.List<String> lines = new java.util.ArrayList<>(java.nio.file.Files.isRegularFile(template)
                ? java.nio.file.Files.readAllLines(template, StandardCharsets.UTF_8) : java.util.List.of());
        boolean found = false;
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split(":", -1);
            if (f[0].equals("root") && f.length > 1) {
                f[1] = hash;
                lines.set(i, String.join(":", f));
                found = true;
            }
        }
        if (!found) {
            lines.add(0, "root:" + hash + ":0:0:99999:7:::");
        }
        return String.join("\n", lines) + "\n";
    }
}
