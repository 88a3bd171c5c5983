package io.github.puipui.userland;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class ComponentTest {
    @Test
    void installSpecs() {
        assertEquals(new Component.Install("src/curl", "/usr/bin/curl", 0755), Component.Install.parse("curl", "src/curl:/usr/bin/curl"));
        assertEquals(0600, Component.Install.parse("x", "a:/etc/a:0600").mode());
        assertThrows(IllegalArgumentException.class, () -> Component.Install.parse("x", "a:relative"));
        assertThrows(IllegalArgumentException.class, () -> Component.Install.parse("x", "../a:/a"));
    }

    @Test
    void dependenciesMustComeFirstAndRecipesExist() {
        Component tls = new Component("mbedtls", "mbedtls");
        Component curl = TestComponent.from(new Component("curl", "autotools")).withDependsOn("mbedtls").build();
        UserlandBuilder.checkOrder(List.of(tls, curl));
        assertThrows(IllegalArgumentException.class, () -> UserlandBuilder.checkOrder(List.of(curl, tls)));
        assertThrows(IllegalArgumentException.class, () -> UserlandBuilder.checkOrder(List.of(new Component("x", "scons"))));
    }

    @Test
    void dynamicExecutablesAreRecognised() throws Exception {
        java.nio.file.Path sh = java.nio.file.Path.of("/bin/sh").toRealPath();
        org.junit.jupiter.api.Assertions.assertTrue(UserlandBuilder.isElf(sh));
        org.junit.jupiter.api.Assertions.assertTrue(UserlandBuilder.hasInterpreter(sh), "the host's /bin/sh is dynamic");
        java.nio.file.Path text = java.nio.file.Files.createTempFile("not-elf", ".txt");
        java.nio.file.Files.writeString(text, "#!/bin/sh\n");
        org.junit.jupiter.api.Assertions.assertFalse(UserlandBuilder.isElf(text));
        java.nio.file.Files.delete(text);
    }

    @Test
    void modesAreSetAsOctalNumbers() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("mode", ".bin");
        try {
            io.github.puipui.files.PosixModes.set(f, 0755);
            assertEquals(0755, io.github.puipui.files.PosixModes.of(f));
            io.github.puipui.files.PosixModes.set(f, 0600);
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    java.nio.file.Files.getPosixFilePermissions(f)));
        } finally {
            java.nio.file.Files.delete(f);
        }
    }
}
