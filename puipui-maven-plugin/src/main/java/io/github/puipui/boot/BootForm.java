package io.github.puipui.boot;

import java.util.List;

import io.github.puipui.Arch;

/**
 * A kernel form booted the way its consumers boot it: the compressed image (Image.gz, bzImage) on the arch's PCI
 * machine (QEMU {@code virt}, {@code q35}, as vz, vfkit and upstream's CI present their devices), and the
 * uncompressed one (arm64 {@code Image}, x86's PVH {@code vmlinux}) on a machine without PCI or firmware whose devices
 * are virtio-mmio (QEMU {@code microvm} with ACPI off on x86_64, as Firecracker has it), with the vCPUs each gets.
 */
public record BootForm(Arch arch, String kernel, boolean microvm, int cpus) {
    /** The memory every form gets, in MiB: what vz and upstream's CI give a guest. */
    public static final int MEMORY_MIB = 256;

    /**
     * The forms of {@code arch}, compressed first, each with two vCPUs: a guest must see every CPU its VMM gives it,
     * on x86's microvm too, where without ACPI the MP table is the only list of CPUs.
     */
    public static List<BootForm> of(Arch arch) {
        return List.of(new BootForm(arch, arch.imageName(), false, 2),
                new BootForm(arch, arch.uncompressedImageName(), true, 2));
    }

    /** {@code x86_64 bzImage (q35)}: what the reports and logs call it. */
    public String id() {
        return arch.id() + " " + kernel;
    }

    /** The QEMU machine, as a user reads it: {@code q35}, {@code virt}, {@code microvm}, {@code virt, virtio-mmio}. */
    public String machine() {
        List<String> m = microvm ? arch.qemu().microvmMachine() : arch.qemu().machine();
        String name = m.get(m.indexOf("-M") + 1).split(",")[0];
        return microvm && name.equals("virt") ? "virt, virtio-mmio" : name;
    }

    /** The devices whose checks ({@code puipui.check=}) the form's VM can pass: those the goal attaches. */
    public List<String> checks() {
        return List.of("net", "rng");
    }
}
