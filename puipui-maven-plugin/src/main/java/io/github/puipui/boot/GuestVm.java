package io.github.puipui.boot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.puipui.Arch;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.process.ProcessRunner;

/**
 * One test boot of a {@link BootForm} in QEMU: the form's machine, vCPUs and memory, a serial console logged to
 * {@code console.log}, virtio-net (user networking, the guest's port 22 forwarded to a loopback port) and virtio-rng,
 * and the device through which a failing guest ends the VM with a non-zero status (pvpanic, or isa-debug-exit on
 * x86's microvm). ssh goes through the OpenSSH client with the goal's own key.
 */
final class GuestVm implements AutoCloseable {
    /** QEMU's user network: the address the guest leases, and the host as the guest sees it. */
    static final String GUEST_ADDRESS = "10.0.2.15";
    static final String HOST_ADDRESS = "10.0.2.2";

    final Path console;
    private final int sshPort;
    private final Path key;
    private final Process qemu;

    GuestVm(BootForm form, Path kernel, Path initramfs, Path dir, String accel, String cmdline, String mac, Path key,
            ProcessRunner runner) throws IOException, BuildStepException {
        this.console = dir.resolve("console.log");
        this.key = key;
        this.sshPort = QemuCommand.freePort();
        Arch a = form.arch();
        boolean mmio = form.microvm();
        List<String> cmd = QemuCommand.machine(a, accel, mmio, BootForm.MEMORY_MIB, form.cpus());
        cmd.addAll(List.of("-display", "none", "-no-reboot", "-nodefaults", "-kernel", kernel.toString(),
                "-initrd", initramfs.toString(), "-append", (QemuCommand.serialConsole(a) + " " + cmdline).trim(),
                "-serial", "file:" + console, "-action", "panic=exit-failure",
                "-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:" + sshPort + "-:22",
                "-device", QemuCommand.virtioDevice("virtio-net", mmio, "netdev=n0,mac=" + mac),
                "-device", QemuCommand.virtioDevice("virtio-rng", mmio, null)));
        if (a == Arch.X86_64) {
            cmd.addAll(mmio ? List.of("-device", "isa-debug-exit,iobase=0xf4,iosize=0x04") : List.of("-device", "pvpanic"));
        } else {
            cmd.addAll(List.of("-device", "pvpanic-pci"));
        }
        Files.writeString(dir.resolve("qemu-command.txt"), String.join(" ", cmd) + "\n");
        this.qemu = runner.start(form.id() + " VM", cmd, dir.resolve("qemu.log"));
    }

    /** The console so far. */
    String consoleText() throws IOException {
        return Files.exists(console) ? new String(Files.readAllBytes(console), StandardCharsets.UTF_8) : "";
    }

    /**
     * Waits until the console holds a whole line (ended by its newline) containing {@code text}, or the VM ends, or
     * {@code timeout} passes; true when it does. A line seen before its end may still be being written.
     */
    boolean awaitLine(String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String c = consoleText();
            int at = c.indexOf(text);
            if (at >= 0 && c.indexOf('\n', at) > 0) {
                return true;
            }
            if (!qemu.isAlive() || System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(100);
        }
    }

    /** Runs {@code command} as root over ssh, ended after {@code timeout}. */
    ProcessRunner.Outcome ssh(String command, Duration timeout) throws IOException {
        return ProcessRunner.capture(List.of("ssh", "-i", key.toString(), "-p", Integer.toString(sshPort),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "PasswordAuthentication=no",
                "-o", "ConnectTimeout=10", "root@127.0.0.1", command), timeout);
    }

    /** Retries {@code command} over ssh until it succeeds or {@code timeout} passes; the last outcome. */
    ProcessRunner.Outcome sshWhenUp(String command, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ProcessRunner.Outcome last = new ProcessRunner.Outcome(-1, "");
        while (System.nanoTime() < deadline && qemu.isAlive()) {
            last = ssh(command, Duration.ofSeconds(30));
            if (last.exit() == 0) {
                return last;
            }
            Thread.sleep(250);
        }
        return last;
    }

    /** Waits for QEMU to end; its exit status, or null if it still runs after {@code timeout}. */
    Integer awaitExit(Duration timeout) throws InterruptedException {
        return qemu.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? qemu.exitValue() : null;
    }

    @Override
    public void close() {
        ProcessRunner.end(qemu);
    }

    /** The whole lines of the console that hold {@code prefix}, from the prefix on. */
    List<String> consoleLines(String prefix) throws IOException {
        List<String> out = new ArrayList<>();
        String c = consoleText();
        for (String line : c.substring(0, c.lastIndexOf('\n') + 1).split("\r?\n")) {
            int at = line.indexOf(prefix);
            if (at >= 0) {
                out.add(line.substring(at + prefix.length()).trim());
            }
        }
        return out;
    }
}
