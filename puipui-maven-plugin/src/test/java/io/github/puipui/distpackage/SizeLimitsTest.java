package io.github.puipui.distpackage;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.Arch;
import io.github.puipui.process.BuildStepException;

class SizeLimitsTest {
    @TempDir
    Path out;

    @Test
    void aFileOverItsLimitFailsNamingSizeLimitAndExcess() throws Exception {
        Files.write(out.resolve("bzImage"), new byte[1030]);
        Files.write(out.resolve("initramfs.cpio.gz"), new byte[10]);
        SizeLimits limits = SizeLimits.parse(List.of("x86_64/bzImage:1000", "initramfs.cpio.gz:9",
                "aarch64/Image.gz:1"));
        BuildStepException e = assertThrows(BuildStepException.class, () -> limits.check(Arch.X86_64, out));
        assertTrue(e.getMessage().contains("x86_64 bzImage: 1,030 bytes, over its limit of 1,000 by 30 (3.0 %)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("x86_64 initramfs.cpio.gz: 10 bytes, over its limit of 9 by 1"), e.getMessage());
        assertTrue(!e.getMessage().contains("Image.gz"), "another arch's limit does not apply: " + e.getMessage());
    }

    @Test
    void filesWithinTheirLimitsPass() throws Exception {
        Files.write(out.resolve("bzImage"), new byte[1000]);
        assertDoesNotThrow(() -> SizeLimits.parse(List.of("x86_64/bzImage:1_000")).check(Arch.X86_64, out));
    }

    @Test
    void aLimitOnAFileTheArchDoesNotPublishFails() {
        BuildStepException e = assertThrows(BuildStepException.class,
                () -> SizeLimits.parse(List.of("x86_64/bzimage:1000")).check(Arch.X86_64, out));
        assertTrue(e.getMessage().contains("bzimage: no such published file"), e.getMessage());
    }

    @Test
    void aMalformedLimitIsNamed() {
        for (String bad : List.of("bzImage", "bzImage:big", "arm64/Image.gz:10", "x86_64/bzImage:0", ":10")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SizeLimits.parse(List.of(bad)));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }
}
