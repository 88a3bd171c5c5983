package io.github.puipui.toolchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.Arch;

class HostToolsTest {
    @TempDir
    Path bin;

    @Test
    void oneErrorNamesEveryMissingToolAndItsPackage() throws Exception {
        Path make = Files.createFile(bin.resolve("make"));
        make.toFile().setExecutable(true);
        HostTools tools = new HostTools(bin.toString());
        MissingHostToolException e = assertThrows(MissingHostToolException.class, () -> tools.require("aarch64 kernel",
                List.of(HostTools.Requirement.program("make", "make"),
                        HostTools.Requirement.program("aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu"),
                        HostTools.Requirement.program("flex", "flex"),
                        HostTools.Requirement.file(bin.resolve("gelf.h").toString(), "libelf-dev"))));
        assertTrue(e.getMessage().startsWith("aarch64 kernel needs aarch64-linux-gnu-gcc (Debian/Ubuntu package gcc-aarch64-linux-gnu)"), e.getMessage());
        assertTrue(e.getMessage().endsWith("Install with: sudo apt-get install flex gcc-aarch64-linux-gnu libelf-dev"), e.getMessage());
    }

    @Test
    void crossPackagesFollowDebianNames() {
        Arch other = Arch.host() == Arch.X86_64 ? Arch.AARCH64 : Arch.X86_64;
        assertEquals(other == Arch.AARCH64 ? "gcc-aarch64-linux-gnu" : "gcc-x86-64-linux-gnu", other.crossGccPackage());
        assertEquals("", Arch.host().crossPrefix());
    }
}
