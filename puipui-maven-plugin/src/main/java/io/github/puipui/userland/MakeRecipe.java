package io.github.puipui.userland;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.puipui.files.ConfinedPaths;
import io.github.puipui.process.BuildStepException;

/**
 * A plain Makefile, or a project's own configure script and its Makefile. With {@code <configureScript>} (a path in
 * the source tree), that script runs first with {@code <configureArgs>} only: nothing is added, since such scripts
 * take options of their own ({@code --cc={cc}}, {@code --static}). Then {@code make -j<jobs> CC=… AR=… RANLIB=…
 * <makeArgs>}: the toolchain's tools are given as make variables too, because plain Makefiles often set them
 * themselves. A library ({@code <staging>true}) is then installed with {@code make install PREFIX={staging}
 * prefix={staging}} and the {@code VAR=value} entries of {@code <makeArgs>}.
 */
final class MakeRecipe implements Recipe {
    @Override
    public String version() {
        return "make 1";
    }

    @Override
    public void build(ComponentBuild b) throws IOException, BuildStepException {
        Map<String, String> env = b.recipeEnvironment();
        String script = b.component().configureScript();
        if (script != null) {
            String rel = ConfinedPaths.relative("component " + b.component().name() + ": configureScript", script);
            if (!Files.isRegularFile(b.sourceDir().resolve(rel))) {
                throw new BuildStepException("component " + b.component().name() + ": configureScript " + rel
                        + " is not in the source tree");
            }
            List<String> configure = new ArrayList<>(List.of("./" + rel));
            configure.addAll(b.expandAll(b.component().configureArgs()));
            b.run("configure", configure, env);
        }
        List<String> tools = new ArrayList<>();
        for (String v : List.of("CC", "AR", "RANLIB", "STRIP", "NM", "LD")) {
            tools.add(v + "=" + env.get(v));
        }
        List<String> args = new ArrayList<>(tools);
        args.addAll(b.expandAll(b.component().makeArgs()));
        b.make(args, env);
        if (b.component().stagesLibrary()) {
            List<String> install = new ArrayList<>(List.of("install", "PREFIX=" + b.stagingDir(), "prefix=" + b.stagingDir()));
            install.addAll(tools);
            install.addAll(b.makeVariables());
            b.make(install, env);
        }
    }
}
