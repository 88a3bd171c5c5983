package io.github.puipui.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.BuildLog;
import io.github.puipui.OutputTimestamp;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.process.ProcessRunner;
import io.github.puipui.Arch;

/**
 * {@link KconfigUpdater} on a fake kernel tree whose olddefconfig drops {@code CONFIG_NFT_NAT} unless
 * {@code CONFIG_NF_CONNTRACK=y}, as the real one does, and whose Kconfig declares that dependency.
 */
class KconfigUpdaterTest {
    private static final String KCONFIG = "CONFIG_NF_TABLES=y\nCONFIG_NF_TABLES_IPV4=y\n# CONFIG_SWAP is not set\n";

    @TempDir
    Path tmp;

    private KernelBuild tree(String olddefconfig) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("linux"));
        Files.writeString(src.resolve("Makefile"), String.join("\n",
                "olddefconfig:",
                "\t" + olddefconfig,
                "savedefconfig:",
                "\tgrep -v '^#' $(O)/.config | sort > $(O)/defconfig",
                ""));
        Path netfilter = Files.createDirectories(src.resolve("net/netfilter"));
        Files.writeString(netfilter.resolve("Kconfig"), String.join("\n",
                "if NF_TABLES",
                "",
                "config NFT_NAT",
                "\tdepends on NF_CONNTRACK",
                "\tselect NF_NAT",
                "\tdepends on NF_TABLES_IPV4 || NF_TABLES_IPV6",
                "\ttristate \"Netfilter nf_tables nat module\"",
                "",
                "config NFT_OTHER",
                "\tdepends on NETFILTER",
                "",
                "endif # NF_TABLES",
                ""));
        Path kconfig = Files.writeString(tmp.resolve("x86_64.config"), KCONFIG);
        return new KernelBuild(Arch.X86_64, src, tmp.resolve("obj"), kconfig, Set.of(),
                OutputTimestamp.parse("2026-11-25T00:00:00Z"), 1, tmp.resolve("kernel.log"), "", 0);
    }

    private static final String DROP_NFT_NAT_WITHOUT_CONNTRACK =
            "grep -q '^CONFIG_NF_CONNTRACK=y' $(O)/.config || sed -i '/CONFIG_NFT_NAT/d' $(O)/.config";

    private final KconfigUpdater updater = new KconfigUpdater(new ProcessRunner(BuildLog.SILENT), BuildLog.SILENT);

    @Test
    void anOverrideThatDoesNotSurviveFailsNamingItsDependenciesAndTouchesNothing() throws Exception {
        KernelBuild b = tree(DROP_NFT_NAT_WITHOUT_CONNTRACK);
        BuildStepException e = assertThrows(BuildStepException.class,
                () -> updater.prepare(b, Map.of("CONFIG_NFT_NAT", "y")));
        assertTrue(e.getMessage().contains("CONFIG_NFT_NAT: asked y, became absent"), e.getMessage());
        assertTrue(e.getMessage().contains("depends on NF_TABLES [=y] && NF_CONNTRACK [=n] && (NF_TABLES_IPV4 [=y] || NF_TABLES_IPV6 [=n])"),
                e.getMessage());
        assertEquals(KCONFIG, Files.readString(b.kconfigFile()), "the kconfig file is untouched");
        assertFalse(Files.exists(b.dotConfig()), "no .config with the failed override is left for the next run");
    }

    @Test
    void anOverrideWithItsDependenciesIsWritten() throws Exception {
        KernelBuild b = tree(DROP_NFT_NAT_WITHOUT_CONNTRACK);
        updater.write(updater.prepare(b, Map.of("CONFIG_NFT_NAT", "y", "CONFIG_NF_CONNTRACK", "y")));
        assertTrue(Files.readString(b.kconfigFile()).contains("CONFIG_NFT_NAT=y\n"));
    }

    @Test
    void aFailedUpdateLeavesTheFilesAsTheyWere() throws Exception {
        KernelBuild b = tree("false");
        Files.createDirectories(b.objectDir());
        Files.writeString(b.dotConfig(), KCONFIG + "CONFIG_EDITED_IN_MENUCONFIG=y\n");
        assertThrows(BuildStepException.class, () -> updater.prepare(b, Map.of("CONFIG_IKCONFIG", "y")));
        assertEquals(KCONFIG, Files.readString(b.kconfigFile()));
        assertEquals(KCONFIG + "CONFIG_EDITED_IN_MENUCONFIG=y\n", Files.readString(b.dotConfig()),
                "the previous .config is back, without the override");
    }

    /** A newer kernel as 7.1 is to the base's config: it forces one symbol on and no longer knows another. */
    private static final String FORCE_SWAP_DROP_IPV4 =
            "sed -i -e 's/^# CONFIG_SWAP is not set/CONFIG_SWAP=y/' -e '/CONFIG_NF_TABLES_IPV4/d' $(O)/.config";

    @Test
    void aFragmentTakesWhatTheKernelChangesAndThenTheGuardPasses() throws Exception {
        KernelBuild b = tree(FORCE_SWAP_DROP_IPV4);
        Path fragment = Files.writeString(tmp.resolve("x86_64.fragment"), "# the line's own\nCONFIG_NF_TABLES=y\n");
        KconfigUpdater.PreparedFragment p = updater.prepareFragment(b, fragment, Map.of());
        assertEquals(java.util.List.of("# CONFIG_NF_TABLES_IPV4 is not set", "CONFIG_SWAP=y"), p.changed());
        updater.write(p);
        assertEquals("# the line's own\nCONFIG_NF_TABLES=y\n# CONFIG_NF_TABLES_IPV4 is not set\nCONFIG_SWAP=y\n",
                Files.readString(fragment));
        assertFalse(Files.exists(b.dotConfig()), "the kernel build's .config is not touched");
        // the kconfig of the next build is the merged one: the guard now passes, and a second run changes nothing
        Path merged = Files.writeString(tmp.resolve("merged.config"), io.github.puipui.distro.KconfigMerge.merge(KCONFIG,
                java.util.List.of(fragment)));
        KernelBuild next = new KernelBuild(b.arch(), b.sourceDir(), b.objectDir(), merged, Set.of(), b.timestamp(), 1,
                b.logFile(), "", 0);
        assertTrue(updater.prepareFragment(next, fragment, Map.of()).changed().isEmpty());
    }

    @Test
    void runTwiceTheResultIsTheSameBytes() throws Exception {
        KernelBuild b = tree("true");
        updater.write(updater.prepare(b, Map.of()));
        String once = Files.readString(b.kconfigFile());
        updater.write(updater.prepare(b, Map.of()));
        assertEquals(once, Files.readString(b.kconfigFile()));
    }

    @Test
    void dependencyValuesAreShownForEachSymbol() {
        assertEquals("A [=y] && !B_2 [=n] && (64BIT [=y] || C [=m])", KconfigDependencies.withValues("A && !B_2 && (64BIT || C)",
                Map.of("CONFIG_A", "y", "CONFIG_64BIT", "y", "CONFIG_C", "m")));
    }
}
