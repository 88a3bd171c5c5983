package io.github.puipui.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import io.github.puipui.OutputTimestamp;
import io.github.puipui.fetch.Source;
import io.github.puipui.files.Sha256;
import io.github.puipui.initramfs.InitramfsWriter;
import io.github.puipui.toolchain.HostTools;
import io.github.puipui.userland.Component;
import io.github.puipui.userland.Recipe;
import io.github.puipui.userland.UserlandBuilder;

/**
 * The text of every step's inputs, whose digest is the step's key in the build cache (the kernel's is
 * {@link io.github.puipui.kernel.KernelInputs}, the tarballs'
 * {@link io.github.puipui.distpackage.DistroPackager#tarballInputs}). Each names what the step's bytes depend on and
 * nothing else: files by their content's digest, never by path, so that another clone, another directory or a
 * derived distro with the same inputs finds the same entry.
 */
public final class StepInputs {
    private StepInputs() {
    }

    /**
     * A userland component: its declaration (config and patches by digest), its source's digest, the toolchain, the
     * output timestamp, its recipe's version and the builder's (what they run and how they shape the files), the
     * host programs the recipe runs besides the toolchain, and the keys of the components it depends on. Nothing of
     * the plugin outside the recipe: a change elsewhere in it rebuilds no component.
     */
    public static String component(String archId, Component c, String sourceSha256, String toolchain,
            OutputTimestamp ts, Map<String, String> dependencyKeys) throws IOException {
        StringBuilder in = new StringBuilder("step=component ").append(archId).append('\n')
                .append(declaration(c)).append("\nsource-sha256=").append(sourceSha256)
                .append("\ntoolchain=").append(toolchain)
                .append("\ntimestamp=").append(ts.instant())
                .append("\nrecipe=").append(Recipe.named(c.recipe()).version())
                .append("\nbuilder=").append(UserlandBuilder.VERSION);
        for (String program : new java.util.TreeSet<>(Recipe.hostTools(c.recipe()).keySet())) {
            in.append("\ntool ").append(program).append('=').append(HostTools.identity(program));
        }
        dependencies(in, c, dependencyKeys);
        return in.append('\n').toString();
    }

    /**
     * Everything a component declares, in a fixed order, files by their content's digest (not their path): a change of
     * any of it means a clean rebuild.
     */
    public static String declaration(Component c) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("name=").append(c.name()).append("\nsource=").append(c.source()).append("\nrecipe=").append(c.recipe());
        if (c.config() != null) {
            sb.append("\nconfig=").append(Sha256.of(Path.of(c.config())));
        }
        for (String p : c.patches()) {
            sb.append("\npatch=").append(Sha256.of(Path.of(p)));
        }
        sb.append("\ndependsOn=").append(c.dependsOn()).append("\nconfigureArgs=").append(c.configureArgs())
                .append("\nconfigureEnv=").append(new TreeMap<>(c.configureEnv())).append("\nmakeArgs=")
                .append(c.makeArgs()).append("\ninstalls=").append(c.installs()).append("\noptions=").append(c.options());
        if (c.staging() != null) {
            sb.append("\nstaging=").append(c.stagesLibrary());
        }
        if (c.configureScript() != null) {
            sb.append("\nconfigureScript=").append(c.configureScript());
        }
        if (!c.links().isEmpty()) {
            sb.append("\nlinks=").append(c.links());
        }
        if (!c.linkLists().isEmpty()) {
            sb.append("\nlinkLists=").append(c.linkLists());
        }
        return sb.toString();
    }

    // ---- declared inputs: what a derived distro's step compares with its base's

    /**
     * A kernel's declared inputs: the arch, the merged kernel config, the kernel source as declared and the output
     * timestamp. The host's tools and the plugin are not part of them: the base's published kernel is the base's,
     * whoever builds the derived distro and wherever (see {@code DistroBinaries}).
     */
    public static String kernelDeclared(String archId, String kconfigText, Source linux, OutputTimestamp ts) {
        return "step=kernel (declared inputs)\narch=" + archId + "\nkconfig=" + Sha256.of(kconfigText)
                + "\nsource=" + declared(linux) + "\ntimestamp=" + ts.instant() + "\n";
    }

    /**
     * A musl sysroot's declared inputs: the arch, musl's source and the source its kernel headers come from (the
     * {@code linux-headers} source, not the kernel the distro boots).
     */
    public static String toolchainDeclared(String archId, Source musl, Source headers) {
        return "step=musl sysroot (declared inputs)\narch=" + archId + "\nmusl=" + declared(musl)
                + "\nlinux-headers=" + declared(headers) + "\n";
    }

    /** A prebuilt toolchain's declared inputs: the arch, its source and its tools' prefix. */
    public static String prebuiltToolchainDeclared(String archId, Source toolchain, String prefix) {
        return "step=prebuilt toolchain (declared inputs)\narch=" + archId + "\nsource=" + declared(toolchain)
                + "\nprefix=" + prefix + "\n";
    }

    /**
     * A component's declared inputs: its declaration, its source's declared digest (or its directory's), the
     * toolchain's declared key, the output timestamp, and the declared keys of the components it depends on.
     */
    public static String componentDeclared(String archId, Component c, String sourceSha256, String toolchainKey,
            OutputTimestamp ts, Map<String, String> dependencyKeys) throws IOException {
        StringBuilder in = new StringBuilder("step=component (declared inputs) ").append(archId).append('\n')
                .append(declaration(c)).append("\nsource-sha256=").append(sourceSha256)
                .append("\ntoolchain=").append(toolchainKey)
                .append("\ntimestamp=").append(ts.instant());
        dependencies(in, c, dependencyKeys);
        return in.append('\n').toString();
    }

    /**
     * The declared digest of a component built from a directory of its project: each file's path, digest and
     * executable bit, and each link, so that a checkout's umask or a definition archive's modes do not change it.
     */
    public static String directoryDeclared(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (io.github.puipui.files.FileTrees.Entry e : io.github.puipui.files.FileTrees.list(dir)) {
            if (e.isLink()) {
                sb.append("link ").append(java.nio.file.Files.readSymbolicLink(e.path())).append(' ');
            } else if (e.isFile()) {
                sb.append(Sha256.of(e.path())).append(java.nio.file.Files.isExecutable(e.path()) ? " x " : " - ");
            } else {
                continue;
            }
            sb.append(e.relative()).append('\n');
        }
        return Sha256.of(sb.toString());
    }

    /** The CA bundle the image carries: a derived distro's is its base's. */
    public static String caBundleDeclared() {
        return "step=CA bundle (the base's)\n";
    }

    /**
     * A source as a distro declares it: name, version and digest. An accepted alternative (Debian's repack of the
     * same release) is the same source, whichever file a machine fetched.
     */
    private static String declared(Source s) {
        return s.name() + " " + s.version() + " sha256 " + s.sha256();
    }

    private static void dependencies(StringBuilder in, Component c, Map<String, String> dependencyKeys) {
        for (String dep : c.dependsOn()) {
            String key = dependencyKeys.get(dep);
            if (key == null) {
                throw new IllegalArgumentException("component " + c.name() + ": no key for its dependency " + dep);
            }
            in.append("\ndep ").append(dep).append('=').append(key);
        }
    }

    /**
     * An initramfs: the digest of the archive's whole content (paths, kinds, modes, bytes, mtime) and the writer's
     * version (how it orders, packs and compresses them).
     */
    public static String initramfs(String contentDigest) {
        return "step=initramfs\ncontent=" + contentDigest + "\nwriter=" + InitramfsWriter.VERSION + "\n";
    }
}
