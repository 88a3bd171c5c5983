package io.github.puipui.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.github.puipui.OutputTimestamp;
import io.github.puipui.toolchain.Arch;

class KernelBuilderTest {
    private static KernelBuild build(Arch arch, String launcher) {
        return new KernelBuild(arch, Path.of("/src/linux"), Path.of("/obj"), Path.of("/k/aarch64.config"), Set.of(),
                OutputTimestamp.parse("2026-11-25T00:00:00Z"), 2, Path.of("/obj/kernel.log"), launcher);
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
    void theBuildIdentityIsPinned() {
        var env = KernelBuilder.environment(OutputTimestamp.parse("2026-11-25T00:00:00Z"));
        assertEquals("puipui", env.get("KBUILD_BUILD_USER"));
        assertEquals("puipui", env.get("KBUILD_BUILD_HOST"));
        assertEquals("1", env.get("KBUILD_BUILD_VERSION"));
        assertEquals("1795564800", env.get("SOURCE_DATE_EPOCH"));
    }
}
