package io.github.puipui;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Small source archives for tests. */
public final class TestArchives {
    private TestArchives() {
    }

    /** A tar.gz of text files (name → content); {@code configure}, {@code *.sh} and files in a {@code bin/} are executable. */
    public static Path tarGz(Path archive, Map<String, String> files) throws IOException {
        Map<String, byte[]> bytes = new java.util.TreeMap<>();
        files.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
        return tarGzBytes(archive, bytes);
    }

    public static Path tarGzBytes(Path archive, Map<String, byte[]> files) throws IOException {
        Files.createDirectories(archive.toAbsolutePath().getParent());
        try (OutputStream raw = Files.newOutputStream(archive);
                GzipCompressorOutputStream gz = new GzipCompressorOutputStream(raw);
                TarArchiveOutputStream out = new TarArchiveOutputStream(gz)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(f.getKey(), true);
                e.setSize(f.getValue().length);
                boolean exec = f.getKey().endsWith("configure") || f.getKey().endsWith(".sh") || f.getKey().contains("/bin/");
                e.setMode(exec ? 0100755 : 0100644);
                out.putArchiveEntry(e);
                out.write(f.getValue());
                out.closeArchiveEntry();
            }
        }
        return archive;
    }
}
