package io.github.puipui.distro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.userland.TestComponent;
import io.github.puipui.fetch.Source;
import io.github.puipui.userland.Component;

/** A derived distro: the base's definition changed by a {@link Derivation}. */
class DerivationTest {
    @TempDir
    Path tmp;

    static final String SHA = "a".repeat(64);

    static Source source(String name, String version) {
        return new Source(name, version, name + "-" + version + ".tar.gz", "https://example.org/" + name + "-" + version
                + ".tar.gz", SHA);
    }

    DistroDefinition base() throws Exception {
        Files.createDirectories(tmp.resolve("kconfig"));
        Files.writeString(tmp.resolve("kconfig/x86_64.config"), "CONFIG_VIRTIO=y\n");
        Files.createDirectories(tmp.resolve("fs/etc"));
        Files.writeString(tmp.resolve("fs/etc/issue"), "base\n");
        Component tls = new Component("mbedtls", "mbedtls");
        Component curl = TestComponent.from(new Component("curl", null)).withDependsOn("mbedtls")
                .withConfigureArgs("--without-zlib")
                .withInstalls("src/curl:/usr/bin/curl").build();
        Component socat = TestComponent.from(new Component("socat", null)).withConfigureArgs("--disable-openssl")
                .withMakeArgs("socat").build();
        return DistroDefinition.of(List.of(source("mbedtls", "3"), source("curl", "8"), source("socat", "1")),
                List.of(tls, curl, socat), tmp.resolve("kconfig"), tmp.resolve("fs"), List.of("/etc/shadow:0600"))
                .validated();
    }

    @Test
    void noChangeGivesTheBase() throws Exception {
        DistroDefinition b = base();
        DistroDefinition d = Derivation.none().applyTo(b);
        assertEquals(b, d);
        assertEquals(b.kconfigText("x86_64"), d.kconfigText("x86_64"));
    }

    @Test
    void addsChangesAndRemovesComponentsAndSources() throws Exception {
        Path patch = Files.writeString(tmp.resolve("socat.patch"), "");
        Component hello = TestComponent.from(new Component("hello", null)).withInstalls("hello:/usr/bin/hello").build();
        Component socat = TestComponent.from(new Component("socat", null)).withMakeArgs("socat", "V=1")
                .withPatches(patch.toString()).build();
        Derivation change = new Derivation(List.of(source("hello", "2.10"), source("socat", "2")),
                List.of(socat, hello), List.of(), List.of(), null, List.of(), List.of("/etc/motd:0600"), null);
        DistroDefinition d = change.applyTo(base());
        assertEquals(List.of("mbedtls", "curl", "socat", "hello"), d.components().stream().map(Component::name).toList());
        Component changed = d.componentsByName().get("socat");
        assertEquals(List.of("--disable-openssl"), changed.configureArgs(), "what the change does not declare stays");
        assertEquals(List.of("socat", "V=1"), changed.makeArgs());
        assertEquals(List.of(patch.toString()), changed.patches());
        assertEquals("autotools", changed.recipe());
        assertEquals("2", d.source("socat").version());
        assertEquals("2.10", d.source("hello").version());
        assertEquals(Map.of("/etc/shadow", 0600, "/etc/motd", 0600), d.fileModeMap());
    }

    @Test
    void aRemovedComponentThatOthersNeedFailsNamingBoth() throws Exception {
        Derivation drop = new Derivation(List.of(), List.of(), List.of("mbedtls"), List.of(), null, List.of(), List.of(), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> drop.applyTo(base()));
        assertEquals("component curl depends on mbedtls, which is removed", e.getMessage());
        Derivation unknown = new Derivation(List.of(), List.of(), List.of("openssh"), List.of(), null, List.of(), List.of(), null);
        e = assertThrows(IllegalArgumentException.class, () -> unknown.applyTo(base()));
        assertTrue(e.getMessage().contains("cannot remove component 'openssh': the base has mbedtls, curl, socat"), e.getMessage());
        Derivation ok = new Derivation(List.of(), List.of(), List.of("socat"), List.of(), null, List.of(), List.of(), null);
        assertEquals(2, ok.applyTo(base()).components().size());
    }

    @Test
    void aNewComponentWithoutASourceFails() throws Exception {
        Derivation change = new Derivation(List.of(), List.of(new Component("strace", null)), List.of(), List.of(), null,
                List.of(), List.of(), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> change.applyTo(base()));
        assertTrue(e.getMessage().contains("source 'strace', which is not declared"), e.getMessage());
    }

    @Test
    void fragmentsOverlaysAndRemovalsAddToTheBase() throws Exception {
        Path frag = Files.writeString(tmp.resolve("debug.config"), "CONFIG_IKCONFIG=y\n");
        Path arm = Files.writeString(tmp.resolve("arm.config"), "CONFIG_ARM64_4K_PAGES=y\n");
        Path overlay = Files.createDirectories(tmp.resolve("overlay"));
        Derivation change = new Derivation(List.of(), List.of(), List.of(),
                List.of(new KconfigFragment(null, frag), new KconfigFragment("aarch64", arm)),
                overlay, List.of("/usr/bin/alpine-chroot-install"), List.of(), "2027-01-01T00:00:00Z");
        DistroDefinition d = change.applyTo(base());
        assertEquals("CONFIG_VIRTIO=y\nCONFIG_IKCONFIG=y\n", d.kconfigText("x86_64"));
        assertEquals(List.of(tmp.resolve("fs"), overlay), d.fsLayers());
        assertEquals(List.of("/usr/bin/alpine-chroot-install"), d.removedFiles());
        assertEquals("2027-01-01T00:00:00Z", d.outputTimestamp());
        Derivation missingOverlay = new Derivation(List.of(), List.of(), List.of(), List.of(), tmp.resolve("none"),
                List.of(), List.of(), null);
        assertEquals(List.of(tmp.resolve("fs")), missingOverlay.applyTo(base()).fsLayers());
        Derivation relative = new Derivation(List.of(), List.of(), List.of(), List.of(), null, List.of("etc/x"),
                List.of(), null);
        assertThrows(IllegalArgumentException.class, () -> relative.applyTo(base()));
        Derivation noFile = new Derivation(List.of(), List.of(), List.of(), List.of(new KconfigFragment("x86_64",
                (Path) null)), null, List.of(), List.of(), null);
        assertThrows(IllegalArgumentException.class, () -> noFile.applyTo(base()).kconfigText("x86_64"));
    }
}
