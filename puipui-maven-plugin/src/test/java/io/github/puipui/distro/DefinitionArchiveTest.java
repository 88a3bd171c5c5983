package io.github.puipui.distro;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.userland.TestComponent;
import io.github.puipui.fetch.Extractor;
import io.github.puipui.fetch.Source;
import io.github.puipui.pipeline.StepInputs;
import io.github.puipui.files.Sha256;
import io.github.puipui.userland.Component;

/** A distro's definition survives the archive: what a derived distro reads is what its base declared. */
class DefinitionArchiveTest {
    @TempDir
    Path tmp;

    private DistroDefinition declared() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("declared"));
        Files.createDirectories(d.resolve("kconfig"));
        Files.writeString(d.resolve("kconfig/x86_64.config"), "CONFIG_VIRTIO=y\n");
        Files.writeString(d.resolve("kconfig/aarch64.config"), "CONFIG_ARM64=y\n");
        Files.createDirectories(d.resolve("fs/etc/init.d"));
        Files.writeString(d.resolve("fs/etc/issue"), "base\n");
        Path rcs = Files.writeString(d.resolve("fs/etc/init.d/rcS"), "#!/bin/sh\n");
        rcs.toFile().setExecutable(true);
        Files.createSymbolicLink(d.resolve("fs/etc/mtab"), Path.of("/proc/mounts"));
        Files.createDirectories(d.resolve("overlay/etc"));
        Files.writeString(d.resolve("overlay/etc/issue"), "derived & <new>\n");
        Files.writeString(d.resolve("overlay/etc/motd"), "hi\n");
        Path config = Files.writeString(d.resolve("busybox.config"), "CONFIG_ASH=y\n");
        Path patch = Files.writeString(d.resolve("fix.patch"), "--- a/x\n+++ b/x\n");
        Path frag = Files.writeString(d.resolve("frag.config"), "CONFIG_IKCONFIG=y\n");
        Source linux = new Source("linux", "6.18.15", "linux-6.18.15.tar.xz", "https://cdn.example/linux-6.18.15.tar.xz",
                "b".repeat(64)).withAlternative("linux_6.18.15.orig.tar.xz", "c".repeat(64))
                        .withLicense("GPL-2.0-only");
        Source bb = new Source("busybox", "1.38.0", "busybox-1.38.0.tar.bz2", "https://busybox.example/b.tar.bz2", "d".repeat(64));
        Component busybox = TestComponent.from(new Component("busybox", "busybox")).withConfig(config.toString())
                .withPatches(patch.toString())
                .withInstalls("busybox:/bin/busybox").build();
        Component socat = TestComponent.from(new Component("socat", null))
                .withConfigureArgs("--disable-openssl", "CFLAGS=-DX=\"a b\"")
                .withMakeArgs("socat").withInstalls("socat:/usr/bin/socat").withSource("busybox")
                .withConfigureEnv("sc_cv_termios_ispeed", "no").build();
        DistroDefinition base = DistroDefinition.of(List.of(linux, bb), List.of(busybox, socat), d.resolve("kconfig"),
                d.resolve("fs"), List.of("/etc/shadow:0600"));
        return new Derivation(List.of(), List.of(), List.of(), List.of(new KconfigFragment("x86_64", frag)),
                d.resolve("overlay"), List.of("/etc/mtab"), List.of(), "2026-11-25T00:00:00Z").applyTo(base);
    }

    @Test
    void whatIsWrittenIsReadBack() throws Exception {
        DistroDefinition d = declared();
        Path archive = tmp.resolve("distro-definition.tar.gz");
        DefinitionArchive.write(d, List.of("aarch64", "x86_64"), List.of(), archive, 1_764_028_800L);
        Path top = new Extractor(Extractor.Kind.SOURCE).extractTree(archive, Sha256.of(archive), tmp.resolve("read"));
        DistroDefinition r = DefinitionArchive.read(top);

        assertEquals("2026-11-25T00:00:00Z", r.outputTimestamp());
        assertEquals(List.of("/etc/shadow:0600"), r.fileModes());
        assertEquals(d.kconfigText("x86_64"), r.kconfigText("x86_64"));
        assertEquals("CONFIG_VIRTIO=y\nCONFIG_IKCONFIG=y\n", r.kconfigText("x86_64"));
        assertEquals("CONFIG_ARM64=y\n", r.kconfigText("aarch64"));
        assertTrue(r.kconfigFragments().isEmpty(), "the fragments are merged into the published configs");
        assertEquals(2, r.sources().size());
        Source linux = r.source("linux");
        assertEquals(d.source("linux").knownDigests().stream().map(a -> a.file() + " " + a.sha256()).toList(),
                linux.knownDigests().stream().map(a -> a.file() + " " + a.sha256()).toList());
        assertEquals("GPL-2.0-only", linux.license());
        assertEquals(d.source("linux").url(), linux.url());
        for (Component c : d.components()) {
            Component back = r.componentsByName().get(c.name());
            assertEquals(StepInputs.declaration(c), StepInputs.declaration(back), "component " + c.name() + " keeps its key");
        }
        Component socat = r.componentsByName().get("socat");
        assertEquals(Map.of("sc_cv_termios_ispeed", "no"), socat.configureEnv());
        assertEquals(List.of("--disable-openssl", "CFLAGS=-DX=\"a b\""), socat.configureArgs());
        assertTrue(r.componentsByName().get("busybox").patches().get(0).endsWith("components/busybox/patches/01-fix.patch"));

        Path fs = r.fsLayers().get(0);
        assertEquals("derived & <new>\n", Files.readString(fs.resolve("etc/issue")));
        assertEquals("hi\n", Files.readString(fs.resolve("etc/motd")));
        assertTrue(Files.isExecutable(fs.resolve("etc/init.d/rcS")));
        assertFalse(Files.exists(fs.resolve("etc/mtab"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void theArchiveIsReproducible() throws Exception {
        DistroDefinition d = declared();
        Path one = tmp.resolve("one.tar.gz");
        Path two = tmp.resolve("two.tar.gz");
        DefinitionArchive.write(d, List.of("aarch64", "x86_64"), List.of(), one, 1_764_028_800L);
        DefinitionArchive.write(d, List.of("aarch64", "x86_64"), List.of(), two, 1_764_028_800L);
        assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(two));
    }

    @Test
    void aDefinitionOfAnotherFormatIsRefused() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("future"));
        Files.writeString(dir.resolve("distro.xml"), "<distro format=\"4\"/>");
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> DefinitionArchive.read(dir));
        assertTrue(e.getMessage().contains("newer plugin"), e.getMessage());
        Files.writeString(dir.resolve("distro.xml"), "<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><distro format=\"1\">&x;</distro>");
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> DefinitionArchive.read(dir));
        assertFalse(new File(dir.toFile(), "kconfig").exists());
    }

    /** A base's definition with one hostile component element, as a base would publish it (its files beside). */
    private Path craftedBase(String component) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("crafted").resolve(Integer.toHexString(component.hashCode())));
        Files.createDirectories(dir.resolve("components/hello/patches"));
        Files.writeString(dir.resolve("components/hello/patches/01-fix.patch"), "--- a\n+++ b\n");
        Files.writeString(dir.resolve("distro.xml"), "<distro format=\"1\">\n  <sources>\n    <source><name>hello</name>"
                + "<version>1.0</version><file>hello-1.0.tar.gz</file><url>https://example.org/hello-1.0.tar.gz</url>"
                + "<sha256>" + "ab".repeat(32) + "</sha256></source>\n  </sources>\n  <components>\n" + component
                + "\n  </components>\n</distro>\n");
        return dir;
    }

    private void assertRefused(String component, String why) throws Exception {
        Path dir = craftedBase(component);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DefinitionArchive.read(dir).validated());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void aBaseCannotNameFilesOutsideItsDefinitionNorNameAComponentAPath() throws Exception {
        assertRefused("<component><name>../../../../../victim</name><source>hello</source></component>", "is not a name");
        assertRefused("<component><name>hello</name><patches><patch>../../../../../../../../etc/passwd</patch></patches>"
                + "</component>", "stays inside");
        assertRefused("<component><name>hello</name><config>/etc/hostname</config></component>", "stays inside");
        assertRefused("<component><name>hello</name><patches><patch>components/hello/patches/../../../../x</patch>"
                + "</patches></component>", "stays inside");
        Path linked = craftedBase("<component><name>hello</name><config>components/out/hostname</config></component>");
        Files.createSymbolicLink(linked.resolve("components/out"), Path.of("/etc"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DefinitionArchive.read(linked));
        assertTrue(e.getMessage().contains("through a link"), e.getMessage());
        // what stays inside is read
        DistroDefinition ok = DefinitionArchive.read(craftedBase("<component><name>hello</name><patches>"
                + "<patch>components//hello/./patches/01-fix.patch</patch></patches></component>"));
        assertTrue(ok.components().get(0).patches().get(0).endsWith("components/hello/patches/01-fix.patch"));
    }

    @Test
    void installTargetsStayInsideTheImage() {
        assertEquals("/tmp/x", Component.Install.parse("hello", "hello://tmp/x").to());
        assertEquals("/usr/bin/hello", Component.Install.parse("hello",
                "src/../hello:/usr/./lib/../bin//hello:0755").to());
        for (String bad : List.of("hello:/../../etc/passwd", "../../x:/usr/bin/x", "/etc/passwd:/usr/bin/x", "hello:/",
                "hello:relative")) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> Component.Install.parse("hello", bad), bad);
        }
    }

    @Test
    void aLibraryComponentAndAProjectsOwnConfigureScriptAreKeptAndAnUnknownElementIsRefused() throws Exception {
        Path dir = craftedBase("<component><name>hello</name><recipe>make</recipe><staging>true</staging>"
                + "<configureScript>configure</configureScript><configureArgs><arg>--cc={cc}</arg></configureArgs>"
                + "</component>");
        Files.createDirectories(dir.resolve("fs"));
        Component hello = DefinitionArchive.read(dir).components().get(0);
        assertTrue(hello.stagesLibrary());
        assertEquals("configure", hello.configureScript());
        DistroDefinition d = DefinitionArchive.read(dir);
        Path archive = tmp.resolve("v2.tar.gz");
        DefinitionArchive.write(d, List.of(), List.of(), archive, 1_764_028_800L);
        Path top = new Extractor(Extractor.Kind.DEFINITION).extractTree(archive, Sha256.of(archive), tmp.resolve("v2"));
        assertTrue(Files.readString(top.resolve("distro.xml")).contains("<distro format=\"3\">"));
        Component back = DefinitionArchive.read(top).components().get(0);
        assertEquals(StepInputs.declaration(hello), StepInputs.declaration(back), "the same key after a round trip");
        // a newer plugin's element: refused by name rather than ignored
        Path newer = craftedBase("<component><name>hello</name><binaries>x86_64</binaries></component>");
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> DefinitionArchive.read(newer));
        assertTrue(e.getMessage().contains("<binaries>") && e.getMessage().contains("newer plugin"), e.getMessage());
    }

    @Test
    void aComponentFromADirectoryIsPublishedWithItsFilesAndItsLinks() throws Exception {
        Path project = Files.createDirectories(tmp.resolve("project"));
        Files.createDirectories(project.resolve("tools/report/src"));
        Files.writeString(project.resolve("tools/report/Makefile"), "all:\n");
        Files.writeString(project.resolve("tools/report/src/report.c"), "int main(void) { return 0; }\n");
        Files.createDirectories(project.resolve("fs/etc"));
        Source s = new Source("other", "1", "other-1.tar.gz", "https://example.org/other-1.tar.gz", "a".repeat(64));
        Component report = TestComponent.from(new Component("report", "make")).withSourceDirectory("tools/report")
                .withInstalls("report:/usr/bin/report").withLinks("/usr/bin/rep:report")
                .withLinkLists("report.links:/usr/bin/report").build().resolvedAgainst(project);
        DistroDefinition d = DistroDefinition.of(List.of(s), List.of(report), project.resolve("kconfig"),
                project.resolve("fs"), List.of()).validated();
        Path archive = tmp.resolve("dir.tar.gz");
        DefinitionArchive.write(d, List.of(), List.of(), archive, 1_764_028_800L);
        Path top = new Extractor(Extractor.Kind.DEFINITION).extractTree(archive, Sha256.of(archive), tmp.resolve("dir"));
        Component back = DefinitionArchive.read(top).components().get(0);
        assertTrue(back.sourceDirectory().endsWith("components/report/source"), back.sourceDirectory());
        assertEquals("int main(void) { return 0; }\n",
                Files.readString(Path.of(back.sourceDirectory()).resolve("src/report.c")));
        assertEquals(List.of("/usr/bin/rep:report"), back.links());
        assertEquals(List.of("report.links:/usr/bin/report"), back.linkLists());
        assertEquals(StepInputs.declaration(report), StepInputs.declaration(back));
    }
}
