package io.github.puipui.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.github.puipui.OutputTimestamp;
import io.github.puipui.Arch;

/** The kernel step's key changes with each of its inputs and with nothing else. */
class KernelInputsTest {
    private static KernelBuild build(Arch arch, Set<String> drops, String timestamp, String launcher, int zopfli, String obj) {
        return new KernelBuild(arch, Path.of("/src/linux"), Path.of(obj), Path.of("/k/" + arch + ".config"), drops,
                OutputTimestamp.parse(timestamp), 2, Path.of(obj, "kernel.log"), launcher, zopfli);
    }

    private static final KernelBuild BASE = build(Arch.AARCH64, Set.of(), "2026-11-25T00:00:00Z", "", 5, "/obj");

    private static String key(KernelBuild b, String kconfig, String source, String tools) {
        return KernelInputs.text(b, kconfig, source, tools);
    }

    @Test
    void eachInputChangesTheKey() {
        String base = key(BASE, "k", "s", "gcc=12");
        List<String> changed = List.of(
                key(BASE, "k2", "s", "gcc=12"),
                key(BASE, "k", "s2", "gcc=12"),
                key(BASE, "k", "s", "gcc=13"),
                key(build(Arch.X86_64, Set.of(), "2026-11-25T00:00:00Z", "", 5, "/obj"), "k", "s", "gcc=12"),
                key(build(Arch.AARCH64, Set.of("CONFIG_X"), "2026-11-25T00:00:00Z", "", 5, "/obj"), "k", "s", "gcc=12"),
                key(build(Arch.AARCH64, Set.of(), "2026-11-26T00:00:00Z", "", 5, "/obj"), "k", "s", "gcc=12"),
                key(build(Arch.AARCH64, Set.of(), "2026-11-25T00:00:00Z", "", 0, "/obj"), "k", "s", "gcc=12"));
        Set<String> all = new HashSet<>(changed);
        all.add(base);
        assertEquals(changed.size() + 1, all.size(), "every input gives its own key");
    }

    @Test
    void whatDoesNotChangeTheBytesDoesNotChangeTheKey() {
        String base = key(BASE, "k", "s", "gcc=12");
        assertEquals(base, key(build(Arch.AARCH64, Set.of(), "2026-11-25T00:00:00Z", "ccache", 5, "/elsewhere"), "k", "s",
                "gcc=12"), "the compiler launcher and the object directory are not inputs");
        // x86_64's bzImage is not recompressed: zopfli's iterations do not matter there
        assertEquals(key(build(Arch.X86_64, Set.of(), "2026-11-25T00:00:00Z", "", 5, "/obj"), "k", "s", "t"),
                key(build(Arch.X86_64, Set.of(), "2026-11-25T00:00:00Z", "", 9, "/obj"), "k", "s", "t"));
    }
}
