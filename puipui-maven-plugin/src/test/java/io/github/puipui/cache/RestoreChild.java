package io.github.puipui.cache;

import java.nio.file.Path;

import io.github.puipui.BuildLog;

/** Restores one build cache entry in a JVM of its own (a small heap): {@code ROOT KEY TARGET}; exit 0 when restored. */
public final class RestoreChild {
    private RestoreChild() {
    }

    public static void main(String[] args) throws Exception {
        boolean restored = TieredCache.of(new DirectoryStore(Path.of(args[0]), 1L << 40, BuildLog.SILENT),
                BuildLog.SILENT).restore("child", args[1], Path.of(args[2]), "/relocated");
        System.exit(restored ? 0 : 1);
    }
}
