package io.github.puipui.cache;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.github.puipui.BuildLog;
import io.github.puipui.TestArchives;
import io.github.puipui.fetch.Extractor;
import io.github.puipui.fetch.SourceCache;
import io.github.puipui.files.Sha256;

/**
 * What a build does to a fresh user cache, in a JVM of its own that {@link SharedCacheTest} starts under another
 * umask: takes its areas, stores a build output, caches a source archive and extracts a source tree.
 */
public final class UmaskChild {
    private UmaskChild() {
    }

    public static void main(String[] a) throws Exception {
        Path root = Path.of(a[0]);
        UserCache user = new UserCache(root, root.resolveSibling("private"), BuildLog.SILENT);
        Path outputs = user.rootFor("outputs").resolve("outputs");
        Path out = Files.createDirectories(root.resolveSibling("step-out"));
        Files.writeString(out.resolve("Image"), "kernel");
        new DirectoryStore(outputs, Long.MAX_VALUE, BuildLog.SILENT).store(EntryLayout.key("umask"), "umask", out, null);
        Path archive = TestArchives.tarGz(root.resolveSibling("pkg-1.0.tar.gz"), Map.of("pkg-1.0/configure", "#!/bin/sh\n"));
        SourceCache sources = new SourceCache(user.rootFor("sha256", "tmp"), BuildLog.SILENT);
        Path part = sources.newTempFile("pkg-1.0.tar.gz");
        Files.copy(archive, part);
        sources.store(Sha256.of(archive), "pkg-1.0.tar.gz", part);
        new Extractor(Extractor.Kind.SOURCE).extract(archive, Sha256.of(archive),
                user.rootFor("src").resolve("src").resolve("pkg-1.0"));
    }
}
