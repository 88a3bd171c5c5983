package io.github.puipui.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class KconfigGuardTest {
    private static final Map<String, String> ASKED = Kconfig.parse(List.of(
            "CONFIG_VIRTIO_BLK=y",
            "CONFIG_VIRTIO_BLKK=y",
            "# CONFIG_MODULES is not set",
            "CONFIG_LOG_BUF_SHIFT=14",
            "CONFIG_DEFAULT_HOSTNAME=\"localhost\"",
            "CONFIG_DRM_VIRTIO_GPU=y"));

    @Test
    void parsesSetAndUnsetLinesAndIgnoresComments() {
        Map<String, String> k = Kconfig.parse(List.of("# a comment", "CONFIG_A=y", "# CONFIG_B is not set", "", "CONFIG_C=\"x y\""));
        assertEquals(Map.of("CONFIG_A", "y", "CONFIG_B", "n", "CONFIG_C", "\"x y\""), k);
    }

    @Test
    void namesEachSymbolWhatWasAskedAndWhatItBecame() {
        Map<String, String> resolved = Kconfig.parse(List.of(
                "CONFIG_VIRTIO_BLK=y",
                "CONFIG_MODULES=y",
                "CONFIG_LOG_BUF_SHIFT=14",
                "CONFIG_DEFAULT_HOSTNAME=\"localhost\"",
                "# CONFIG_DRM_VIRTIO_GPU is not set"));
        List<KconfigGuard.Violation> v = KconfigGuard.check(ASKED, resolved, Set.of());
        assertEquals(3, v.size(), v.toString());
        assertEquals("CONFIG_VIRTIO_BLKK: asked y, became absent (unknown symbol, or its dependencies are unmet)", v.get(0).toString());
        assertEquals("CONFIG_MODULES: asked not set, became y", v.get(1).toString());
        assertTrue(v.get(2).toString().startsWith("CONFIG_DRM_VIRTIO_GPU: asked y, became not set"), v.get(2).toString());
    }

    @Test
    void intendedDropsAreAllowed() {
        Map<String, String> resolved = Kconfig.parse(List.of("CONFIG_VIRTIO_BLK=y", "CONFIG_LOG_BUF_SHIFT=14",
                "CONFIG_DEFAULT_HOSTNAME=\"localhost\"", "CONFIG_DRM_VIRTIO_GPU=y"));
        assertEquals(List.of(), KconfigGuard.check(ASKED, resolved, Set.of("CONFIG_VIRTIO_BLKK")));
    }

    @Test
    void environmentOverridesAreOnlyConfigVariables() {
        assertEquals(Map.of("CONFIG_IKCONFIG", "y"),
                Kconfig.environmentOverrides(Map.of("CONFIG_IKCONFIG", "y", "PATH", "/bin", "CONFIGURE", "x")));
        assertEquals("# CONFIG_X is not set", Kconfig.line("CONFIG_X", "n"));
    }
}
