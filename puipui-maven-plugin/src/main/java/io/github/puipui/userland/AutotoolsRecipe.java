package io.github.puipui.userland;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.puipui.process.BuildStepException;

/** {@code ./configure --host=<triple> --prefix=/usr <configureArgs>} then {@code make <makeArgs>}. */
final class AutotoolsRecipe implements Recipe {
    @Override
    public void build(ComponentBuild b) throws IOException, BuildStepException {
        Map<String, String> env = b.environment();
        b.component().configureEnv().forEach((k, v) -> env.put(k, b.expand(v)));
        if (!Files.isRegularFile(b.sourceDir().resolve("Makefile"))) {
            List<String> cmd = new ArrayList<>(List.of("./configure", "--host=" + b.toolchain().hostTriple(),
                    "--prefix=/usr", "--disable-shared", "--enable-static"));
            cmd.addAll(b.expandAll(b.component().configureArgs()));
            b.run("configure", cmd, env);
        }
        b.make(b.expandAll(b.component().makeArgs()), env);
    }
}
