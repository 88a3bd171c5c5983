package io.github.puipui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class ArchSelectionTest {
    @Test
    void theArchesAskedFor() {
        assertEquals(List.of(Arch.AARCH64, Arch.X86_64), ArchSelection.parse("aarch64,x86_64", List.of()));
        assertEquals(List.of(Arch.X86_64), ArchSelection.parse(" x86_64 ", List.of("arch-x86_64", "release")));
    }

    @Test
    void anUnknownArchListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ArchSelection.parse("riscv64", List.of()));
        assertEquals("unknown arch 'riscv64' in puipui.arches (known: aarch64, x86_64)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ArchSelection.parse("", List.of()));
        assertEquals("puipui.arches is empty (known: aarch64, x86_64)", e.getMessage());
    }

    @Test
    void aMisspeltArchProfileFailsInsteadOfBuildingEveryArch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ArchSelection.parse("aarch64,x86_64", List.of("arch-arm64")));
        assertEquals("there is no profile arch-arm64: the arch profiles are -Parch-aarch64, -Parch-x86_64"
                + " (none builds every arch)", e.getMessage());
    }
}
