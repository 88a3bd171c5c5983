package io.github.puipui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void anArchProfileTheProjectLacksSelectsItsArchAsTheBasesProfileWould() {
        // a derived distro: -Parch-x86_64 matched no profile, so puipui.arches kept its default
        ArchSelection.Selection s = ArchSelection.select("aarch64,x86_64", false, List.of("arch-x86_64"), List.of());
        assertEquals(List.of(Arch.X86_64), s.arches());
        assertEquals(List.of("arch-x86_64"), s.undefinedProfiles());
        assertTrue(s.note().startsWith("-Parch-x86_64: this project defines no such profile"), s.note());
        assertTrue(s.note().contains("-P?arch-x86_64") && s.note().contains("-Dpuipui.arches=x86_64"), s.note());
        // Maven 4's optional profile, which Maven 3 passes on with its '?'
        assertEquals(List.of(Arch.AARCH64), ArchSelection.select("aarch64,x86_64", false, List.of("?arch-aarch64"),
                List.of()).arches());
        assertEquals(List.of(Arch.AARCH64, Arch.X86_64), ArchSelection.select("x86_64", false,
                List.of("arch-aarch64", "release", "arch-x86_64"), List.of("release")).arches());
    }

    @Test
    void theProjectsOwnProfileAndAnExplicitPropertyWin() {
        // the base: its profile set puipui.arches, whatever the profile means there
        ArchSelection.Selection base = ArchSelection.select("x86_64", false, List.of("arch-x86_64"),
                List.of("arch-x86_64"));
        assertEquals(List.of(Arch.X86_64), base.arches());
        assertNull(base.note());
        ArchSelection.Selection explicit = ArchSelection.select("aarch64", true, List.of("arch-x86_64"), List.of());
        assertEquals(List.of(Arch.AARCH64), explicit.arches());
        assertNull(explicit.note());
        assertEquals(List.of(Arch.AARCH64, Arch.X86_64), ArchSelection.select("aarch64,x86_64", false,
                List.of("release"), List.of()).arches());
        assertThrows(IllegalArgumentException.class,
                () -> ArchSelection.select("aarch64,x86_64", false, List.of("arch-arm64"), List.of()));
    }
}
