package io.github.puipui.boot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.puipui.toolchain.Arch;

/** QEMU command lines for booting a PUI PUI image: the machine per arch, modern virtio devices, user networking. */
public final class QemuCommand {
    private QemuCommand() {
    }

    /** The serial console on this terminal, ssh forwarded from 127.0.0.1:{@code sshPort}. */
    public static List<String> interactive(Arch arch, Path kernel, Path initramfs, int sshPort, String extraCmdline,
            boolean kvm) {
        boolean x86 = arch == Arch.X86_64;
        List<String> cmd = new ArrayList<>();
        cmd.add(x86 ? "qemu-system-x86_64" : "qemu-system-aarch64");
        cmd.addAll(x86 ? List.of("-M", "q35") : List.of("-M", "virt", "-cpu", kvm ? "host" : "cortex-a57"));
        cmd.addAll(List.of("-accel", kvm ? "kvm" : "tcg", "-m", "256", "-smp", "1", "-nographic", "-no-reboot",
                "-kernel", kernel.toString(), "-initrd", initramfs.toString(),
                "-append", ((x86 ? "console=ttyS0" : "console=ttyAMA0") + " " + (extraCmdline == null ? "" : extraCmdline)).trim(),
                "-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:" + sshPort + "-:22",
                "-device", "virtio-net-pci,netdev=n0,disable-legacy=on",
                "-device", "virtio-rng-pci,disable-legacy=on",
                "-device", "virtio-balloon-pci,disable-legacy=on"));
        return cmd;
    }
}
