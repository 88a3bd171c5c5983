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
 * Refreshes the kconfig file {@code ARCH.config} of the kconfig directory for the selected arches (see {@link KconfigUpdater}),
 * or, in a distro with kconfig fragments (a derived distro, a kernel line), the last fragment of each arch with what
 * its kernel makes of the merged config.
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
        Map<String, String> overrides = Kconfig.environmentOverrides(System.getenv());
        List<Arch> archs = archs();
        requireHostTools("kernel", archs, HostTools::forKernel);
        Path source = sourceTree("linux");
        KconfigUpdater updater = new KconfigUpdater(new ProcessRunner(buildLog()), buildLog());
        if (isDerived() || !kconfigFragments.isEmpty()) {
            refreshFragments(updater, archs, source, overrides);
            return;
        }
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

    /**
     * A distro whose kernel config is its base's or its kconfig files with fragments merged on: each arch's last
     * fragment of the POM takes what this distro's kernel makes of the merged config (see
     * {@link KconfigUpdater#prepareFragment}), every arch prepared before any fragment is written.
     */
    private void refreshFragments(KconfigUpdater updater, List<Arch> archs, Path source, Map<String, String> overrides)
            throws MojoExecutionException, MojoFailureException {
        List<KconfigUpdater.PreparedFragment> prepared = new java.util.ArrayList<>();
        try {
            for (Arch arch : archs) {
                Path fragment = kconfigFragments.stream().map(KconfigFragmentParameter::toFragment)
                        .filter(f -> f.appliesTo(arch.id())).map(io.github.puipui.distro.KconfigFragment::file)
                        .reduce((first, last) -> last).orElseThrow(() -> new MojoFailureException("update-kconfig: this"
                                + " distro's kernel config is " + (isDerived() ? "its base's (" + base + ")" : "its"
                                + " kconfig files") + " with its <kconfigFragments> merged on, and none applies to "
                                + arch + ": declare one (an empty file will do) for update-kconfig to write what this"
                                + " kernel changes into"));
                prepared.add(updater.prepareFragment(kernelBuild(arch, source), fragment, overrides));
            }
            for (KconfigUpdater.PreparedFragment p : prepared) {
                updater.write(p);
            }
        } catch (BuildStepException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException("update-kconfig: " + e.getMessage(), e);
        }
    }
}
