package io.github.puipui.toolchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HostToolsIdentityTest {
    @Test
    void aProgramIsIdentifiedByTheFileItResolvesToAndItsDigest() {
        String sh = HostTools.identity("sh");
        assertTrue(sh.matches("/\\S+ sha256 [0-9a-f]{64}"), sh);
        assertEquals(sh, HostTools.identity("sh"));
        assertEquals("absent", HostTools.identity("no-such-program-puipui"));
        assertTrue(HostTools.output("sh", "-c", "echo one; echo two >&2").contains("two"), "stderr too (gcc -v writes there)");
    }
}
