package io.github.puipui.userland;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.puipui.process.BuildStepException;

/**
 * Busybox: the declared full {@code .config} (component {@code <config>}), completed non-interactively, then make
 * with the toolchain's compiler, then {@code make busybox.links}: the list of every applet's path, which a
 * {@code <linkList>} turns into links in the image (it needs the generated headers, so it cannot run in the same
 * parallel make). The build identity (KCONFIG_NOTIMESTAMP, SOURCE_DATE_EPOCH) is pinned.
 */
final class BusyboxRecipe implements Recipe {
    @Override
    public String version() {
        return "busybox 1";
    }

    @Override
    public void build(ComponentBuild b) throws IOException, BuildStepException {
        if (b.component().config() == null) {
            throw new BuildStepException("component " + b.component().name() + ": the busybox recipe needs <config>");
        }
        Path config = Path.of(b.component().config());
        Path dotConfig = b.sourceDir().resolve(".config");
        if (!Files.exists(dotConfig) || Files.mismatch(config, dotConfig) != -1L) {
            Files.copy(config, dotConfig, StandardCopyOption.REPLACE_EXISTING);
        }
        Map<String, String> env = b.environment();
        env.put("KCONFIG_NOTIMESTAMP", "1");
        env.put("KBUILD_BUILD_USER", "puipui");
        env.put("KBUILD_BUILD_HOST", "puipui");
        List<String> args = new ArrayList<>(List.of("CC=" + b.environment().get("CC"), "CROSS_COMPILE=" + b.toolchain().binutilsPrefix(),
                "HOSTCC=gcc", "CONFIG_EXTRA_CFLAGS=", "SKIP_STRIP=y"));
        args.addAll(b.expandAll(b.component().makeArgs()));
        b.make(args, env);
        args.add("busybox.links");
        b.make(args, env);
    }
}
