package io.github.puipui.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import io.github.puipui.Arch;
import io.github.puipui.boot.BootTest;
import io.github.puipui.boot.BootTests;
import io.github.puipui.process.ProcessRunner;

/**
 * Boots every kernel form of every arch built in QEMU, checks the guest contract (the guest report on the console,
 * valid and matching the VM; ssh; the DHCP lease line; the self-checks of the devices attached; the VM's exit status)
 * and runs the distro's own bootTests, as maven-failsafe runs integration tests: the results go to Surefire-format
 * reports, and the boot-verify goal fails the build on a failure. Skipped by -DskipTests, -DskipITs,
 * -Dpuipui.bootTest.skip and -Dpuipui.skip.
 *
 * @since 0.1.0
 */
@Mojo(name = "boot-test", defaultPhase = LifecyclePhase.INTEGRATION_TEST, threadSafe = true)
public class BootTestMojo extends AbstractBootMojo {
    /**
     * The accelerator: tcg (the default, which works everywhere); kvm (Linux) or hvf (macOS) where they work; auto for
     * kvm when /dev/kvm can be used and hvf on a Mac, else tcg. An accelerator that cannot be used, or that does not
     * get a guest to its report within 30 s (KVM hangs on some hosts), falls back to tcg with one warning.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.bootTest.accel", defaultValue = "tcg")
    private String accel;

    /**
     * How many VMs boot at a time; 0: one per core.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.bootTest.parallel", defaultValue = "0")
    private int parallel;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        Path summaryFile = summaryFile();
        if (skipped()) {
            getLog().info("boot tests skipped (" + skippedBy() + ")");
            deleteQuietly(summaryFile);
            return;
        }
        if (!"puipui-distro".equals(project.getPackaging())) {
            getLog().info("boot tests: not a puipui-distro project, nothing to boot");
            return;
        }
        List<Arch> arches = archs();
        List<BootTest> tests;
        try {
            tests = bootTests.stream().map(BootTestParameter::toBootTest).toList();
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException(e.getMessage());
        }
        try {
            BootTests.requireHostTools(arches, "-DskipITs or -Dpuipui.bootTest.skip=true");
        } catch (io.github.puipui.toolchain.MissingHostToolException e) {
            throw new MojoFailureException(e.getMessage());
        }
        Map<Arch, Path> images = new LinkedHashMap<>();
        arches.forEach(a -> images.put(a, outputDirectory(a)));
        int cores = Runtime.getRuntime().availableProcessors();
        BootTests boots = new BootTests(layout().work().resolve("boot-test"), reportsDirectory.toPath(), accelerator(),
                parallel > 0 ? parallel : cores, buildLog(), new ProcessRunner(buildLog()));
        String release = definition().source("linux").version();
        BootTests.Summary summary = core("boot tests", () -> {
            try {
                return boots.run(images, tests, release);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        });
        try {
            Files.writeString(summaryFile, "checks " + summary.checks() + "\nfailures " + summary.failures() + "\n"
                    + String.join("\n", summary.failed()) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MojoExecutionException("cannot write " + summaryFile + ": " + e.getMessage(), e);
        }
    }

    /** The accelerator asked for, when this host can use it; else tcg, warned of when one was asked for. */
    private String accelerator() throws MojoFailureException {
        Path dev = Path.of("/dev/kvm");
        boolean kvmUsable = Files.isReadable(dev) && Files.isWritable(dev);
        boolean mac = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("mac");
        switch (accel.trim()) {
            case "tcg":
                return "tcg";
            case "auto":
                return kvmUsable ? "kvm" : mac ? "hvf" : "tcg";
            case "kvm":
                if (kvmUsable) {
                    return "kvm";
                }
                buildLog().warnOnce("boot tests: KVM was asked for, but /dev/kvm cannot be used here; booting with TCG");
                return "tcg";
            case "hvf":
                if (mac) {
                    return "hvf";
                }
                buildLog().warnOnce("boot tests: HVF was asked for, but this is not macOS; booting with TCG");
                return "tcg";
            default:
                throw new MojoFailureException("puipui.bootTest.accel must be tcg, kvm, hvf or auto, not '" + accel + "'");
        }
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // a stale summary: boot-verify then reports what it says
        }
    }
}
