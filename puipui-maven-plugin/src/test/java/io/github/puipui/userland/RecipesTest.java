package io.github.puipui.userland;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.Arch;
import io.github.puipui.BuildLog;
import io.github.puipui.OutputTimestamp;
import io.github.puipui.TestArchives;
import io.github.puipui.files.Sha256;
import io.github.puipui.process.ProcessRunner;
import io.github.puipui.toolchain.Toolchain;

/**
 * The generic recipes with real cmake, meson and make runs, on tiny projects built statically with the host's C
 * compiler: a CMake library staged for later components, a Meson program and a program with its own configure
 * script and Makefile that both link it through pkg-config, and a program that depends on two components.
 */
class RecipesTest {
    @TempDir
    Path tmp;

    private UserlandBuilder.Prepared prepared(Component c, Map<String, String> files) throws Exception {
        Path archive = TestArchives.tarGz(tmp.resolve(c.name() + "-1.0.tar.gz"), files);
        return UserlandBuilder.Prepared.of(c, "1.0", archive, Sha256.of(archive), c.name() + " inputs", toolchain());
    }

    private Toolchain toolchain() {
        return new Toolchain(Arch.X86_64, "cc", "", "x86_64-linux-gnu", tmp);
    }

    private List<UserlandBuilder.Installed> build(UserlandBuilder.Prepared... ps) throws Exception {
        return new UserlandBuilder(new ProcessRunner(BuildLog.SILENT), BuildLog.SILENT, null, null).build(Arch.X86_64,
                List.of(ps), tmp.resolve("build"), tmp.resolve("staging"), tmp.resolve("userland"),
                tmp.resolve("logs"), 2, OutputTimestamp.parse("2026-11-25T00:00:00Z"));
    }

    private String run(String imagePath) throws Exception {
        Process p = new ProcessBuilder(tmp.resolve("userland").resolve(imagePath.substring(1)).toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    /** libgreet: a static library with a header and a pkg-config file, built by CMake. */
    private UserlandBuilder.Prepared greet() throws Exception {
        return prepared(TestComponent.from(new Component("greet", "cmake")).withStaging(true).build(), Map.of(
                "greet-1.0/CMakeLists.txt", String.join("\n",
                        "cmake_minimum_required(VERSION 3.13)",
                        "project(greet C)",
                        "add_library(greet greet.c)",
                        "configure_file(greet.pc.in greet.pc @ONLY)",
                        "install(TARGETS greet ARCHIVE DESTINATION lib)",
                        "install(FILES greet.h DESTINATION include)",
                        "install(FILES ${CMAKE_BINARY_DIR}/greet.pc DESTINATION lib/pkgconfig)", ""),
                "greet-1.0/greet.pc.in", "prefix=@CMAKE_INSTALL_PREFIX@\nName: greet\nDescription: greets\nVersion: 1.0\n"
                        + "Cflags: -I${prefix}/include\nLibs: -L${prefix}/lib -lgreet\n",
                "greet-1.0/greet.h", "const char *greet(void);\n",
                "greet-1.0/greet.c", "#include \"greet.h\"\nconst char *greet(void) { return \"greetings\"; }\n"));
    }

    @Test
    void aCMakeLibraryIsStagedAndAMesonProgramAndAMakeProgramLinkItThroughPkgConfig() throws Exception {
        UserlandBuilder.Prepared meson = prepared(TestComponent.from(new Component("hello-meson", "meson"))
                .withDependsOn("greet")
                .withInstalls("build-puipui/hello:/usr/bin/hello-meson").build(), Map.of(
                "hello-meson-1.0/meson.build", String.join("\n",
                        "project('hello', 'c')",
                        "executable('hello', 'hello.c', dependencies: dependency('greet', static: true))", ""),
                "hello-meson-1.0/hello.c", "#include <stdio.h>\n#include <greet.h>\n"
                        + "int main(void) { printf(\"meson: %s\\n\", greet()); return 0; }\n"));
        // a hand-written configure script (not autotools) that writes the compiler into config.mk, and a Makefile
        UserlandBuilder.Prepared make = prepared(TestComponent.from(new Component("hello-make", "make"))
                .withDependsOn("greet")
                .withConfigureScript("configure").withConfigureArgs("--cc={cc}")
                .withInstalls("hello:/usr/bin/hello-make").build(), Map.of(
                "hello-make-1.0/configure", "#!/bin/sh\nfor a; do case $a in --cc=*) echo \"MYCC=${a#--cc=}\" > config.mk;;"
                        + " *) echo \"unknown option $a\"; exit 1;; esac; done\n",
                "hello-make-1.0/Makefile", "include config.mk\nhello: hello.c\n"
                        + "\t$(MYCC) $(CFLAGS) $$(pkg-config --cflags greet) -o $@ hello.c $(LDFLAGS) $$(pkg-config --libs greet)\n",
                "hello-make-1.0/hello.c", "#include <stdio.h>\n#include <greet.h>\n"
                        + "int main(void) { printf(\"make: %s\\n\", greet()); return 0; }\n"));
        List<UserlandBuilder.Installed> installed = build(greet(), meson, make);
        assertEquals(List.of("/usr/bin/hello-meson", "/usr/bin/hello-make"),
                installed.stream().map(UserlandBuilder.Installed::imagePath).toList());
        assertEquals("meson: greetings\n", run("/usr/bin/hello-meson"));
        assertEquals("make: greetings\n", run("/usr/bin/hello-make"));
        Path staged = tmp.resolve("build").resolve("greet.out/staging");
        assertTrue(Files.isRegularFile(staged.resolve("lib/libgreet.a")), "the library's outputs hold what it staged");
        assertTrue(Files.isRegularFile(staged.resolve("lib/pkgconfig/greet.pc")));
    }

    @Test
    void aCMakeProgramDependsOnTwoComponents() throws Exception {
        UserlandBuilder.Prepared shout = prepared(TestComponent.from(new Component("shout", "make"))
                .withStaging(true).build(), Map.of(
                "shout-1.0/Makefile", "libshout.a: shout.o\n\t$(AR) rcs $@ shout.o\n"
                        + "install: libshout.a\n\tmkdir -p $(PREFIX)/lib/pkgconfig $(PREFIX)/include\n"
                        + "\tcp libshout.a $(PREFIX)/lib/ && cp shout.h $(PREFIX)/include/\n"
                        + "\tprintf 'prefix=%s\\nName: shout\\nDescription: shouts\\nVersion: 1\\nCflags: -I$${prefix}/include\\n"
                        + "Libs: -L$${prefix}/lib -lshout\\n' '$(PREFIX)' > $(PREFIX)/lib/pkgconfig/shout.pc\n",
                "shout-1.0/shout.h", "const char *shout(void);\n",
                "shout-1.0/shout.c", "const char *shout(void) { return \"HEY\"; }\n"));
        UserlandBuilder.Prepared both = prepared(TestComponent.from(new Component("both", "cmake"))
                .withDependsOn("greet", "shout")
                .withMakeArgs("--target", "both").withInstalls("build-puipui/both:/usr/bin/both").build(), Map.of(
                "both-1.0/CMakeLists.txt", String.join("\n",
                        "cmake_minimum_required(VERSION 3.13)",
                        "project(both C)",
                        "find_package(PkgConfig REQUIRED)",
                        "pkg_check_modules(DEPS REQUIRED IMPORTED_TARGET greet shout)",
                        "add_executable(both both.c)",
                        "target_link_libraries(both PkgConfig::DEPS)", ""),
                "both-1.0/both.c", "#include <stdio.h>\n#include <greet.h>\n#include <shout.h>\n"
                        + "int main(void) { printf(\"%s %s\\n\", greet(), shout()); return 0; }\n"));
        build(greet(), shout, both);
        assertEquals("greetings HEY\n", run("/usr/bin/both"));
    }

    @Test
    void anUnknownRecipeNamesTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Recipe.named("scons"));
        assertTrue(e.getMessage().contains("autotools, cmake, meson, make, busybox, mbedtls"), e.getMessage());
    }

    @Test
    void aComponentFromADirectoryOfTheProjectInstallsLinksAndTheLinksItsBuildLists() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("project/tools/multi"));
        Files.writeString(dir.resolve("Makefile"), "multi: multi.c\n\t$(CC) $(CFLAGS) -o $@ multi.c $(LDFLAGS)\n"
                + "\tprintf '/usr/bin/one\\n/usr/sbin/two\\n' > multi.links\n");
        Files.writeString(dir.resolve("multi.c"), "#include <stdio.h>\n#include <string.h>\n"
                + "int main(int c, char **v) { const char *n = strrchr(v[0], '/'); printf(\"%s\\n\", n ? n + 1 : v[0]); "
                + "return 0; }\n");
        Component multi = TestComponent.from(new Component("multi", "make")).withSourceDirectory(dir.toString())
                .withInstalls("multi:/bin/multi").withLinks("/bin/alias:multi")
                .withLinkLists("multi.links:/bin/multi").build();
        UserlandBuilder.Prepared p = UserlandBuilder.Prepared.of(multi, "(multi)", dir,
                Sha256.of(String.join("\n", io.github.puipui.files.TreeManifest.of(dir))), "multi inputs", toolchain());
        build(p);
        Path image = tmp.resolve("userland");
        assertEquals("../../bin/multi", Files.readSymbolicLink(image.resolve("usr/bin/one")).toString(),
                "a link made relative, so that it points inside whatever tree holds the image");
        assertEquals("../../bin/multi", Files.readSymbolicLink(image.resolve("usr/sbin/two")).toString());
        assertEquals("multi", Files.readSymbolicLink(image.resolve("bin/alias")).toString());
        assertEquals("one\n", run("/usr/bin/one"), "the program runs under the link's name");
        assertEquals("alias\n", run("/bin/alias"));
        assertTrue(Files.isRegularFile(dir.resolve("multi.c")) && !Files.exists(dir.resolve("multi")),
                "the project's directory is copied, never built in");
    }

    @Test
    void linksStayInsideTheImage() {
        assertEquals("../../bin/busybox", Component.Link.parse("b", "/usr/bin/vi:/bin/busybox").relativeTarget());
        assertEquals("busybox", Component.Link.parse("b", "/bin/sh:busybox").relativeTarget());
        for (String bad : List.of("/usr/bin/x:../../../etc/passwd", "relative:busybox", "/bin/x:", "/:busybox")) {
            assertThrows(IllegalArgumentException.class, () -> Component.Link.parse("b", bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Component.LinkList.parse("b", "../x.links:/bin/b"));
    }
}
