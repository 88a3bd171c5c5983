package io.github.puipui.boot;

import java.nio.file.Path;

/**
 * How each consumer boots the guest: the machine, console, command line and devices of its harness, and the kernel
 * form it reads. The one definition behind the boot suite's consumer checks ({@link ConsumerConformance}) and the
 * benchmark's boot profile ({@link BootProfile}).
 */
enum ConsumerProfile {
    /** The boot suite's full test guest: every device, a serial port and a virtio console, the compressed kernel. */
    FULL("full"),
    /** Apple Virtualization.framework through vz: {@code console=hvc0} without a serial port, a read-only share. */
    VZ("vz"),
    /** vfkit: {@code quiet} only, 2 vCPUs, 1 GiB, a share. */
    VFKIT("vfkit"),
    /** upstream puipui-linux's CI: {@code -serial none}, console on a virtconsole, memfd-backed memory. */
    UPSTREAM_CI("upstream-ci"),
    /** A microVM monitor: virtio-mmio only, serial console, net and entropy; PVH {@code vmlinux} or arm64 {@code Image}. */
    MICROVM("microvm");

    final String id;

    ConsumerProfile(String id) {
        this.id = id;
    }

    static ConsumerProfile of(String id) {
        for (ConsumerProfile p : values()) {
            if (p.id.equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no consumer profile " + id);
    }

    /** The harness's options; {@code share} is the host directory of the virtio-fs share (vz, vfkit), else unused. */
    Guest.Options options(String arch, Path share) {
        Guest.Options o = new Guest.Options();
        switch (this) {
            case FULL -> {
            }
            case VZ -> {
                o.cmdline = "console=hvc0";
                o.serial = false;
                o.virtiofs = share;
                o.virtiofsReadOnly = true;
            }
            case VFKIT -> {
                o.cmdline = "quiet";
                o.cpus = 2;
                o.memMiB = 1024;
                o.virtiofs = share;
            }
            case UPSTREAM_CI -> {
                o.cmdline = "console=hvc0";
                o.serial = false;
                o.memfd = true;
            }
            case MICROVM -> {
                o.microvm = true;
                o.cmdline = QemuCommand.serialConsole(io.github.puipui.Arch.of(arch));
                o.virtconsole = false;
                o.balloonAndGpu = false;
            }
        }
        return o;
    }

    /** True where the host sees the kernel's messages from its start: a serial port, and no {@code quiet}. */
    boolean hostSeesEarlyConsole() {
        return this == FULL || this == MICROVM;
    }

    /** The kernel this consumer boots: aarch64 vz, vfkit and microVMs read the uncompressed one, x86 microVMs PVH. */
    boolean uncompressedKernel(String arch) {
        return this == MICROVM || (!arch.equals("x86_64") && (this == VZ || this == VFKIT));
    }

    /** The kernel's file name in a build's output directory. */
    String kernelName(String arch) {
        boolean x86 = arch.equals("x86_64");
        return uncompressedKernel(arch) ? (x86 ? "vmlinux" : "Image") : (x86 ? "bzImage" : "Image.gz");
    }
}
