package io.github.puipui.kernel;

import java.nio.file.Path;
import java.util.Set;

import io.github.puipui.OutputTimestamp;
import io.github.puipui.Arch;

/**
 * What one kernel build needs: the extracted source tree, an object directory of its own (the source is shared by
 * the arches), the kconfig file, the symbols allowed to be dropped, the pinned build identity, make's -j and an
 * optional compiler launcher (ccache, sccache, distcc; empty for none), and the zopfli iterations for a gzip image
 * (0: keep make's {@code gzip -9}).
 */
public record KernelBuild(Arch arch, Path sourceDir, Path objectDir, Path kconfigFile, Set<String> allowedDrops,
        OutputTimestamp timestamp, int jobs, Path logFile, String compilerLauncher, int zopfliIterations) {

    /** KBUILD_BUILD_USER and _HOST: pinned so that {@code uname -v} and /proc/version do not name the builder. */
    public static final String BUILD_USER = "puipui";
    public static final String BUILD_HOST = "puipui";
    public static final String BUILD_VERSION = "1";

    public Path image() {
        return objectDir.resolve(arch.imagePath());
    }

    /** True if the image is recompressed with zopfli: a gzip image (aarch64's Image.gz) and iterations asked. */
    public boolean zopfli() {
        return zopfliIterations > 0 && arch.gzipImage();
    }

    public Path dotConfig() {
        return objectDir.resolve(".config");
    }
}
