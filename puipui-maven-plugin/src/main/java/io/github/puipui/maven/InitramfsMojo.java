package io.github.puipui.maven;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import io.github.puipui.cache.CachedStep;
import io.github.puipui.initramfs.ImageLayout;
import io.github.puipui.initramfs.InitramfsWriter;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.toolchain.Arch;

/** Writes each arch's initramfs.cpio.gz from the fs template and the userland, reproducibly and without root. */
@Mojo(name = "initramfs", defaultPhase = LifecyclePhase.PREPARE_PACKAGE, threadSafe = true)
public class InitramfsMojo extends AbstractPuipuiMojo {

    /**
     * root's password; only its SHA-512 crypt hash goes into {@code /etc/shadow}. The default, {@code passwd}, is what
     * VMM test harnesses log in with: right for throwaway test VMs on private networks, wrong anywhere else.
     */
    @Parameter(property = "puipui.rootPassword", defaultValue = "passwd", required = true)
    private String rootPassword;

    /**
     * How root logs in: {@code password} (the password above, on the console and over ssh) or {@code keys-only} (no
     * password: dropbear refuses password logins; {@code authorizedKeys} is then required).
     */
    @Parameter(property = "puipui.rootLogin", defaultValue = "password", required = true)
    private String rootLogin;

    /** Optional public keys for /root/.ssh/authorized_keys: a file. Required with {@code rootLogin=keys-only}. */
    @Parameter(property = "puipui.authorizedKeys")
    private File authorizedKeys;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skipping("writing initramfs")) {
            return;
        }
        io.github.puipui.distro.DistroDefinition d = definition();
        for (Path layer : d.fsLayers()) {
            if (!Files.isDirectory(layer)) {
                throw new MojoExecutionException("fs template " + layer + " is not a directory");
            }
        }
        if (d.fsLayers().isEmpty()) {
            throw new MojoExecutionException("no fs template: set <fsDirectory> (or derive from a <base> distro)");
        }
        if (!rootLogin.equals("password") && !rootLogin.equals("keys-only")) {
            throw new MojoExecutionException("puipui.rootLogin is '" + rootLogin + "'; it is 'password' or 'keys-only'");
        }
        if (rootLogin.equals("keys-only") && (authorizedKeys == null || !authorizedKeys.isFile())) {
            throw new MojoExecutionException("puipui.rootLogin=keys-only needs -Dpuipui.authorizedKeys=FILE with root's"
                    + " public keys" + (authorizedKeys == null ? "" : " (" + authorizedKeys + " is not a file)"));
        }
        String password = rootLogin.equals("keys-only") ? null : rootPassword;
        Map<String, Integer> modes;
        try {
            modes = d.fileModeMap();
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
        try {
            String keys = authorizedKeys == null ? null : Files.readString(authorizedKeys.toPath());
            long mtime = timestamp().epochSecond();
            for (Arch arch : archs()) {
                Path userland = workDirectory.toPath().resolve(arch.id()).resolve("userland");
                if (!Files.isDirectory(userland)) {
                    throw new MojoExecutionException(arch + ": no userland at " + userland + " (run the userland goal)");
                }
                long start = System.nanoTime();
                InitramfsWriter w = ImageLayout.assemble(mtime, d.fsLayers(), userland, d.removedFiles(),
                        modes, password, keys);
                // the key is the digest of the archive's whole content, so any change to fs/, the userland or a
                // parameter writes it again, and nothing else does
                Path outputs = workDirectory.toPath().resolve(arch.id()).resolve("initramfs.out");
                String inputs = "step=initramfs\ncontent=" + w.digest() + "\nplugin=" + pluginIdentity() + "\n";
                CachedStep.How how = new CachedStep(null, buildLog()).run(arch + " initramfs", outputs, inputs, null,
                        partial -> w.write(partial.resolve("initramfs.cpio.gz")));
                Path out = outputDirectory(arch).resolve("initramfs.cpio.gz");
                CachedStep.publish(outputs.resolve("initramfs.cpio.gz"), out);
                if (how != CachedStep.How.UP_TO_DATE) {
                    getLog().info(String.format("%s initramfs: %s, %d entries, %,d bytes in %.1f s", arch, out,
                            w.entries().size(), Files.size(out), (System.nanoTime() - start) / 1e9));
                }
            }
        } catch (BuildStepException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (IOException | IllegalArgumentException e) {
            throw new MojoExecutionException("initramfs: " + e.getMessage(), e);
        }
    }
}
