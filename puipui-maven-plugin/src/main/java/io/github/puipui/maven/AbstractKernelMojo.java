package io.github.puipui.maven;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Parameter;

import io.github.puipui.kernel.KernelBuild;
import io.github.puipui.toolchain.Arch;

/** Parameters of the goals that run the kernel's make. */
abstract class AbstractKernelMojo extends AbstractPuipuiMojo {

    /** Symbols the kconfig guard may see dropped by olddefconfig (intended drops). */
    @Parameter
    private List<String> allowedKconfigDrops = new ArrayList<>();

    /** make -j; default: the number of available processors. */
    @Parameter(property = "puipui.jobs")
    private Integer jobs;

    @Parameter(defaultValue = "${plugin.version}", readonly = true)
    protected String pluginVersion;

    /** The puipui-distro project that aggregator goals (update-kconfig, run) apply to when run above it. */
    @Parameter(property = "puipui.distroDirectory")
    private java.io.File distroDirectory;

    /**
     * For a goal run in a project that is not a puipui-distro (the top-level aggregator): runs it in
     * {@code distroDirectory} instead and returns true.
     */
    protected final boolean forwardedToDistro(String goal) throws MojoExecutionException {
        if ("puipui-distro".equals(project.getPackaging())) {
            return false;
        }
        DistroForwarder.run(session, distroDirectory, pluginVersion, goal, project.getArtifactId(), getLog());
        return true;
    }

    /** Fails before any work, naming every missing host program and its package, for all the given arches. */
    protected final void requireHostTools(String step, List<Arch> archs,
            java.util.function.Function<Arch, List<io.github.puipui.toolchain.HostTools.Requirement>> requirements)
            throws org.apache.maven.plugin.MojoFailureException {
        for (Arch arch : archs) {
            try {
                new io.github.puipui.toolchain.HostTools().require(arch + " " + step, requirements.apply(arch));
            } catch (io.github.puipui.toolchain.MissingHostToolException e) {
                throw new org.apache.maven.plugin.MojoFailureException(e.getMessage());
            }
        }
    }

    protected final int jobs() {
        return jobs != null && jobs > 0 ? jobs : Runtime.getRuntime().availableProcessors();
    }

    protected final KernelBuild kernelBuild(Arch arch, Path source) throws MojoExecutionException {
        Path archDir = workDirectory.toPath().resolve(arch.id());
        return new KernelBuild(arch, source, archDir.resolve("linux"), kconfigFile(arch),
                new LinkedHashSet<>(allowedKconfigDrops), timestamp(), jobs(), archDir.resolve("logs/kernel.log"));
    }
}
