package io.github.puipui.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.Arch;
import io.github.puipui.BuildLog;
import io.github.puipui.OutputTimestamp;
import io.github.puipui.TestArchives;
import io.github.puipui.distro.DistroDefinition;
import io.github.puipui.fetch.Fetcher;
import io.github.puipui.fetch.Source;
import io.github.puipui.fetch.SourceCache;
import io.github.puipui.fetch.Transport;
import io.github.puipui.files.Sha256;
import io.github.puipui.toolchain.ToolchainChoice;
import io.github.puipui.userland.Component;
import io.github.puipui.userland.TestComponent;
import io.github.puipui.userland.UserlandBuilder;

/**
 * {@code <prebuiltToolchains>}: a toolchain declared as a source (a tarball with {@code bin/<prefix>gcc} and its
 * binutils) is fetched and extracted like any source, and compiles the components instead of the host compiler with
 * a musl sysroot. The toolchain here wraps the host's own tools, so that the test needs nothing but them.
 */
class PrebuiltToolchainTest {
    private static final OutputTimestamp TS = OutputTimestamp.parse("2026-11-25T00:00:00Z");

    @TempDir
    Path tmp;

    @Test
    void aPrebuiltToolchainIsFetchedAsASourceAndCompilesTheComponents() throws Exception {
        Arch arch = Arch.host();
        String prefix = arch.id() + "-linux-musl-";
        Map<String, String> tools = new LinkedHashMap<>();
        for (String tool : List.of("gcc", "ar", "ranlib", "strip", "nm", "ld", "objcopy")) {
            tools.put("cross-1.0/bin/" + prefix + tool, "#!/bin/sh\nexec " + tool + " \"$@\"\n");
        }
        Path mirror = tmp.resolve("mirror");
        Path cross = TestArchives.tarGz(mirror.resolve("cross-1.0.tar.gz"), tools);
        Path hello = TestArchives.tarGz(mirror.resolve("hello-1.0.tar.gz"), Map.of(
                "hello-1.0/configure", "#!/bin/sh\nprintf 'hello: hello.c\\n\\t$(CC) -o hello hello.c\\n' > Makefile\n",
                "hello-1.0/hello.c", "#include <stdio.h>\nint main(void) { puts(\"built by the prebuilt toolchain\");"
                        + " return 0; }\n"));
        List<Source> sources = List.of(
                new Source("cross", "1.0", "cross-1.0.tar.gz", "https://example.org/cross-1.0.tar.gz", Sha256.of(cross)),
                new Source("hello", "1.0", "hello-1.0.tar.gz", "https://example.org/hello-1.0.tar.gz", Sha256.of(hello)));
        Files.createDirectories(tmp.resolve("kconfig"));
        Files.writeString(tmp.resolve("kconfig").resolve(arch.id() + ".config"), "CONFIG_VIRTIO=y\n");
        Files.createDirectories(tmp.resolve("fs"));
        Component c = TestComponent.from(new Component("hello", "autotools")).withInstalls("hello:/usr/bin/hello")
                .build();
        DistroDefinition d = DistroDefinition.of(sources, List.of(c), tmp.resolve("kconfig"), tmp.resolve("fs"),
                List.of()).validated();
        Files.writeString(tmp.resolve("ca.crt"), "CAs\n");
        Fetcher fetcher = new Fetcher(new SourceCache(tmp.resolve("cache"), BuildLog.SILENT), new Transport(null),
                List.of(mirror.toUri()), true, BuildLog.SILENT);
        DistroBuild b = new DistroBuild(d, new Layout(tmp.resolve("work")), tmp.resolve("cache"), fetcher, null,
                new DistroBuild.Settings(TS, 2, "", 0, List.of(), tmp.resolve("ca.crt"), List.of(
                        new ToolchainChoice.Prebuilt(arch.id(), arch.id(), "cross", prefix))), BuildLog.SILENT);

        assertEquals(List.of("cross", "hello"), b.userlandSourcesToFetch(arch).stream().sorted().toList(),
                "the component's source and the toolchain's, no musl, no kernel");
        List<UserlandBuilder.Installed> installed = b.userland(arch, 2);
        assertEquals(List.of("/usr/bin/hello"), installed.stream().map(UserlandBuilder.Installed::imagePath).toList());
        Path binary = b.layout().userland(arch).resolve("usr/bin/hello");
        Process p = new ProcessBuilder(binary.toString()).redirectErrorStream(true).start();
        assertEquals("built by the prebuilt toolchain\n", new String(p.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8));
        assertEquals(0, p.waitFor());
        String log = Files.readString(b.layout().logs(arch).resolve("hello.log"));
        assertTrue(log.contains("/bin/" + prefix + "gcc -static"), "compiled by the prebuilt gcc: " + log);
    }
}
