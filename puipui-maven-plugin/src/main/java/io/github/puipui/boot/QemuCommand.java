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
        return machine(arch, kvm, false, 256, 1);
    }

    /**
     * The QEMU binary and machine for an arch with {@code memMiB} of memory and {@code cpus} vCPUs. {@code microvm}:
     * a machine without PCI or firmware, whose devices are virtio-mmio, as microVM monitors have it: QEMU's
     * {@code microvm} (ACPI off, so that QEMU lists the virtio-mmio devices on the kernel command line) on x86_64, and
     * {@code virt} with virtio-mmio devices only on aarch64.
     */
    public static List<String> machine(Arch arch, boolean kvm, boolean microvm, int memMiB, int cpus) {
        boolean x86 = arch == Arch.X86_64;
        List<String> cmd = new ArrayList<>();
        cmd.add(x86 ? "qemu-system-x86_64" : "qemu-system-aarch64");
        if (x86) {
            cmd.addAll(List.of("-M", microvm ? "microvm,acpi=off" : "q35"));
        } else {
            cmd.addAll(List.of("-M", "virt", "-cpu", kvm ? "host" : "cortex-a57"));
        }
        cmd.addAll(List.of("-accel", kvm ? "kvm" : "tcg", "-m", Integer.toString(memMiB), "-smp", Integer.toString(cpus)));
        return cmd;
    }

    /** A virtio device on the PCI bus with modern (virtio 1.0) ids only, or on virtio-mmio: {@code virtio-net}. */
    public static String virtioDevice(String kind, boolean mmio, String properties) {
        String props = properties == null || properties.isEmpty() ? "" : "," + properties;
        return mmio ? kind + "-device" + props : kind + "-pci" + props + ",disable-legacy=on";
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
                "-device", virtioDevice("virtio-net", false, "netdev=n0"),
                "-device", virtioDevice("virtio-rng", false, null),
                "-device", virtioDevice("virtio-balloon", false, null)));
        return cmd;
    }
}
