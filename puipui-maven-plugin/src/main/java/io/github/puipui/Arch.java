package io.github.puipui;

import java.util.List;
import java.util.Locale;

/**
 * A target architecture: its names in the kernel, in GNU triples and in musl, and its kernel in the two forms VMMs
 * boot: the compressed image of upstream's tarball (Image.gz, bzImage), and the uncompressed one that microVM
 * monitors and vfkit need (arm64's {@code Image}; x86's ELF {@code vmlinux} with the PVH entry note).
 */
public enum Arch {
    AARCH64("aarch64", "arm64", "aarch64-linux-gnu-", "Image.gz", "arch/arm64/boot/Image.gz", "Image.gz",
            "arch/arm64/boot/Image", "Image",
            new Qemu("qemu-system-aarch64", "qemu-system-arm", List.of("-M", "virt", "-cpu", "cortex-a57"),
                    List.of("-M", "virt", "-cpu", "cortex-a57"), "ttyAMA0")),
    X86_64("x86_64", "x86_64", "x86_64-linux-gnu-", "bzImage", "arch/x86/boot/bzImage", "bzImage",
            "vmlinux", "vmlinux",
            new Qemu("qemu-system-x86_64", "qemu-system-x86", List.of("-M", "q35"), List.of("-M", "microvm,acpi=off"),
                    "ttyS0"));

    /**
     * How QEMU boots this arch under TCG as VMM test harnesses size it: the binary and its Debian/Ubuntu package, the
     * machine arguments (and those of a machine without PCI or firmware, whose devices are virtio-mmio, as microVM
     * monitors have it: {@code microvm} with ACPI off on x86_64, {@code virt} with virtio-mmio devices on aarch64),
     * and the serial console device.
     */
    public record Qemu(String binary, String debianPackage, List<String> machine, List<String> microvmMachine,
            String serialConsole) {
    }

    private final Qemu qemu;

    private final String id;
    private final String kernelArch;
    private final String gnuPrefix;
    private final String imageTarget;
    private final String imagePath;
    private final String imageName;
    private final String uncompressedImagePath;
    private final String uncompressedImageName;

    Arch(String id, String kernelArch, String gnuPrefix, String imageTarget, String imagePath, String imageName,
            String uncompressedImagePath, String uncompressedImageName, Qemu qemu) {
        this.qemu = qemu;
        this.id = id;
        this.kernelArch = kernelArch;
        this.gnuPrefix = gnuPrefix;
        this.imageTarget = imageTarget;
        this.imagePath = imagePath;
        this.imageName = imageName;
        this.uncompressedImagePath = uncompressedImagePath;
        this.uncompressedImageName = uncompressedImageName;
    }

    /** The arch whose id is {@code id}, if there is one. */
    public static java.util.Optional<Arch> find(String id) {
        return java.util.Arrays.stream(values()).filter(a -> a.id.equals(id)).findFirst();
    }

    /** The arch whose id is {@code id}; an unknown one is an {@link IllegalArgumentException} naming the known ones. */
    public static Arch of(String id) {
        return find(id).orElseThrow(() -> new IllegalArgumentException("unknown arch '" + id + "' (known: " + ids()
                + ")"));
    }

    /** Every arch's id, for messages: "aarch64, x86_64". */
    public static String ids() {
        return String.join(", ", java.util.Arrays.stream(values()).map(Arch::id).toList());
    }

    /** The arch of the machine running the build. */
    public static Arch host() {
        String os = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return switch (os) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            default -> throw new IllegalStateException("unsupported build host architecture " + os);
        };
    }

    /** {@code aarch64} or {@code x86_64}: the name users see (profiles, classifiers, kconfig file names). */
    public String id() {
        return id;
    }

    /** The kernel's ARCH= value. */
    public String kernelArch() {
        return kernelArch;
    }

    /**
     * The GNU triplet prefix of this arch's tools ({@code x86_64-linux-gnu-}), which Debian and Ubuntu also give the
     * build host's own gcc and binutils. The kernel is built with it on every host, so that it records one compiler
     * name ({@code CONFIG_CC_VERSION_TEXT}) whatever the host and the launcher: distcc runs a plain {@code gcc} as
     * {@code x86_64-linux-gnu-gcc}, which would otherwise change the kernel's bytes but not its key.
     */
    public String toolPrefix() {
        return gnuPrefix;
    }

    /** The prefix of the GNU cross tools ({@code aarch64-linux-gnu-}); empty when building natively. */
    public String crossPrefix() {
        return this == host() ? "" : gnuPrefix;
    }

    /** The Debian/Ubuntu package holding {@code <prefix>gcc}. */
    public String crossGccPackage() {
        return this == host() ? "gcc" : "gcc-" + gnuPrefix.substring(0, gnuPrefix.length() - 1).replace('_', '-');
    }

    public String imageTarget() {
        return imageTarget;
    }

    /** True if the image is a gzip file of the uncompressed image beside it (aarch64's Image.gz). */
    public boolean gzipImage() {
        return imagePath.endsWith(".gz");
    }

    /** Where make leaves the image, relative to the object tree. */
    public String imagePath() {
        return imagePath;
    }

    /** The image's file name in the tarball. */
    public String imageName() {
        return imageName;
    }

    /** Where make leaves the uncompressed kernel (a by-product of {@link #imageTarget}), relative to the object tree. */
    public String uncompressedImagePath() {
        return uncompressedImagePath;
    }

    /** The uncompressed kernel's file name: {@code Image} (arm64 boot protocol) or {@code vmlinux} (ELF, PVH entry). */
    public String uncompressedImageName() {
        return uncompressedImageName;
    }

    /** True if the uncompressed kernel is an ELF file, published with its symbols stripped (x86's vmlinux). */
    public boolean elfKernel() {
        return uncompressedImageName.equals("vmlinux");
    }

    /** The classifier of the tarball with the uncompressed kernel: {@code aarch64-image}, {@code x86_64-vmlinux}. */
    public String uncompressedClassifier() {
        return id + "-" + uncompressedImageName.toLowerCase(Locale.ROOT);
    }

    /** How QEMU boots this arch. */
    public Qemu qemu() {
        return qemu;
    }

    @Override
    public String toString() {
        return id;
    }
}
