package io.github.puipui.distro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KconfigMergeTest {
    @TempDir
    Path tmp;

    private static final String BASE = "CONFIG_LOCALVERSION_AUTO=n\n# CONFIG_SWAP is not set\nCONFIG_VIRTIO=y\n";

    @Test
    void fragmentsReplaceTheSymbolsTheySetInPlaceAndAddNewOnesInOrder() throws Exception {
        Path a = Files.writeString(tmp.resolve("a.config"), "# a comment\nCONFIG_SWAP=y\nCONFIG_IKCONFIG=y\n\n");
        Path b = Files.writeString(tmp.resolve("b.config"), "# CONFIG_VIRTIO is not set\nCONFIG_IKCONFIG_PROC=y\n"
                + "CONFIG_IKCONFIG=m\n");
        assertEquals("CONFIG_LOCALVERSION_AUTO=n\nCONFIG_SWAP=y\n# CONFIG_VIRTIO is not set\nCONFIG_IKCONFIG=m\n"
                + "CONFIG_IKCONFIG_PROC=y\n", KconfigMerge.merge(BASE, List.of(a, b)));
    }

    @Test
    void noFragmentLeavesTheConfigByteForByte() throws Exception {
        assertSame(BASE, KconfigMerge.merge(BASE, List.of()));
    }

    @Test
    void aLineThatIsNoKconfigLineFailsWithItsFileAndLine() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.config"), "CONFIG_A=y\nCONFIG_B y\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KconfigMerge.merge(BASE, List.of(bad)));
        assertTrue(e.getMessage().contains("bad.config:2: 'CONFIG_B y'"), e.getMessage());
        Path typo = Files.writeString(tmp.resolve("typo.config"), "# CONFIG_A is not se\n");
        assertThrows(IllegalArgumentException.class, () -> KconfigMerge.merge(BASE, List.of(typo)));
        assertThrows(IllegalArgumentException.class, () -> KconfigMerge.merge(BASE, List.of(tmp.resolve("missing"))));
    }
}
