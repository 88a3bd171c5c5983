package io.github.puipui.initramfs;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

import io.github.puipui.files.FileTrees;
import io.github.puipui.files.Sha256;

/**
 * Writes a gzip-compressed newc cpio that the kernel unpacks as its initramfs, reproducibly and without root:
 * entries sorted by path with every parent directory present, owner root:root, one fixed mtime, inodes numbered in
 * order, device nodes written as entries, symbolic links kept; gzip level 9 with no file name and a fixed mtime.
 */
public final class InitramfsWriter {
    /** The version of how this writer packs and compresses an archive, part of the initramfs step's key. */
    public static final String VERSION = "initramfs 1";

    private final long mtime;
    private final Map<String, CpioEntry> entries = new TreeMap<>();

    public InitramfsWriter(long mtimeEpochSeconds) {
        this.mtime = mtimeEpochSeconds;
    }

    /** Adds (or replaces) an entry; missing parent directories are added with mode 0755. */
    public InitramfsWriter add(CpioEntry e) {
        if (!e.path().startsWith("/") || e.path().length() < 2 || e.path().endsWith("/") || e.path().contains("//")
                || ("/" + e.path() + "/").contains("/../") || ("/" + e.path() + "/").contains("/./")) {
            throw new IllegalArgumentException("not a clean absolute path: " + e.path());
        }
        for (int i = e.path().indexOf('/', 1); i > 0; i = e.path().indexOf('/', i + 1)) {
            entries.putIfAbsent(e.path().substring(0, i), CpioEntry.directory(e.path().substring(0, i), 0755));
        }
        entries.put(e.path(), e);
        return this;
    }

    /** Removes an entry and everything under it; true if there was one. */
    public boolean remove(String path) {
        boolean found = entries.remove(path) != null;
        return entries.keySet().removeIf(p -> p.startsWith(path + "/")) || found;
    }

    /**
     * Adds a directory tree under {@code prefix} ("" for the root): directories 0755, files 0755 if executable
     * else 0644, symbolic links as links. {@code modes} overrides modes by image path.
     */
    public InitramfsWriter addTree(Path root, Map<String, Integer> modes) throws IOException {
        for (FileTrees.Entry e : FileTrees.list(root)) {
            String p = "/" + e.relative();
            if (e.isDirectory()) {
                add(CpioEntry.directory(p, modes.getOrDefault(p, 0755)));
            } else if (e.isLink()) {
                add(CpioEntry.symlink(p, Files.readSymbolicLink(e.path()).toString()));
            } else if (e.isFile()) {
                add(CpioEntry.file(p, modes.getOrDefault(p, Files.isExecutable(e.path()) ? 0755 : 0644), e.path()));
            } else {
                throw new IOException("unsupported file type in the image tree: " + e.path());
            }
        }
        return this;
    }

    public List<CpioEntry> entries() {
        return new ArrayList<>(entries.values());
    }

    /**
     * The sha256 of everything {@link #write} puts in the archive: the mtime and, per entry in order, its path,
     * kind, mode, link target, device numbers and content. Equal digests mean equal archives.
     */
    public String digest() throws IOException {
        java.security.MessageDigest md = Sha256.newDigest();
        md.update(("initramfs newc gzip-9 mtime=" + mtime + "\n").getBytes(StandardCharsets.UTF_8));
        for (CpioEntry e : entries.values()) {
            byte[] content = e.kind() != CpioEntry.Kind.FILE ? new byte[0]
                    : e.data() != null ? e.data() : Files.readAllBytes(e.source());
            md.update(String.format("%s %s %o %s %d:%d %d%n", e.path(), e.kind(), e.mode(), e.linkTarget(),
                    e.devMajor(), e.devMinor(), content.length).getBytes(StandardCharsets.UTF_8));
            md.update(content);
        }
        return Sha256.hex(md.digest());
    }

    /** Writes {@code <target>} atomically (temporary file, then rename). */
    public void write(Path target) throws IOException {
        FileTrees.writeAtomically(target, tmp -> {
            try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                GzipParameters gz = new GzipParameters();
                gz.setCompressionLevel(9);
                gz.setModificationTime(0);
                gz.setOperatingSystem(3);
                try (GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(file, gz)) {
                    writeCpio(gzip);
                }
            }
        });
    }

    /** Writes the uncompressed newc archive. */
    public void writeCpio(OutputStream out) throws IOException {
        CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(out, CpioConstants.FORMAT_NEW, 512,
                StandardCharsets.UTF_8.name());
        long ino = 1;
        byte[] buf = new byte[1 << 16];
        for (CpioEntry e : entries.values()) {
            CpioArchiveEntry ce = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, e.archiveName());
            ce.setInode(ino++);
            ce.setUID(0);
            ce.setGID(0);
            ce.setTime(mtime);
            ce.setDeviceMaj(0);
            ce.setDeviceMin(0);
            byte[] data = null;
            switch (e.kind()) {
                case DIRECTORY -> {
                    ce.setMode(CpioConstants.C_ISDIR | e.mode());
                    ce.setNumberOfLinks(2);
                    ce.setSize(0);
                }
                case FILE -> {
                    ce.setMode(CpioConstants.C_ISREG | e.mode());
                    ce.setNumberOfLinks(1);
                    ce.setSize(e.data() != null ? e.data().length : Files.size(e.source()));
                    data = e.data();
                }
                case SYMLINK -> {
                    ce.setMode(CpioConstants.C_ISLNK | 0777);
                    ce.setNumberOfLinks(1);
                    data = e.linkTarget().getBytes(StandardCharsets.UTF_8);
                    ce.setSize(data.length);
                }
                case CHAR_DEVICE -> {
                    ce.setMode(CpioConstants.C_ISCHR | e.mode());
                    ce.setNumberOfLinks(1);
                    ce.setSize(0);
                    ce.setRemoteDeviceMaj(e.devMajor());
                    ce.setRemoteDeviceMin(e.devMinor());
                }
                default -> throw new IllegalStateException();
            }
            cpio.putArchiveEntry(ce);
            if (data != null) {
                cpio.write(data);
            } else if (e.kind() == CpioEntry.Kind.FILE) {
                try (InputStream in = Files.newInputStream(e.source(), LinkOption.NOFOLLOW_LINKS)) {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        cpio.write(buf, 0, n);
                    }
                }
            }
            cpio.closeArchiveEntry();
        }
        cpio.finish();
    }
}
