package io.github.puipui.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.github.puipui.OutputTimestamp;
import io.github.puipui.Arch;

class KernelBuilderTest {
    private static KernelBuild build(Arch arch, String launcher) {
        return new KernelBuild(arch, Path.of("/src/linux"), Path.of("/obj"), Path.of("/k/aarch64.config"), Set.of(),
                OutputTimestamp.parse("2026-11-25T00:00:00Z"), 2, Path.of("/obj/kernel.log"), launcher, 5);
    }

    @Test
    void makeIsOutOfTreeWithTheCompilerLauncherInFrontOfTheCompiler() {
        List<String> cmd = KernelBuilder.make(build(Arch.AARCH64, "ccache"), "-j2", "Image.gz");
        assertEquals(List.of("make", "-C", "/src/linux", "O=/obj", "ARCH=arm64"), cmd.subList(0, 5));
        assertTrue(cmd.contains("CROSS_COMPILE=aarch64-linux-gnu-") == !Arch.host().equals(Arch.AARCH64));
        assertTrue(cmd.contains("CC=ccache " + Arch.AARCH64.crossPrefix() + "gcc"), cmd.toString());
        assertTrue(KernelBuilder.make(build(Arch.AARCH64, ""), "Image.gz").stream().noneMatch(a -> a.startsWith("CC=")));
    }

    @Test
    void onlyAGzipImageIsRecompressedWithZopfli() {
        org.junit.jupiter.api.Assertions.assertTrue(build(Arch.AARCH64, "").zopfli());
        org.junit.jupiter.api.Assertions.assertFalse(build(Arch.X86_64, "").zopfli(), "bzImage is xz inside");
        org.junit.jupiter.api.Assertions.assertTrue(io.github.puipui.toolchain.HostTools.forKernel(Arch.AARCH64, true).stream()
                .anyMatch(r -> r.what().equals("zopfli") && r.debianPackage().equals("zopfli")));
    }

    @Test
    void theBuildIdentityIsPinned() {
        var env = KernelBuilder.environment(OutputTimestamp.parse("2026-11-25T00:00:00Z"));
        assertEquals("puipui", env.get("KBUILD_BUILD_USER"));
        assertEquals("puipui", env.get("KBUILD_BUILD_HOST"));
        assertEquals("1", env.get("KBUILD_BUILD_VERSION"));
        assertEquals("1795564800", env.get("SOURCE_DATE_EPOCH"));
    }
}
