package io.github.puipui.boot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.puipui.toolchain.Arch;

/** QEMU command lines for booting a PUI PUI image: the machine per arch, modern virtio devices, user networking. */
public final class QemuCommand {
    private QemuCommand() {
    }

    /**
     * The QEMU binary and machine for an arch, as consumers size it: {@code q35} or {@code virt} (Cortex-A57 under
     * TCG), 256 MiB, one vCPU.
     */
    public static List<String> machine(Arch arch, boolean kvm) {
        boolean x86 = arch == Arch.X86_64;
        List<String> cmd = new ArrayList<>();
        cmd.add(x86 ? "qemu-system-x86_64" : "qemu-system-aarch64");
        cmd.addAll(x86 ? List.of("-M", "q35") : List.of("-M", "virt", "-cpu", kvm ? "host" : "cortex-a57"));
        cmd.addAll(List.of("-accel", kvm ? "kvm" : "tcg", "-m", "256", "-smp", "1"));
        return cmd;
    }

    /** The kernel's serial console device on the machine of {@link #machine}. */
    public static String serialConsole(Arch arch) {
        return arch == Arch.X86_64 ? "console=ttyS0" : "console=ttyAMA0";
    }

    /** A free TCP port on the loopback interface. */
    public static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The serial console on this terminal, ssh forwarded from 127.0.0.1:{@code sshPort}. */
    public static List<String> interactive(Arch arch, Path kernel, Path initramfs, int sshPort, String extraCmdline,
            boolean kvm) {
        List<String> cmd = machine(arch, kvm);
        cmd.addAll(List.of("-nographic", "-no-reboot", "-kernel", kernel.toString(), "-initrd", initramfs.toString(),
                "-append", (serialConsole(arch) + " " + (extraCmdline == null ? "" : extraCmdline)).trim(),
                "-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:" + sshPort + "-:22",
                "-device", "virtio-net-pci,netdev=n0,disable-legacy=on",
                "-device", "virtio-rng-pci,disable-legacy=on",
                "-device", "virtio-balloon-pci,disable-legacy=on"));
        return cmd;
    }
}
