package io.github.puipui.maven;

import java.util.List;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

import io.github.puipui.pipeline.DistroBuild;
import io.github.puipui.Arch;
import io.github.puipui.userland.UserlandBuilder;

/**
 * Builds the userland components of each arch, static against musl, into {@code target/puipui/ARCH/userland}.
 *
 * @since 0.1.0
 */
@Mojo(name = "userland", defaultPhase = LifecyclePhase.COMPILE, threadSafe = true)
public class UserlandMojo extends AbstractKernelMojo {

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skipping("building userland")) {
            return;
        }
        List<Arch> archs = archs();
        DistroBuild build = distroBuild();
        requireHostTools("userland", archs, build::userlandHostTools);
        // the sources only of what is neither up to date nor in the build cache (or its remote tier)
        java.util.Set<String> sources = new java.util.LinkedHashSet<>();
        for (Arch arch : archs) {
            sources.addAll(core("planning the userland", () -> build.userlandSourcesToFetch(arch)));
        }
        core("fetching the sources", () -> build.fetchAll(sources));
        forEachArch("userland", archs, (arch, jobs) -> {
            List<UserlandBuilder.Installed> installed = core(arch + " userland", () -> build.userland(arch, jobs));
            for (UserlandBuilder.Installed i : installed) {
                getLog().info(String.format("%s %-22s %,10d bytes (%s)", arch, i.imagePath(), i.size(), i.how()));
            }
        });
    }
}
