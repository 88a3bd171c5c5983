package io.github.puipui.maven;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

import io.github.puipui.cache.CachedStep;
import io.github.puipui.cache.OutputCache;
import io.github.puipui.fetch.FetchException;
import io.github.puipui.fetch.Fetcher;
import io.github.puipui.fetch.Sha256;
import io.github.puipui.kernel.KernelBuild;
import io.github.puipui.kernel.KernelBuilder;
import io.github.puipui.kernel.KernelInputs;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.process.ProcessRunner;
import io.github.puipui.toolchain.Arch;
import io.github.puipui.toolchain.HostTools;

/**
 * Builds the kernel of each arch from {@code <kconfigDirectory>/<arch>.config}: Image.gz and Image (aarch64),
 * bzImage and the PVH-bootable ELF vmlinux (x86_64).
 * A kernel whose inputs are unchanged is not rebuilt; one whose inputs match a build cache entry is taken from it.
 */
@Mojo(name = "kernel", defaultPhase = LifecyclePhase.COMPILE, threadSafe = true)
public class KernelMojo extends AbstractKernelMojo {

    /** Everything the kernel image depends on, as text; its digest is the kernel's key (see {@link KernelInputs}). */
    private String kernelInputs(Arch arch, String sourceSha256) throws MojoExecutionException {
        // the source tree is not an input (its digest is): any directory stands for it here
        return KernelInputs.of(kernelBuild(arch, workDirectory.toPath()), sha256(kconfigFile(arch)), sourceSha256,
                pluginIdentity());
    }

    private static String sha256(Path file) throws MojoExecutionException {
        try {
            return Sha256.of(file);
        } catch (IOException e) {
            throw new MojoExecutionException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skipping("building kernels")) {
            return;
        }
        List<Arch> archs = archs();
        requireHostTools("kernel", archs, arch -> HostTools.forKernel(arch, zopfliIterations() > 0));
        Fetcher.Fetched linux;
        try {
            linux = fetcher().fetch(source("linux"));
        } catch (FetchException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
        OutputCache cache = outputCache();
        forEachArch(archs, (arch, jobs) -> buildKernel(arch, jobs, linux, cache));
    }

    private void buildKernel(Arch arch, int jobs, Fetcher.Fetched linux, OutputCache cache)
            throws MojoExecutionException, MojoFailureException {
        // the image and its resolved .config, as stored in the build cache
        Path outputs = workDirectory.toPath().resolve(arch.id()).resolve("kernel.out");
        try {
            new CachedStep(cache, buildLog()).run(arch + " kernel", outputs, kernelInputs(arch, linux.sha256()), null,
                    partial -> {
                        KernelBuild b;
                        try {
                            b = kernelBuild(arch, sourceTree("linux"), jobs);
                        } catch (MojoExecutionException e) {
                            throw new IOException(e.getMessage(), e);
                        }
                        KernelBuilder builder = new KernelBuilder(new ProcessRunner(buildLog()), buildLog());
                        Files.copy(builder.build(b), partial.resolve(arch.imageName()));
                        Files.copy(builder.uncompressedImage(b), partial.resolve(arch.uncompressedImageName()));
                        Files.copy(b.dotConfig(), partial.resolve("kernel.config"));
                    });
            for (String f : List.of(arch.imageName(), arch.uncompressedImageName(), "kernel.config")) {
                CachedStep.publish(outputs.resolve(f), outputDirectory(arch).resolve(f));
            }
        } catch (BuildStepException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException(arch + " kernel: " + e.getMessage(), e);
        }
    }
}
