package io.github.puipui.maven;

import java.io.IOException;
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
import org.apache.maven.project.MavenProjectHelper;

import io.github.puipui.OutputTimestamp;
import io.github.puipui.cache.CachedStep;
import io.github.puipui.distpackage.DistTarball;
import io.github.puipui.distpackage.Sbom;
import io.github.puipui.fetch.FetchException;
import io.github.puipui.fetch.Fetcher;
import io.github.puipui.fetch.Sha256;
import io.github.puipui.fetch.Source;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.toolchain.Arch;

/**
 * Packs, per arch, the tarballs consumers boot and attaches them with classifiers:
 * {@code <artifactId>-<version>-<arch>.tar.gz} holds exactly upstream's layout (Image.gz or bzImage, and
 * initramfs.cpio.gz); {@code …-aarch64-image.tar.gz} and {@code …-x86_64-vmlinux.tar.gz} hold the uncompressed kernel
 * (arm64 Image; x86 ELF vmlinux with the PVH entry) with the same initramfs. Then writes the CycloneDX SBOM of the
 * build ({@code …-cyclonedx.json}: sources, kernel config digests, every published file's sha256) and attaches it.
 * The POM is the main artifact, as for packaging pom.
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
        Sbom sbom = new Sbom(project.getGroupId(), project.getArtifactId(), project.getVersion(), ts.instant());
        try {
            for (Source s : declaredSources()) {
                Fetcher.Fetched f = fetcher.fetch(s);
                sbom.component(new Sbom.Component(s.getName(), s.getVersion(), s.getLicense(), s.getUrl(), s.getFile(),
                        s.getSha256(), f.file().getFileName().toString(), f.sha256()));
            }
            for (Arch arch : archs()) {
                Path out = outputDirectory(arch);
                sbom.kernelConfig(arch.id(), Sha256.of(out.resolve("kernel.config")));
                Path initramfs = out.resolve("initramfs.cpio.gz");
                tarball(arch, arch.id(), arch.imageName(), out.resolve(arch.imageName()), initramfs, ts, sbom);
                tarball(arch, arch.uncompressedClassifier(), arch.uncompressedImageName(),
                        out.resolve(arch.uncompressedImageName()), initramfs, ts, sbom);
            }
            String name = project.getArtifactId() + "-" + project.getVersion() + "-cyclonedx.json";
            Path staged = workDirectory.toPath().resolve(name);
            Files.createDirectories(staged.getParent());
            Files.writeString(staged, sbom.json());
            Path published = Path.of(project.getBuild().getDirectory(), name);
            if (CachedStep.publish(staged, published)) {
                getLog().info("SBOM: " + published);
            }
            projectHelper.attachArtifact(project, "json", "cyclonedx", published.toFile());
            definitionArchive(ts);
        } catch (BuildStepException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (FetchException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException("package: " + e.getMessage(), e);
        }
    }

    /**
     * Writes and attaches {@code <artifactId>-<version>-definition.tar.gz}: this distro's definition, from which
     * other distros derive ({@code <base>}).
     */
    private void definitionArchive(OutputTimestamp ts) throws IOException, MojoExecutionException {
        String name = project.getArtifactId() + "-" + project.getVersion() + "-definition.tar.gz";
        Path staged = workDirectory.toPath().resolve(name);
        io.github.puipui.distro.DistroDefinition d = definition();
        try {
            io.github.puipui.distro.DefinitionArchive.write(d, new java.util.ArrayList<>(new java.util.TreeSet<>(
                    d.kconfigFiles().keySet())), staged, ts.epochSecond());
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
        Path published = Path.of(project.getBuild().getDirectory(), name);
        if (CachedStep.publish(staged, published)) {
            getLog().info("definition: " + published);
        }
        projectHelper.attachArtifact(project, "tar.gz", "definition", published.toFile());
    }

    /** Packs a kernel and the initramfs at the root of {@code <artifactId>-<version>-<classifier>.tar.gz}. */
    private void tarball(Arch arch, String classifier, String kernelName, Path kernel, Path initramfs, OutputTimestamp ts,
            Sbom sbom) throws IOException, BuildStepException, MojoExecutionException {
        String name = project.getArtifactId() + "-" + project.getVersion() + "-" + classifier + ".tar.gz";
        Map<String, Path> members = new LinkedHashMap<>();
        members.put(kernelName, kernel);
        members.put("initramfs.cpio.gz", initramfs);
        // the members' digests, the timestamp, the name and the plugin: everything the tarball is made of
        StringBuilder inputs = new StringBuilder("step=tarball\nname=" + name + "\nplugin=" + pluginIdentity()
                + "\ntimestamp=" + ts.instant() + "\n");
        for (Map.Entry<String, Path> m : members.entrySet()) {
            String sha = Sha256.of(m.getValue());
            inputs.append(m.getKey()).append('=').append(sha).append('\n');
            sbom.file(new Sbom.PublishedFile(m.getKey(), arch.id(), classifier, name, sha, Files.size(m.getValue())));
        }
        Path outputs = workDirectory.toPath().resolve(arch.id()).resolve(classifier + ".tarball.out");
        CachedStep.How how = new CachedStep(null, buildLog()).run(arch + " tarball " + classifier, outputs,
                inputs.toString(), null,
                partial -> DistTarball.write(partial.resolve(name), members, FileTime.from(ts.instant())));
        Path tarball = Path.of(project.getBuild().getDirectory(), name);
        CachedStep.publish(outputs.resolve(name), tarball);
        projectHelper.attachArtifact(project, "tar.gz", classifier, tarball.toFile());
        sbom.file(new Sbom.PublishedFile(name, arch.id(), classifier, null, Sha256.of(tarball), Files.size(tarball)));
        if (how != CachedStep.How.UP_TO_DATE) {
            getLog().info(String.format("%s: %s (%,d bytes)", arch, tarball, Files.size(tarball)));
        }
    }
}
