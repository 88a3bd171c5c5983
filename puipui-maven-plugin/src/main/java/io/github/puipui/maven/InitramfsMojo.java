package io.github.puipui.maven;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import io.github.puipui.initramfs.InitramfsWriter;
import io.github.puipui.pipeline.DistroBuild;
import io.github.puipui.Arch;

/**
 * Writes each arch's initramfs.cpio.gz from the fs template and the userland, reproducibly and without root.
 *
 * @since 0.1.0
 */
@Mojo(name = "initramfs", defaultPhase = LifecyclePhase.PREPARE_PACKAGE, threadSafe = true)
public class InitramfsMojo extends AbstractPuipuiMojo {

    /**
     * The root password; only its SHA-512 crypt hash goes into {@code /etc/shadow}. The default, {@code passwd}, is what
     * VMM test harnesses log in with: right for throwaway test VMs on private networks, wrong anywhere else.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.rootPassword", defaultValue = "passwd", required = true)
    private String rootPassword;

    /**
     * How root logs in: {@code password} (the password above, on the console and over ssh) or {@code keys-only} (no
     * password: dropbear refuses password logins; {@code authorizedKeys} is then required).
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.rootLogin", defaultValue = "password", required = true)
    private String rootLogin;

    /**
     * Optional public keys for /root/.ssh/authorized_keys: a file. Required with {@code rootLogin=keys-only}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.authorizedKeys")
    private File authorizedKeys;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skipping("writing initramfs")) {
            return;
        }
        if (!rootLogin.equals("password") && !rootLogin.equals("keys-only")) {
            throw new MojoExecutionException("puipui.rootLogin is '" + rootLogin + "'; it is 'password' or 'keys-only'");
        }
        if (rootLogin.equals("keys-only") && (authorizedKeys == null || !authorizedKeys.isFile())) {
            throw new MojoExecutionException("puipui.rootLogin=keys-only needs -Dpuipui.authorizedKeys=FILE with root's"
                    + " public keys" + (authorizedKeys == null ? "" : " (" + authorizedKeys + " is not a file)"));
        }
        String password = rootLogin.equals("keys-only") ? null : rootPassword;
        String keys = authorizedKeys == null ? null : core("reading " + authorizedKeys,
                () -> Files.readString(authorizedKeys.toPath()));
        DistroBuild build = distroBuild();
        String distro = project.getGroupId() + ":" + project.getArtifactId() + ":" + project.getVersion();
        for (Arch arch : archs()) {
            long start = System.nanoTime();
            InitramfsWriter written = core(arch + " initramfs", () -> build.initramfs(arch, distro, password, keys));
            if (written != null) {
                Path out = outputDirectory(arch).resolve("initramfs.cpio.gz");
                getLog().info(String.format("%s initramfs: %s, %d entries, %,d bytes in %.1f s", arch, out,
                        written.entries().size(), core("initramfs", () -> Files.size(out)),
                        (System.nanoTime() - start) / 1e9));
            }
        }
    }
}
