package io.github.puipui.files;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * A gzip tarball of a tree under one top directory, the same bytes for the same content: entries sorted by name,
 * every parent directory listed, owner root:root (0/0), one fixed mtime, modes 0755 (directories, executables),
 * 0644 (other files) and 0777 (links), a gzip header without a time.
 */
public final class ReproducibleTar {
    private ReproducibleTar() {
    }

    /**
     * Writes {@code target} atomically: under {@code top/}, the files, links and directories of {@code tree} (name in
     * the tarball → path) and the bytes of {@code files} (name → content), all with {@code mtime} (epoch seconds).
     */
    public static void write(Path target, String top, Map<String, Path> tree, Map<String, byte[]> files, long mtime)
            throws IOException {
        FileTrees.writeAtomically(target, tmp -> writeTar(tmp, top, tree, files, mtime));
    }

    private static void writeTar(Path tmp, String top, Map<String, Path> tree, Map<String, byte[]> files, long mtime)
            throws IOException {
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tmp))) {
            GzipParameters gz = new GzipParameters();
            gz.setCompressionLevel(9);
            gz.setModificationTime(0);
            gz.setOperatingSystem(3);
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(file, gz),
                    StandardCharsets.UTF_8.name())) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                Map<String, Object> all = new TreeMap<>();
                all.putAll(tree);
                all.putAll(files);
                java.util.Set<String> dirs = new java.util.TreeSet<>();
                for (String name : all.keySet()) {
                    for (int i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
                        dirs.add(name.substring(0, i));
                    }
                }
                for (String dir : tree.keySet()) {
                    if (tree.get(dir) != null && Files.isDirectory(tree.get(dir), LinkOption.NOFOLLOW_LINKS)) {
                        dirs.add(dir);
                    }
                }
                Map<String, Object> entries = new TreeMap<>(all);
                dirs.forEach(dir -> entries.putIfAbsent(dir, null));
                entry(tar, top + "/", TarArchiveEntry.LF_DIR, 0755, null, null, mtime);
                for (Map.Entry<String, Object> e : entries.entrySet()) {
                    String name = top + "/" + e.getKey();
                    Object v = e.getValue();
                    if (v == null || (v instanceof Path p && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
                        entry(tar, name + "/", TarArchiveEntry.LF_DIR, 0755, null, null, mtime);
                    } else if (v instanceof Path p && Files.isSymbolicLink(p)) {
                        entry(tar, name, TarArchiveEntry.LF_SYMLINK, 0777, null, Files.readSymbolicLink(p).toString(), mtime);
                    } else if (v instanceof Path p) {
                        entry(tar, name, TarArchiveEntry.LF_NORMAL, Files.isExecutable(p) ? 0755 : 0644,
                                Files.readAllBytes(p), null, mtime);
                    } else {
                        entry(tar, name, TarArchiveEntry.LF_NORMAL, 0644, (byte[]) v, null, mtime);
                    }
                }
                tar.finish();
            }
        }
    }

    private static void entry(TarArchiveOutputStream tar, String name, byte type, int mode, byte[] data, String link,
            long mtime) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, type);
        e.setMode(mode);
        e.setIds(0, 0);
        e.setNames("root", "root");
        e.setModTime(mtime * 1000);
        if (link != null) {
            e.setLinkName(link);
        }
        if (data != null) {
            e.setSize(data.length);
        }
        tar.putArchiveEntry(e);
        if (data != null) {
            tar.write(data);
        }
        tar.closeArchiveEntry();
    }
}
