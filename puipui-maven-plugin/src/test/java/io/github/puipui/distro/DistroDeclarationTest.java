package io.github.puipui.distro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.userland.TestComponent;
import io.github.puipui.BuildLog;
import io.github.puipui.fetch.Source;
import io.github.puipui.userland.Component;

/** A project's declaration turned into its definition: what it names stays inside the project's tree. */
class DistroDeclarationTest {
    @TempDir
    Path tmp;

    /** A module {@code tree/distro} of a multi-module build rooted at {@code tree}, declaring one patched component. */
    private DistroDeclaration declared(String patch, Path overlay) throws Exception {
        Path tree = tmp.resolve("tree");
        Path module = Files.createDirectories(tree.resolve("distro"));
        Files.createDirectories(tree.resolve("kconfig"));
        Files.writeString(tree.resolve("kconfig/x86_64.config"), "CONFIG_VIRTIO=y\n");
        Files.createDirectories(tree.resolve("fs/etc"));
        Files.createDirectories(tree.resolve("patches"));
        Files.writeString(tree.resolve("patches/fix.patch"), "--- a\n+++ b\n");
        Files.writeString(tmp.resolve("outside.patch"), "--- a\n+++ b\n");
        Source hello = new Source("hello", "1.0", "hello-1.0.tar.gz", "https://example.org/hello-1.0.tar.gz",
                "a".repeat(64));
        return new DistroDeclaration(module, tree, null, List.of(hello),
                List.of(TestComponent.from(new Component("hello", null))
                        .withPatches(patch).build()), List.of(), List.of(), tree.resolve("kconfig"),
                tree.resolve("fs"), overlay, List.of(), List.of(), "2026-11-25T00:00:00Z", true);
    }

    private DistroDefinition definition(DistroDeclaration d) throws Exception {
        return d.definition((g, a, v) -> {
            throw new AssertionError("no base to resolve");
        }, tmp.resolve("base"), BuildLog.SILENT);
    }

    @Test
    void filesOfTheProjectsTreeAreTakenAndOthersRefusedNamingTheElement() throws Exception {
        // the module's parent directory is the tree's: ../patches and ../kconfig, as this project's distro has them
        DistroDefinition ok = definition(declared("../patches/fix.patch", null));
        assertTrue(ok.components().get(0).patches().get(0).endsWith("tree/patches/fix.patch"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> definition(declared("../../outside.patch", null)));
        assertEquals(true, e.getMessage().contains("component hello: <patch>")
                && e.getMessage().contains("is outside the project's tree"), e.getMessage());
        Path link = tmp.resolve("tree/distro/overlay");
        DistroDeclaration linked = declared("../patches/fix.patch", link);
        Files.createSymbolicLink(link, Path.of("/etc"));
        e = assertThrows(IllegalArgumentException.class, () -> definition(linked));
        assertTrue(e.getMessage().contains("<overlayDirectory>") && e.getMessage().contains("through a link"),
                e.getMessage());
    }

    /** A derived declaration of {@code base}, with nothing changed. */
    private DistroDeclaration derivedFrom(String base) {
        Path module = tmp.resolve("derived");
        return new DistroDeclaration(module, module, base, List.of(), List.of(), List.of(), List.of(), null, null, null,
                List.of(), List.of(), null, false);
    }

    @Test
    void aBasePinnedByDigestIsTheOnlyOneTaken() throws Exception {
        DistroDefinition base = definition(declared("../patches/fix.patch", null));
        Path archive = tmp.resolve("repo/base-1-definition.tar.gz");
        Files.createDirectories(archive.getParent());
        DefinitionArchive.write(base, List.of("x86_64"), List.of(new DistroBinaries.Index("x86_64", "b".repeat(64),
                java.util.Map.of("kernel", "c".repeat(64)))), archive, 1_764_028_800L);
        String sha = io.github.puipui.files.Sha256.of(archive);
        DistroDeclaration.BaseResolver resolver = (g, a, v) -> {
            assertEquals("org.example:base:1", g + ":" + a + ":" + v, "the coordinates, without the pin");
            return archive;
        };
        DistroDeclaration pinned = derivedFrom("org.example:base:1@sha256:" + sha);
        assertEquals(List.of("hello"), pinned.definition(resolver, tmp.resolve("w1"), BuildLog.SILENT).components()
                .stream().map(Component::name).toList());
        assertEquals("b".repeat(64), pinned.baseBinaries(resolver, tmp.resolve("w1"), BuildLog.SILENT).get("x86_64")
                .sha256(), "the pinned definition names its binaries' digest");

        java.io.IOException other = assertThrows(java.io.IOException.class, () -> derivedFrom("org.example:base:1@sha256:"
                + "d".repeat(64)).definition(resolver, tmp.resolve("w2"), BuildLog.SILENT));
        assertTrue(other.getMessage().contains(sha) && other.getMessage().contains("not the " + "d".repeat(64)),
                other.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> derivedFrom(
                "org.example:base:1@sha256:abc").definition(resolver, tmp.resolve("w3"), BuildLog.SILENT));
        assertTrue(bad.getMessage().contains("@sha256:<64 hex digits>"), bad.getMessage());
    }
}
