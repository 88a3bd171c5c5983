package io.github.puipui.maven;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProjectHelper;

import io.github.puipui.distpackage.DistroPackager;
import io.github.puipui.distpackage.Sbom;
import io.github.puipui.pipeline.DistroBuild;

/**
 * Packs, per arch, the tarballs consumers boot and attaches them with classifiers:
 * {@code ARTIFACTID-VERSION-ARCH.tar.gz} holds exactly upstream's layout (Image.gz or bzImage, and
 * initramfs.cpio.gz); {@code …-aarch64-image.tar.gz} and {@code …-x86_64-vmlinux.tar.gz} hold the uncompressed kernel
 * (arm64 Image; x86 ELF vmlinux with the PVH entry) with the same initramfs. Then writes and attaches the CycloneDX
 * SBOM of the build ({@code …-cyclonedx.json}: sources, kernel config digests, every published file's sha256) and the
 * distro's definition ({@code …-definition.tar.gz}), from which other distros derive, and attaches the files of
 * the attachments parameter as they are. The POM is the main artifact, as for packaging pom.
 *
 * @since 0.1.0
 */
@Mojo(name = "package", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class PackageMojo extends AbstractPuipuiMojo {

    @Component
    private MavenProjectHelper projectHelper;

    /**
     * Files published as they are, each an attachment with its file, classifier and type (the extension): the
     * distro attaches the JSON Schema of its guest report this way.
     *
     * @since 0.1.0
     */
    @Parameter
    private List<AttachmentParameter> attachments = new ArrayList<>();

    /**
     * Upper bounds on the published files' sizes, each {@code [ARCH/]FILE:BYTES} (e.g. {@code x86_64/bzImage:2400000};
     * without an arch, for every arch): the build fails, naming each file over its limit, before anything is packed.
     *
     * @since 0.1.0
     */
    @Parameter
    private List<String> sizeLimits = new ArrayList<>();

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        project.getArtifact().setFile(project.getFile());
        if (skipping("packing tarballs")) {
            return;
        }
        DistroBuild build = distroBuild();
        Sbom sbom = new Sbom(project.getGroupId(), project.getArtifactId(), project.getVersion(), timestamp().instant());
        List<io.github.puipui.Arch> archs = archs();
        io.github.puipui.distpackage.SizeLimits limits;
        try {
            limits = io.github.puipui.distpackage.SizeLimits.parse(sizeLimits);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("<sizeLimits>: " + e.getMessage(), e);
        }
        core("checking the sizes", () -> {
            build.checkSizes(archs, limits);
            return null;
        });
        List<DistroPackager.Published> published = core("package", () -> build.packageAll(archs, sbom,
                Path.of(project.getBuild().getDirectory()), project.getArtifactId() + "-" + project.getVersion(),
                attachments.stream().map(AttachmentParameter::toAttachment).toList()));
        for (DistroPackager.Published p : published) {
            projectHelper.attachArtifact(project, p.type(), p.classifier(), p.file().toFile());
            if (p.written()) {
                getLog().info(p.classifier() + ": " + p.file() + String.format(" (%,d bytes)", p.file().toFile().length()));
            }
        }
        archTimes().summary().forEach(getLog()::info);
    }
}
