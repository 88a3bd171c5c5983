package io.github.puipui.maven;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import io.github.puipui.Arch;
import io.github.puipui.boot.QemuCommand;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.process.ProcessRunner;

/**
 * Boots the built image of one arch in QEMU on this terminal (serial console; Ctrl-A X quits), with the guest's
 * ssh forwarded to a printed port on 127.0.0.1. Choose the arch with -Parch-aarch64 / -Parch-x86_64.
 *
 * @since 0.1.0
 */
@Mojo(name = "run", aggregator = true, threadSafe = true)
public class RunMojo extends AbstractKernelMojo {


    /**
     * Port on 127.0.0.1 forwarded to the guest's ssh; 0 picks a free one.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.run.sshPort", defaultValue = "0")
    private int sshPort;

    /**
     * Extra kernel command line, e.g. {@code vsock_port=1234}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.run.cmdline", defaultValue = "")
    private String cmdline;

    /**
     * Stop the guest after this many seconds (0 = run until it powers off); for scripted smoke runs.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.run.seconds", defaultValue = "0")
    private int seconds;

    /**
     * Use KVM instead of TCG (only where KVM is known to work).
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.run.kvm", defaultValue = "false")
    private boolean kvm;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (forwardedToDistro("run")) {
            return;
        }
        List<Arch> archs = archs();
        Arch arch = archs.size() == 1 ? archs.get(0) : archs.contains(Arch.host()) ? Arch.host() : archs.get(0);
        Path out = outputDirectory(arch);
        Path kernel = out.resolve(arch.imageName());
        Path initramfs = out.resolve("initramfs.cpio.gz");
        if (!Files.isRegularFile(kernel) || !Files.isRegularFile(initramfs)) {
            throw new MojoFailureException("no " + arch + " image in " + out + ": build it first (mvn package -Parch-" + arch + ")");
        }
        try {
            int port = sshPort > 0 ? sshPort : QemuCommand.freePort();
            List<String> cmd = QemuCommand.interactive(arch, kernel, initramfs, port, cmdline, kvm);
            getLog().info("booting " + arch + " (" + (kvm ? "KVM" : "TCG") + "); ssh: ssh -p " + port
                    + " root@127.0.0.1 (password as built, default passwd); quit: Ctrl-A X");
            new ProcessRunner(buildLog()).runInteractive(arch + " guest", cmd, Math.max(0, seconds));
        } catch (IOException e) {
            throw new MojoExecutionException("cannot find a free port for ssh: " + e.getMessage(), e);
        } catch (BuildStepException e) {
            throw new MojoExecutionException(e.getMessage() + " (QEMU is Debian/Ubuntu package "
                    + arch.qemu().debianPackage() + ")", e);
        }
    }

}
