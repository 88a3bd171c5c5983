package io.github.puipui.userland;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.puipui.process.BuildStepException;

/**
 * {@code ./configure --host=<triple> --prefix=/usr --disable-shared --enable-static <configureArgs>} (unless the
 * source tree ships a {@code Makefile}: a project with a hand-written configure script is the {@code make} recipe's)
 * with {@code <configureEnv>}, then {@code make <makeArgs>}. A library ({@code <staging>true}) is configured with the
 * staging prefix and installed there with {@code make install} and the {@code VAR=value} entries of {@code <makeArgs>}.
 */
final class AutotoolsRecipe implements Recipe {
    @Override
    public String version() {
        return "autotools 1";
    }

    @Override
    public void build(ComponentBuild b) throws IOException, BuildStepException {
        Map<String, String> env = b.recipeEnvironment();
        if (!Files.isRegularFile(b.sourceDir().resolve("Makefile"))) {
            String prefix = b.installPrefix();
            List<String> cmd = new ArrayList<>(List.of("./configure", "--host=" + b.toolchain().hostTriple(),
                    "--prefix=" + prefix, "--disable-shared", "--enable-static"));
            cmd.addAll(b.expandAll(b.component().configureArgs()));
            b.run("configure", cmd, env);
        }
        b.make(b.expandAll(b.component().makeArgs()), env);
        if (b.component().stagesLibrary()) {
            List<String> install = new ArrayList<>(List.of("install"));
            install.addAll(b.makeVariables());
            b.make(install, env);
        }
    }
}
