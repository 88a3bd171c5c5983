package io.github.puipui.maven;

import java.util.List;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

import io.github.puipui.pipeline.DistroBuild;
import io.github.puipui.Arch;
import io.github.puipui.toolchain.HostTools;

/**
 * Builds the kernel of each arch from its kconfig file (with the kconfig fragments merged on): Image.gz and Image
 * (aarch64), bzImage and the PVH-bootable ELF vmlinux (x86_64). A kernel whose inputs are unchanged is not rebuilt;
 * one whose inputs match a build cache entry is taken from it.
 *
 * @since 0.1.0
 */
@Mojo(name = "kernel", defaultPhase = LifecyclePhase.COMPILE, threadSafe = true)
public class KernelMojo extends AbstractKernelMojo {

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skipping("building kernels")) {
            return;
        }
        List<Arch> archs = archs();
        for (Arch arch : archs) {
            kconfigFile(arch);
        }
        DistroBuild build = distroBuild();
        List<Arch> toBuild = new java.util.ArrayList<>();
        for (Arch arch : archs) {
            if (!core("planning the kernel", () -> build.kernelFromBase(arch))) {
                toBuild.add(arch);
            }
        }
        // host tools and the kernel source only for a kernel that is not the base's
        requireHostTools("kernel", toBuild, arch -> HostTools.forKernel(arch, zopfliIterations() > 0));
        // the source only for a kernel that is neither up to date nor in the build cache (or its remote tier)
        java.util.Set<String> sources = new java.util.LinkedHashSet<>();
        for (Arch arch : toBuild) {
            sources.addAll(core("planning the kernel", () -> build.kernelSourcesToFetch(arch)));
        }
        core("fetching the kernel", () -> build.fetchAll(sources));
        forEachArch("kernel", archs, (arch, jobs) -> core(arch + " kernel", () -> build.kernel(arch, jobs)));
    }
}
