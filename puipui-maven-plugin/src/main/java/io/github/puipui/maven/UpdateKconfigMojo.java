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
        // a distro with fragments (a derived one, a kernel line) keeps its changes there, not in the kconfig files
        boolean fragments = isDerived() || !kconfigFragments.isEmpty();
        // every arch is prepared before any file is written: a failure leaves all of them as they were
        List<Write> writes = new java.util.ArrayList<>();
        try {
            for (Arch arch : archs) {
                if (fragments) {
                    KconfigUpdater.PreparedFragment p = updater.prepareFragment(kernelBuild(arch, source),
                            fragmentFor(arch), overrides);
                    writes.add(() -> updater.write(p));
                } else {
                    KconfigUpdater.Prepared p = updater.prepare(kernelBuild(arch, source), overrides);
                    writes.add(() -> updater.write(p));
                }
            }
            for (Write w : writes) {
                w.run();
            }
        } catch (BuildStepException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException("update-kconfig: " + e.getMessage(), e);
        }
    }

    /** A prepared file, to be written once every arch is prepared. */
    private interface Write {
        void run() throws IOException;
    }

    /**
     * The fragment that takes what this distro's kernel makes of its merged config for {@code arch} (see
     * {@link KconfigUpdater#prepareFragment}): the POM's last fragment that applies to it.
     */
    private Path fragmentFor(Arch arch) throws MojoFailureException {
        return kconfigFragments.stream().map(KconfigFragmentParameter::toFragment)
                .filter(f -> f.appliesTo(arch.id())).map(io.github.puipui.distro.KconfigFragment::file)
                .reduce((first, last) -> last).orElseThrow(() -> new MojoFailureException("update-kconfig: this"
                        + " distro's kernel config is " + (isDerived() ? "its base's (" + base + ")" : "its"
                        + " kconfig files") + " with its <kconfigFragments> merged on, and none applies to "
                        + arch + ": declare one (an empty file will do) for update-kconfig to write what this"
                        + " kernel changes into"));
    }
}
