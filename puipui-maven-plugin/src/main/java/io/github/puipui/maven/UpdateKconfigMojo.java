package io.github.puipui.maven;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import io.github.puipui.kernel.Kconfig;
import io.github.puipui.kernel.KconfigUpdater;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.process.ProcessRunner;
import io.github.puipui.Arch;
import io.github.puipui.toolchain.HostTools;

/**
 * Refreshes the kconfig file {@code ARCH.config} of the kconfig directory for the selected arches (see {@link KconfigUpdater}).
 * {@code CONFIG_*} environment variables are applied as overrides. Run at the top of a repository whose distro is
 * not a reactor module, it runs itself in {@code distroDirectory}, with the same profiles and properties.
 *
 * @since 0.1.0
 */
@Mojo(name = "update-kconfig", aggregator = true, threadSafe = true)
public class UpdateKconfigMojo extends AbstractKernelMojo {


    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (forwardedToDistro("update-kconfig")) {
            return;
        }
        if (isDerived() || !kconfigFragments.isEmpty()) {
            throw new MojoFailureException("update-kconfig refreshes a distro's own kconfig files; this one's kernel"
                    + " config is " + (isDerived() ? "its base's (" + base + ")" : "its kconfig files")
                    + (kconfigFragments.isEmpty() ? "" : " with the fragments " + kconfigFragments + " merged on")
                    + ". Its fragments are checked by the kconfig guard of every kernel build.");
        }
        Map<String, String> overrides = Kconfig.environmentOverrides(System.getenv());
        List<Arch> archs = archs();
        requireHostTools("kernel", archs, HostTools::forKernel);
        Path source = sourceTree("linux");
        KconfigUpdater updater = new KconfigUpdater(new ProcessRunner(buildLog()), buildLog());
        // every arch is prepared before any file is written: a failure leaves all of them as they were
        List<KconfigUpdater.Prepared> prepared = new java.util.ArrayList<>();
        try {
            for (Arch arch : archs) {
                prepared.add(updater.prepare(kernelBuild(arch, source), overrides));
            }
            for (KconfigUpdater.Prepared p : prepared) {
                updater.write(p);
            }
        } catch (BuildStepException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException("update-kconfig: " + e.getMessage(), e);
        }
    }
}
