package io.github.puipui.maven;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

import io.github.puipui.distro.DistroDeclaration;
import io.github.puipui.fetch.Source;

/**
 * The parameters that declare a distro (its base, sources, components, kernel config, file system), and their
 * mapping into the build core's {@link DistroDeclaration}. Every puipui goal has them.
 */
abstract class DistroParameters extends AbstractMojo {
    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    protected MavenSession session;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    protected MavenProject project;

    /**
     * The distro this one derives from, as {@code groupId:artifactId:version}: its published definition
     * ({@code ARTIFACTID-VERSION-definition.tar.gz}) is resolved from the local or a remote repository and is
     * the starting point; everything below then changes it. Without a base, the distro is declared here in full.
     * Every step whose declared inputs equal the base's (the kernel, the musl sysroot, each component, the CA bundle)
     * is taken from the base's published binaries ({@code ARTIFACTID-VERSION-ARCH-binaries.tar.gz}), verified
     * against the digests its definition gives, instead of being built. Pinned as
     * {@code groupId:artifactId:version@sha256:DIGEST} (the definition archive's sha256), the base cannot change
     * under the build: the definition pins its binaries. A base is code you trust: its recipes run on your machine.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.base")
    protected String base;

    /**
     * The source archives: name, version, license, file, url, sha256, alternatives. In a derived distro, a source
     * of a base source's name replaces it.
     *
     * @since 0.1.0
     */
    @Parameter
    protected List<SourceParameter> sources = new ArrayList<>();

    /**
     * The userland components, built in this order (see Component). In a derived distro, a component of a base
     * component's name changes the elements it declares (its patches are applied after the base's), and a new name
     * is built after the base's components.
     *
     * @since 0.1.0
     */
    @Parameter
    protected List<ComponentParameter> components = new ArrayList<>();

    /**
     * Base components a derived distro leaves out, by name.
     *
     * @since 0.1.0
     */
    @Parameter
    protected List<String> removeComponents = new ArrayList<>();

    /**
     * Kconfig fragments merged onto the kernel config: each has a {@code file} of {@code CONFIG_X=value} and
     * {@code # CONFIG_X is not set} lines and an optional {@code arch} it is limited to.
     *
     * @since 0.1.0
     */
    @Parameter
    protected List<KconfigFragmentParameter> kconfigFragments = new ArrayList<>();

    /**
     * The distro's own tests, run in each booted kernel form by the boot-test goal after the guest contract's checks:
     * each a bootTest with a name, a command run as root in the guest, the exitStatus it must end with (default 0), an
     * outputPattern its output must contain a match of, timeoutSeconds (default 60) and the one arch it is for.
     *
     * @since 0.1.0
     */
    @Parameter
    protected List<BootTestParameter> bootTests = new ArrayList<>();

    /**
     * The root file system template: init, etc/inittab, etc/init.d/rcS, … (a derived distro has its base's).
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.fsDirectory", defaultValue = "${project.basedir}/fs")
    protected File fsDirectory;

    /**
     * Files laid over the file system template, when the directory exists: they add to or replace its files.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.overlayDirectory", defaultValue = "${project.basedir}/overlay")
    protected File overlayDirectory;

    /**
     * Image paths to leave out of the initramfs (with everything under them), e.g. {@code /usr/bin/alpine-chroot-install}.
     *
     * @since 0.1.0
     */
    @Parameter
    protected List<String> removeFiles = new ArrayList<>();

    /**
     * Modes that differ from the template's: {@code /path:octal}, e.g. {@code /etc/shadow:0600}.
     *
     * @since 0.1.0
     */
    @Parameter
    protected List<String> fileModes = new ArrayList<>();

    /**
     * The kconfig files, one per arch: {@code aarch64.config}, {@code x86_64.config} (defconfig format).
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.kconfigDirectory", defaultValue = "${project.basedir}/kconfig", required = true)
    protected File kconfigDirectory;

    /**
     * Reproducible builds: pinned into the kernel, the cpio and the tarballs. A derived distro without one has its
     * base's, so that its unchanged kernel and components are the base's, from the build cache.
     *
     * @since 0.1.0
     */
    @Parameter(defaultValue = "${project.build.outputTimestamp}")
    protected String outputTimestamp;

    /**
     * The {@code project.build.outputTimestamp} the project chose (in its POM, a parent's or with {@code -D}), or null.
     * Maven 4's super POM gives every project one, 1980-02-01T00:00:00Z; that one is nobody's choice, and a derived
     * distro without a timestamp of its own keeps its base's.
     */
    private String declaredOutputTimestamp() {
        String property = "project.build.outputTimestamp";
        if (session != null && session.getUserProperties().containsKey(property)) {
            return outputTimestamp;
        }
        for (MavenProject p = project; p != null; p = p.getParent()) {
            if (p.getOriginalModel() != null && p.getOriginalModel().getProperties().containsKey(property)) {
                return outputTimestamp;
            }
        }
        return null;
    }

    /** True when this distro derives from a base. */
    protected final boolean isDerived() {
        return base != null && !base.isBlank();
    }

    /**
     * The project's tree: the directory of the top-most parent read from a file (the root of the multi-module build
     * this project belongs to), else the project's own directory. What the POM declares must stay inside it.
     */
    private java.nio.file.Path projectTree() {
        java.nio.file.Path tree = project.getBasedir().toPath().toAbsolutePath().normalize();
        for (MavenProject p = project.getParent(); p != null && p.getFile() != null; p = p.getParent()) {
            java.nio.file.Path dir = p.getFile().toPath().toAbsolutePath().normalize().getParent();
            if (tree.startsWith(dir)) {
                tree = dir;
            }
        }
        return tree;
    }

    /** The POM's declarations, mapped into the build core's record. */
    protected final DistroDeclaration declaration() {
        List<Source> inline = new ArrayList<>();
        for (ComponentParameter c : components) {
            Source s = c.inlineSource();
            if (s != null) {
                inline.add(s);
            }
        }
        return new DistroDeclaration(project.getBasedir().toPath(), projectTree(), base,
                DistroDeclaration.merged(sources.stream().map(SourceParameter::toSource).toList(),
                        inline),
                components.stream().map(ComponentParameter::toComponent).toList(), removeComponents,
                kconfigFragments.stream().map(KconfigFragmentParameter::toFragment).toList(),
                kconfigDirectory.toPath(), fsDirectory == null ? null : fsDirectory.toPath(),
                overlayDirectory == null ? null : overlayDirectory.toPath(), removeFiles, fileModes,
                outputTimestamp, declaredOutputTimestamp() != null);
    }
}
