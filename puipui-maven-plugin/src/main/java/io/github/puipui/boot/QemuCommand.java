package io.github.puipui.boot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.puipui.Arch;

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
        return machine(arch, kvm ? "kvm" : "tcg", microvm, memMiB, cpus);
    }

    /**
     * The same with the accelerator {@code accel}: {@code tcg}, or {@code kvm} or {@code hvf}, which run the host's
     * CPU model.
     */
    public static List<String> machine(Arch arch, String accel, boolean microvm, int memMiB, int cpus) {
        List<String> cmd = new ArrayList<>();
        cmd.add(arch.qemu().binary());
        List<String> machine = new ArrayList<>(microvm ? arch.qemu().microvmMachine() : arch.qemu().machine());
        if (!accel.equals("tcg") && machine.contains("-cpu")) {
            machine.set(machine.indexOf("-cpu") + 1, "host");
        }
        cmd.addAll(machine);
        cmd.addAll(List.of("-accel", accel, "-m", Integer.toString(memMiB), "-smp", Integer.toString(cpus)));
        return cmd;
    }

    /** A virtio device on the PCI bus with modern (virtio 1.0) ids only, or on virtio-mmio: {@code virtio-net}. */
    public static String virtioDevice(String kind, boolean mmio, String properties) {
        String props = properties == null || properties.isEmpty() ? "" : "," + properties;
        return mmio ? kind + "-device" + props : kind + "-pci" + props + ",disable-legacy=on";
    }

    /** The kernel's serial console device on the machine of {@link #machine}. */
    public static String serialConsole(Arch arch) {
        return "console=" + arch.qemu().serialConsole();
    }

    /** A free TCP port on the loopback interface. */
    public static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A locally administered MAC address in QEMU's prefix, different on every call. */
    public static String randomMac() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        return String.format("52:54:00:%02x:%02x:%02x", r.nextInt(256), r.nextInt(256), r.nextInt(256));
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
