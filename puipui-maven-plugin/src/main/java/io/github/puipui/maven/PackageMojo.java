package io.github.puipui.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProjectHelper;

import io.github.puipui.OutputTimestamp;
import io.github.puipui.cache.CachedStep;
import io.github.puipui.distpackage.DistTarball;
import io.github.puipui.distpackage.Manifest;
import io.github.puipui.fetch.FetchException;
import io.github.puipui.fetch.Fetcher;
import io.github.puipui.fetch.Sha256;
import io.github.puipui.fetch.Source;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.toolchain.Arch;

/**
 * Packs {@code <artifactId>-<version>-<arch>.tar.gz} per arch (kernel image, initramfs.cpio.gz, MANIFEST at the root)
 * and attaches it with the arch as classifier. The POM is the main artifact, as for packaging pom.
 */
@Mojo(name = "package", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class PackageMojo extends AbstractPuipuiMojo {

    @Component
    private MavenProjectHelper projectHelper;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        project.getArtifact().setFile(project.getFile());
        if (skipping("packing tarballs")) {
            return;
        }
        OutputTimestamp ts = timestamp();
        Fetcher fetcher = fetcher();
        try {
            for (Arch arch : archs()) {
                Path out = outputDirectory(arch);
                Path kernel = out.resolve(arch.imageName());
                Path initramfs = out.resolve("initramfs.cpio.gz");
                Manifest m = new Manifest()
                        .put("name", "PUI PUI Linux")
                        .put("artifact", project.getGroupId() + ":" + project.getArtifactId() + ":" + project.getVersion())
                        .put("arch", arch.id())
                        .put("kernel", arch.imageName() + " sha256 " + Sha256.of(kernel))
                        .put("kernel-config-sha256", Sha256.of(out.resolve("kernel.config")))
                        .put("initramfs", "initramfs.cpio.gz sha256 " + Sha256.of(initramfs))
                        .put("build-timestamp", ts.instant().toString());
                for (Source s : declaredSources()) {
                    Fetcher.Fetched f = fetcher.fetch(s);
                    m.put("source-" + s.getName(), s.getVersion() + " " + f.file().getFileName() + " sha256 " + f.sha256()
                            + " license " + (s.getLicense() == null ? "unknown" : s.getLicense()));
                }
                String text = m.text();
                String name = project.getArtifactId() + "-" + project.getVersion() + "-" + arch.id() + ".tar.gz";
                // the manifest names the digests of the kernel and the initramfs and the timestamp: with the
                // tarball's name and the plugin version, that is everything the tarball is made of
                Path outputs = workDirectory.toPath().resolve(arch.id()).resolve("tarball.out");
                String inputs = "step=tarball\nname=" + name + "\nplugin=" + pluginVersion + "\n" + text;
                CachedStep.How how = new CachedStep(null, buildLog()).run(arch + " tarball", outputs, inputs, null,
                        partial -> {
                            Path manifest = Files.writeString(partial.resolve("MANIFEST"), text, StandardCharsets.UTF_8);
                            Map<String, Path> files = new LinkedHashMap<>();
                            files.put(arch.imageName(), kernel);
                            files.put("initramfs.cpio.gz", initramfs);
                            files.put("MANIFEST", manifest);
                            DistTarball.write(partial.resolve(name), files, FileTime.from(ts.instant()));
                        });
                CachedStep.publish(outputs.resolve("MANIFEST"), out.resolve("MANIFEST"));
                Path tarball = Path.of(project.getBuild().getDirectory(), name);
                CachedStep.publish(outputs.resolve(name), tarball);
                projectHelper.attachArtifact(project, "tar.gz", arch.id(), tarball.toFile());
                if (how != CachedStep.How.UP_TO_DATE) {
                    getLog().info(String.format("%s: %s (%,d bytes)", arch, tarball, Files.size(tarball)));
                }
            }
        } catch (BuildStepException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (FetchException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException("package: " + e.getMessage(), e);
        }
    }
}
