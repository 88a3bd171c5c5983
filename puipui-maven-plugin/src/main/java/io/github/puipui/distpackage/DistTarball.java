package io.github.puipui.distpackage;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.TreeMap;

import org.codehaus.plexus.archiver.ArchiverException;
import org.codehaus.plexus.archiver.tar.TarArchiver;
import org.codehaus.plexus.archiver.tar.TarLongFileMode;

import io.github.puipui.files.FileTrees;

/**
 * Packs an arch's files at the root of a gzip tarball with Plexus Archiver, reproducibly: entries sorted by name,
 * owner root:root (0/0), mode 0644, one fixed mtime.
 */
public final class DistTarball {
    private DistTarball() {
    }

    /** {@code files}: name in the tarball → file. */
    public static void write(Path target, Map<String, Path> files, FileTime mtime) throws IOException {
        FileTrees.writeAtomically(target, tmp -> {
            TarArchiver tar = new TarArchiver();
            tar.setCompression(TarArchiver.TarCompressionMethod.gzip);
            tar.setLongfile(TarLongFileMode.posix);
            tar.configureReproducibleBuild(mtime);
            tar.setDestFile(tmp.toFile());
            for (Map.Entry<String, Path> e : new TreeMap<>(files).entrySet()) {
                File f = e.getValue().toFile();
                if (!f.isFile()) {
                    throw new IOException("missing " + f + " for " + target.getFileName());
                }
                tar.addFile(f, e.getKey(), 0644);
            }
            try {
                tar.createArchive();
            } catch (ArchiverException e) {
                throw new IOException("cannot write " + target + ": " + e.getMessage(), e);
            }
        });
    }
}
