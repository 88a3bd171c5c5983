package io.github.puipui.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import io.github.puipui.OutputTimestamp;
import io.github.puipui.files.Sha256;
import io.github.puipui.userland.Component;

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
     * output timestamp, the plugin, and the keys of the components it depends on.
     */
    public static String component(String archId, Component c, String sourceSha256, String toolchain,
            OutputTimestamp ts, String plugin, Map<String, String> dependencyKeys) throws IOException {
        StringBuilder in = new StringBuilder("step=component ").append(archId).append('\n')
                .append(declaration(c)).append("\nsource-sha256=").append(sourceSha256)
                .append("\ntoolchain=").append(toolchain)
                .append("\ntimestamp=").append(ts.instant())
                .append("\nplugin=").append(plugin);
        for (String dep : c.dependsOn()) {
            String key = dependencyKeys.get(dep);
            if (key == null) {
                throw new IllegalArgumentException("component " + c.name() + ": no key for its dependency " + dep);
            }
            in.append("\ndep ").append(dep).append('=').append(key);
        }
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

    /** An initramfs: the digest of the archive's whole content (paths, kinds, modes, bytes, mtime) and the plugin. */
    public static String initramfs(String contentDigest, String plugin) {
        return "step=initramfs\ncontent=" + contentDigest + "\nplugin=" + plugin + "\n";
    }
}
