package io.github.puipui.initramfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.files.Sha256;

class InitramfsWriterTest {
    private static final long MTIME = 1795564800L;

    @TempDir
    Path tmp;
    Path fs;
    Path userland;

    @BeforeEach
    void tree() throws Exception {
        fs = Files.createDirectories(tmp.resolve("fs"));
        Files.createDirectories(fs.resolve("etc/init.d"));
        Files.writeString(fs.resolve("init"), "#!/bin/busybox sh\n");
        Files.setPosixFilePermissions(fs.resolve("init"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.writeString(fs.resolve("etc/inittab"), "::sysinit:/etc/init.d/rcS\n");
        Files.setPosixFilePermissions(fs.resolve("etc/inittab"), PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.writeString(fs.resolve("etc/shadow"), "root:*:0:0:99999:7:::\n");
        Files.createSymbolicLink(fs.resolve("etc/mtab"), Path.of("/proc/mounts"));
        userland = Files.createDirectories(tmp.resolve("userland/bin"));
        Files.write(userland.resolve("busybox"), new byte[] {0x7f, 'E', 'L', 'F', 1, 2, 3});
        Files.setPosixFilePermissions(userland.resolve("busybox"), PosixFilePermissions.fromString("rwxr-xr-x"));
        userland = userland.getParent();
    }

    private Path write(String name) throws Exception {
        Path out = tmp.resolve(name);
        ImageLayout.assemble(MTIME, fs, userland, Map.of("/etc/shadow", 0600), "passwd", "ssh-ed25519 AAAA test").write(out);
        return out;
    }

    /** Reads the archive back: name → entry, and name → content. */
    private static Map<String, CpioArchiveEntry> read(Path archive, Map<String, byte[]> contents) throws Exception {
        Map<String, CpioArchiveEntry> out = new LinkedHashMap<>();
        try (InputStream in = new CpioArchiveInputStream(new GzipCompressorInputStream(Files.newInputStream(archive)))) {
            CpioArchiveInputStream cpio = (CpioArchiveInputStream) in;
            for (CpioArchiveEntry e; (e = cpio.getNextEntry()) != null; ) {
                out.put(e.getName(), e);
                contents.put(e.getName(), cpio.readAllBytes());
            }
        }
        return out;
    }

    @Test
    void everyPropertyOfTheArchive() throws Exception {
        Map<String, byte[]> data = new LinkedHashMap<>();
        Map<String, CpioArchiveEntry> e = read(write("initramfs.cpio.gz"), data);
        List<String> names = new ArrayList<>(e.keySet());
        List<String> sorted = new ArrayList<>(names);
        java.util.Collections.sort(sorted);
        assertEquals(sorted, names, "entries sorted");
        for (String n : names) {
            CpioArchiveEntry x = e.get(n);
            assertEquals(CpioConstants.FORMAT_NEW, x.getFormat());
            assertEquals(0, x.getUID(), n);
            assertEquals(0, x.getGID(), n);
            assertEquals(MTIME, x.getTime(), n); // seconds
            int slash = n.lastIndexOf('/');
            assertTrue(slash < 0 || e.containsKey(n.substring(0, slash)), "parent of " + n + " present");
        }
        assertEquals(0755, e.get("init").getMode() & 07777, "executables stay executable");
        assertEquals(0644, e.get("etc/inittab").getMode() & 07777, "others are 0644");
        assertEquals(0600, e.get("etc/shadow").getMode() & 07777, "declared modes win");
        assertEquals(0755, e.get("bin/busybox").getMode() & 07777);
        assertEquals(01777, e.get("tmp").getMode() & 07777);
        assertEquals(0700, e.get("root").getMode() & 07777);
        assertTrue(e.get("etc/mtab").isSymbolicLink());
        assertEquals("/proc/mounts", new String(data.get("etc/mtab"), StandardCharsets.UTF_8));
        CpioArchiveEntry console = e.get("dev/console");
        assertEquals(CpioConstants.C_ISCHR, console.getMode() & CpioConstants.S_IFMT);
        assertEquals(5, console.getRemoteDeviceMaj());
        assertEquals(1, console.getRemoteDeviceMin());
        assertEquals(3, e.get("dev/null").getRemoteDeviceMin());
        String shadow = new String(data.get("etc/shadow"), StandardCharsets.UTF_8);
        assertTrue(shadow.startsWith("root:" + ShaCrypt.hash("passwd", ShaCrypt.saltFor(ImageLayout.TEST_DISTRO, MTIME))
                + ":"), "only the password's hash: " + shadow);
        assertTrue(!shadow.contains("passwd:") && !e.containsKey("etc/puipui/root-password"), "no cleartext password");
        assertTrue(!e.containsKey("etc/puipui/keys-only"));
        assertEquals("ssh-ed25519 AAAA test\n", new String(data.get("root/.ssh/authorized_keys"), StandardCharsets.UTF_8));
        assertArrayEquals(Files.readAllBytes(userland.resolve("bin/busybox")), data.get("bin/busybox"));
    }

    @Test
    void overlaysReplaceAndAddFilesAndRemovalsLeaveTreesOut() throws Exception {
        Path overlay = tmp.resolve("overlay");
        Files.createDirectories(overlay.resolve("etc"));
        Files.writeString(overlay.resolve("etc/issue"), "derived\n");
        Files.writeString(overlay.resolve("etc/motd"), "motd\n");
        Files.writeString(overlay.resolve("etc/shadow"), "root:x:0:0:99999:7:::\nguest:*:0:0:99999:7:::\n");
        InitramfsWriter w = ImageLayout.assemble(MTIME, java.util.List.of(fs, overlay), userland,
                java.util.List.of("/etc/mtab", "/bin"), java.util.Map.of(), ImageLayout.TEST_DISTRO, "passwd", null);
        java.util.Map<String, CpioEntry> byPath = new java.util.TreeMap<>();
        w.entries().forEach(x -> byPath.put(x.path(), x));
        assertEquals("derived\n", Files.readString(byPath.get("/etc/issue").source()));
        assertTrue(byPath.containsKey("/etc/motd"));
        assertTrue(!byPath.containsKey("/etc/mtab") && !byPath.containsKey("/bin") && !byPath.containsKey("/bin/busybox"));
        String shadow = new String(byPath.get("/etc/shadow").data(), StandardCharsets.UTF_8);
        assertTrue(shadow.contains("\nguest:*:"), "the overlay's shadow is the one root's hash goes into: " + shadow);
    }

    @Test
    void aKeyOnlyImageHasALockedPasswordAndNeedsKeys() throws Exception {
        InitramfsWriter w = ImageLayout.assemble(MTIME, fs, userland, java.util.Map.of(), null, "ssh-ed25519 AAAA test");
        Path f = tmp.resolve("keys-only.cpio.gz");
        w.write(f);
        java.util.Map<String, byte[]> data = new java.util.TreeMap<>();
        try (var in = new org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream(
                new java.util.zip.GZIPInputStream(Files.newInputStream(f)))) {
            for (CpioArchiveEntry x; (x = in.getNextEntry()) != null; ) {
                data.put(x.getName(), in.readAllBytes());
            }
        }
        assertTrue(new String(data.get("etc/shadow"), StandardCharsets.UTF_8).startsWith("root:*:"));
        assertTrue(data.containsKey("etc/puipui/keys-only"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ImageLayout.assemble(MTIME, fs, userland, java.util.Map.of(), null, null));
        assertTrue(e.getMessage().contains("needs authorized keys"), e.getMessage());
    }

    @Test
    void sameInputsSameBytesAndAFixedGzipHeader() throws Exception {
        Path a = write("a.cpio.gz");
        Files.setLastModifiedTime(fs.resolve("etc/inittab"), java.nio.file.attribute.FileTime.fromMillis(0));
        Path b = write("b.cpio.gz");
        assertEquals(Sha256.of(a), Sha256.of(b));
        byte[] head = Files.readAllBytes(a);
        assertEquals(0x1f, head[0] & 0xff);
        assertEquals(0, head[3] & 0x08, "no file name in the gzip header");
        assertEquals(0, head[4] | head[5] | head[6] | head[7], "gzip mtime is zero");
    }

    /** The salt of root's hash: 16 characters after {@code root:$6$}. */
    private String salt(String password, long mtime) throws Exception {
        Path out = tmp.resolve("salt.cpio.gz");
        ImageLayout.assemble(mtime, fs, userland, Map.of(), password, null).write(out);
        Map<String, byte[]> data = new java.util.HashMap<>();
        read(out, data);
        return new String(data.get("etc/shadow"), StandardCharsets.UTF_8).substring("root:$6$".length(), "root:$6$".length() + 16);
    }

    @Test
    void theSaltOfRootsPasswordTellsNothingOfThePassword() throws Exception {
        // a salt computed from the password is itself a fast, unsalted hash of it: one SHA-512 per guess
        assertEquals(salt("passwd", MTIME), salt("a quite different password", MTIME), "the salt is the distro's");
        assertNotEquals(salt("passwd", MTIME), salt("passwd", MTIME + 1), "another timestamp, another salt");
    }

    @Test
    void theDigestFollowsTheContentAndNothingElse() throws Exception {
        Map<String, Integer> modes = Map.of("/etc/shadow", 0600);
        String before = ImageLayout.assemble(MTIME, fs, userland, modes, "passwd", null).digest();
        Files.setLastModifiedTime(fs.resolve("etc/inittab"), java.nio.file.attribute.FileTime.fromMillis(0));
        assertEquals(before, ImageLayout.assemble(MTIME, fs, userland, modes, "passwd", null).digest(), "host mtimes");
        List<String> changed = new ArrayList<>();
        Files.writeString(fs.resolve("etc/inittab"), "::sysinit:/etc/init.d/rcS\n::askfirst:-/bin/sh\n");
        changed.add(ImageLayout.assemble(MTIME, fs, userland, modes, "passwd", null).digest());
        changed.add(ImageLayout.assemble(MTIME, fs, userland, Map.of("/etc/shadow", 0640), "passwd", null).digest());
        changed.add(ImageLayout.assemble(MTIME, fs, userland, modes, "other", null).digest());
        changed.add(ImageLayout.assemble(MTIME + 1, fs, userland, modes, "passwd", null).digest());
        Files.writeString(fs.resolve("etc/motd"), "");
        changed.add(ImageLayout.assemble(MTIME + 1, fs, userland, modes, "passwd", null).digest());
        changed.add(before);
        assertEquals(changed.size(), changed.stream().distinct().count(), "content, mode, parameter, mtime, new entry");
    }

    @Test
    void cpioToolListsTheSameEntries() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/cpio"))) {
            return; // the archive is also read back above with Commons Compress
        }
        Path gz = write("t.cpio.gz");
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (InputStream in = new GzipCompressorInputStream(Files.newInputStream(gz))) {
            in.transferTo(raw);
        }
        Path cpioFile = tmp.resolve("t.cpio");
        Files.write(cpioFile, raw.toByteArray());
        Process p = new ProcessBuilder("cpio", "-t", "--quiet", "-F", cpioFile.toString()).redirectErrorStream(true).start();
        List<String> listed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, p.waitFor(), String.join("\n", listed));
        Map<String, byte[]> ignored = new LinkedHashMap<>();
        assertEquals(new ArrayList<>(read(gz, ignored).keySet()), listed);
    }

    @Test
    void rejectsUnsafePathsAndPasswords() {
        InitramfsWriter w = new InitramfsWriter(0);
        assertThrows(IllegalArgumentException.class, () -> w.add(CpioEntry.directory("/a/../b", 0755)));
        assertThrows(IllegalArgumentException.class, () -> w.add(CpioEntry.directory("relative", 0755)));
        assertThrows(IllegalArgumentException.class,
                () -> ImageLayout.assemble(0, fs, userland, Map.of(), "with\nnewline", null));
    }
}
