package io.github.puipui.maven;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

import io.github.puipui.kernel.KernelBuild;
import io.github.puipui.kernel.KernelBuilder;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.process.ProcessRunner;
import io.github.puipui.toolchain.Arch;
import io.github.puipui.toolchain.HostTools;

/** Builds the kernel of each arch from {@code <kconfigDirectory>/<arch>.config}: Image.gz (aarch64), bzImage (x86_64). */
@Mojo(name = "kernel", defaultPhase = LifecyclePhase.COMPILE, threadSafe = true)
public class KernelMojo extends AbstractKernelMojo {

    /** Everything the kernel image depends on; the build is skipped when it is unchanged. */
    private String kernelInputs(KernelBuild b, Path source) throws IOException {
        String gcc = b.arch().crossPrefix() + "gcc";
        return io.github.puipui.fetch.Sha256.of(String.join("\n",
                "kconfig=" + io.github.puipui.fetch.Sha256.of(b.kconfigFile()),
                "source=" + io.github.puipui.fetch.Extractor.archiveDigest(source.getParent()).orElse(source.toString()),
                "arch=" + b.arch().id(), "gcc=" + io.github.puipui.toolchain.HostTools.firstLine(gcc, "--version"),
                "identity=" + KernelBuilder.environment(b), "drops=" + new java.util.TreeSet<>(b.allowedDrops()),
                "plugin=" + pluginVersion));
    }

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skipping("building kernels")) {
            return;
        }
        List<Arch> archs = archs();
        requireHostTools("kernel", archs, HostTools::forKernel);
        Path source = sourceTree("linux");
        KernelBuilder builder = new KernelBuilder(new ProcessRunner(buildLog()), buildLog());
        for (Arch arch : archs) {
            KernelBuild b = kernelBuild(arch, source);
            try {
                String inputs = kernelInputs(b, source);
                Path stamp = b.objectDir().resolve(".puipui-inputs");
                Path image;
                if (Files.isRegularFile(b.image()) && Files.isRegularFile(stamp) && Files.readString(stamp).equals(inputs)) {
                    getLog().info(arch + " kernel: up to date (kconfig, source, compiler and build identity unchanged)");
                    image = b.image();
                } else {
                    Files.deleteIfExists(stamp);
                    image = builder.build(b);
                    Files.writeString(stamp, inputs);
                }
                Path out = outputDirectory(arch);
                Files.createDirectories(out);
                Files.copy(image, out.resolve(arch.imageName()), StandardCopyOption.REPLACE_EXISTING);
                Files.copy(b.dotConfig(), out.resolve("kernel.config"), StandardCopyOption.REPLACE_EXISTING);
            } catch (BuildStepException e) {
                throw new MojoFailureException(e.getMessage(), e);
            } catch (IOException e) {
                throw new MojoExecutionException(arch + " kernel: " + e.getMessage(), e);
            }
        }
    }
}
