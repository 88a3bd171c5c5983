package io.github.puipui.maven;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import org.apache.maven.plugin.AbstractMojoExecutionException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Parameter;

import io.github.puipui.kernel.KernelBuild;
import io.github.puipui.pipeline.DistroBuild;
import io.github.puipui.process.ArchRunner;
import io.github.puipui.Arch;

/** Parameters of the goals that run the kernel's make. */
abstract class AbstractKernelMojo extends AbstractPuipuiMojo {

    /**
     * Build the arches at the same time, each in its own work directory, with make's -j split between them.
     * The outputs are the same as those of a serial build.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.parallelArches", defaultValue = "false")
    private boolean parallelArches;

    /**
     * The puipui-distro project that aggregator goals (update-kconfig, run) apply to when run above it.
     *
     * @since 0.1.0
     */
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
                List<io.github.puipui.toolchain.HostTools.Requirement> needed = new ArrayList<>(requirements.apply(arch));
                if (!compilerLauncher().isEmpty()) {
                    String launcher = compilerLauncher().split("\\s+")[0];
                    // ccache, sccache and distcc are packaged under their own names
                    needed.add(io.github.puipui.toolchain.HostTools.Requirement.program(launcher, launcher));
                }
                new io.github.puipui.toolchain.HostTools().require(arch + " " + step, needed);
            } catch (io.github.puipui.toolchain.MissingHostToolException e) {
                throw new org.apache.maven.plugin.MojoFailureException(e.getMessage());
            }
        }
    }

    /** The kernel build of an arch from the given source tree, with this goal's -j. */
    protected final KernelBuild kernelBuild(Arch arch, Path source) throws MojoExecutionException,
            org.apache.maven.plugin.MojoFailureException {
        kconfigFile(arch);
        DistroBuild build = distroBuild();
        return core("kernel config", () -> build.kernelBuild(arch, source, jobs()));
    }

    /**
     * Runs {@code task} for each arch: in order, or with {@code -Dpuipui.parallelArches} all at once with the jobs
     * split between them (see {@link ArchRunner}).
     */
    protected final void forEachArch(String step, List<Arch> archs,
            ArchRunner.Task<AbstractMojoExecutionException> task)
            throws MojoExecutionException, org.apache.maven.plugin.MojoFailureException {
        ArchRunner runner = new ArchRunner(parallelArches, jobs());
        ArchRunner.Task<AbstractMojoExecutionException> timed = (arch, jobs) -> {
            long start = System.nanoTime();
            task.run(arch, jobs);
            archTimes().add(arch, step, (System.nanoTime() - start) / 1e9);
        };
        if (parallelArches && archs.size() > 1) {
            getLog().info("building " + archs + " in parallel, make -j" + runner.jobsEach(archs.size()) + " each");
        }
        try {
            runner.run(archs, timed);
        } catch (org.apache.maven.plugin.MojoFailureException | MojoExecutionException e) {
            throw e;
        } catch (AbstractMojoExecutionException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException("interrupted", e);
        }
    }
}
