package io.github.puipui.kernel;

import java.nio.file.Path;
import java.util.Set;

import io.github.puipui.OutputTimestamp;
import io.github.puipui.toolchain.Arch;

/**
 * What one kernel build needs: the extracted source tree, an object directory of its own (the source is shared by
 * the arches), the kconfig file, the symbols allowed to be dropped, the pinned build identity, make's -j and an
 * optional compiler launcher (ccache, sccache, distcc; empty for none).
 */
public record KernelBuild(Arch arch, Path sourceDir, Path objectDir, Path kconfigFile, Set<String> allowedDrops,
        OutputTimestamp timestamp, int jobs, Path logFile, String compilerLauncher) {

    /** KBUILD_BUILD_USER and _HOST: pinned so that {@code uname -v} and /proc/version do not name the builder. */
    public static final String BUILD_USER = "puipui";
    public static final String BUILD_HOST = "puipui";
    public static final String BUILD_VERSION = "1";

    public Path image() {
        return objectDir.resolve(arch.imagePath());
    }

    public Path dotConfig() {
        return objectDir.resolve(".config");
    }
}
