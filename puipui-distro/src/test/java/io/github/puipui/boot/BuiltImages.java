package io.github.puipui.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Assumptions;

/**
 * The tarballs the build published for one arch, unpacked once under {@code target/boot/<arch>/}: the upstream
 * layout ({@code <arch>.tar.gz}: Image.gz or bzImage, and initramfs.cpio.gz) and the uncompressed kernel's
 * ({@code aarch64-image}: Image; {@code x86_64-vmlinux}: the PVH ELF vmlinux), each with exactly two members.
 */
final class BuiltImages {
    private static final Map<String, BuiltImages> UNPACKED = new ConcurrentHashMap<>();

    final String arch;
    final Path work;
    /** Image.gz or bzImage. */
    final Path kernel;
    /** Image or vmlinux. */
    final Path uncompressedKernel;
    final Path initramfs;
    final String kernelVersion;

    private BuiltImages(String arch) throws Exception {
        this.arch = arch;
        Path target = Path.of(System.getProperty("puipui.buildDirectory", "target"));
        String base = System.getProperty("puipui.artifactBase", "puipui-distro");
        work = target.resolve("boot").resolve(arch);
        BootConformance.deleteTree(work);
        boolean x86 = arch.equals("x86_64");
        Path image = unpack(target.resolve(base + "-" + arch + ".tar.gz"), work.resolve("image"),
                List.of(x86 ? "bzImage" : "Image.gz", "initramfs.cpio.gz"));
        Path raw = unpack(target.resolve(base + "-" + arch + (x86 ? "-vmlinux" : "-image") + ".tar.gz"),
                work.resolve("image-uncompressed"), List.of(x86 ? "vmlinux" : "Image", "initramfs.cpio.gz"));
        kernel = image.resolve(x86 ? "bzImage" : "Image.gz");
        uncompressedKernel = raw.resolve(x86 ? "vmlinux" : "Image");
        initramfs = image.resolve("initramfs.cpio.gz");
        assertEquals(-1L, Files.mismatch(initramfs, raw.resolve("initramfs.cpio.gz")), "both tarballs hold the same initramfs");
        kernelVersion = System.getProperty("puipui.kernelVersion");
    }

    /** The built images of {@code arch}; skips the calling test class when the build did not include the arch. */
    static BuiltImages of(String arch) throws Exception {
        String arches = System.getProperty("puipui.arches", "aarch64,x86_64");
        Assumptions.assumeTrue(List.of(arches.split("[,\\s]+")).contains(arch), arch + " is not being built");
        try {
            return UNPACKED.computeIfAbsent(arch, a -> {
                try {
                    return new BuiltImages(a);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (IllegalStateException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    /** Extracts {@code tarball} into {@code dir} and checks it holds exactly {@code members}, at its root. */
    private static Path unpack(Path tarball, Path dir, List<String> members) throws Exception {
        Files.createDirectories(dir);
        BootConformance.run(List.of("tar", "-xzf", tarball.toString(), "-C", dir.toString()));
        try (var s = Files.list(dir)) {
            assertEquals(members.stream().sorted().toList(), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    tarball.getFileName() + " holds exactly upstream's members");
        }
        return dir;
    }

    Path dir(String name) throws IOException {
        return Files.createDirectories(work.resolve(name));
    }
}
