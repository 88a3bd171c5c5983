package io.github.puipui.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.userland.TestComponent;
import io.github.puipui.Arch;
import io.github.puipui.OutputTimestamp;
import io.github.puipui.distpackage.DistroPackager;
import io.github.puipui.files.Sha256;
import io.github.puipui.initramfs.InitramfsWriter;
import io.github.puipui.kernel.KernelBuild;
import io.github.puipui.kernel.KernelBuilder;
import io.github.puipui.kernel.KernelInputs;
import io.github.puipui.process.ProcessRunner;
import io.github.puipui.toolchain.MuslSysrootBuilder;
import io.github.puipui.toolchain.Toolchain;
import io.github.puipui.userland.Component;
import io.github.puipui.userland.ComponentBuild;
import io.github.puipui.userland.Recipe;
import io.github.puipui.userland.UserlandBuilder;

/**
 * The recipe pins: for a fixed declaration, what each kind of step runs (its commands, their variables and the files
 * its recipe writes for them), its key's text, and the digest of the Java sources that shape its outputs, each under
 * that step's recipe version ({@code src/test/resources/io/github/puipui/pipeline/recipe-pins.txt}).
 * <p>
 * A step's key holds its recipe's version, not the plugin's jar, so a change to the plugin elsewhere rebuilds
 * nothing. This test keeps that safe: commands that change while the key's text stays the same fail it, whatever the
 * pins say, until the recipe's version is raised; a change of the recipe's sources or of its version fails it until
 * the pins are written again ({@code mvn test -Dtest=RecipePinsTest -Dpuipui.updatePins=true}), which is the moment
 * to decide whether the change can alter a step's bytes, and raise the version if it can.
 */
class RecipePinsTest {
    private static final Path PINS = Path.of("src/test/resources/io/github/puipui/pipeline/recipe-pins.txt");
    private static final OutputTimestamp TS = OutputTimestamp.parse("2026-11-25T00:00:00Z");
    private static final String SRC = "src/main/java/io/github/puipui/";

    @TempDir
    Path tmp;

    /** One pinned step kind: its version, its sources' digest, what it runs, and its key's text. */
    record Pin(String version, String sources, String commands, String key) {
        String text(String name) {
            return "== " + name + "\nversion " + version + "\nsources " + sources + "\n-- commands\n" + commands
                    + "-- key\n" + key;
        }
    }

    @Test
    void eachStepKindRunsWhatItsRecipeVersionPins() throws Exception {
        Map<String, Pin> actual = actual();
        StringBuilder text = new StringBuilder("# written by RecipePinsTest: see its javadoc before you change it\n");
        actual.forEach((name, pin) -> text.append(pin.text(name)));
        Path written = Path.of("target/recipe-pins.txt");
        Files.createDirectories(written.getParent());
        Files.writeString(written, text);
        Map<String, Pin> pinned = Files.isRegularFile(PINS) ? parse(Files.readString(PINS)) : Map.of();
        List<String> forbidden = new ArrayList<>();
        List<String> toRecord = new ArrayList<>();
        for (Map.Entry<String, Pin> e : actual.entrySet()) {
            String name = e.getKey();
            Pin now = e.getValue();
            Pin was = pinned.get(name);
            if (was == null) {
                toRecord.add(name + ": not pinned yet");
            } else if (!now.equals(was)) {
                if (now.version().equals(was.version()) && !now.commands().equals(was.commands())
                        && now.key().equals(was.key())) {
                    forbidden.add(name + ": what it runs changed, but its key did not: raise its recipe version ("
                            + now.version() + ")");
                } else {
                    toRecord.add(name + (now.version().equals(was.version()) ? ": its sources, commands or key"
                            + " changed under version " + now.version() + " (raise it if the step's bytes can change)"
                            : ": version " + was.version() + " -> " + now.version()));
                }
            }
        }
        pinned.keySet().stream().filter(n -> !actual.containsKey(n)).forEach(n -> toRecord.add(n + ": no longer a step"));
        if (!forbidden.isEmpty()) {
            fail(String.join("\n", forbidden) + "\n(what this build runs: " + written.toAbsolutePath() + ")");
        }
        if (!toRecord.isEmpty()) {
            if (Boolean.getBoolean("puipui.updatePins")) {
                Files.createDirectories(PINS.getParent());
                Files.writeString(PINS, text);
                return;
            }
            fail(String.join("\n", toRecord) + "\nWrite the pins again with -Dpuipui.updatePins=true once you have"
                    + " decided (what this build runs: " + written.toAbsolutePath() + ")");
        }
        assertTrue(actual.size() >= 12, "every kind of step is pinned");
    }

    private Map<String, Pin> actual() throws Exception {
        Map<String, Pin> pins = new LinkedHashMap<>();
        for (Arch arch : Arch.values()) {
            KernelBuild b = new KernelBuild(arch, tmp.resolve("linux"), tmp.resolve("obj"), tmp.resolve("kconfig"),
                    Set.of("CONFIG_DROPPED"), TS, 2, tmp.resolve("kernel.log"), "ccache", 5);
            pins.put("kernel " + arch.id(), new Pin(KernelBuilder.VERSION, sources("kernel/KernelBuilder.java",
                    "kernel/KernelBuild.java", "kernel/KernelInputs.java"), String.join("\n", KernelBuilder.commands(b))
                    + "\n", KernelInputs.text(b, "KCONFIG", "SOURCE", "TOOLS")));
            pins.put("musl sysroot " + arch.id(), new Pin(MuslSysrootBuilder.VERSION,
                    sources("toolchain/MuslSysrootBuilder.java"), MuslSysrootBuilder.recipe(arch) + "\n", ""));
        }
        for (String recipe : Recipe.NAMES) {
            pins.put("component " + recipe, component(recipe));
        }
        pins.put("initramfs", new Pin(InitramfsWriter.VERSION, sources("initramfs/InitramfsWriter.java",
                "initramfs/CpioEntry.java"), "", StepInputs.initramfs("CONTENT")));
        pins.put("package", new Pin(DistroPackager.VERSION, sources("distpackage/DistroPackager.java",
                "distpackage/DistTarball.java", "distro/DistroBinaries.java", "cache/EntryLayout.java",
                "files/ReproducibleTar.java"), "",
                DistroPackager.tarballInputs("x-1-x86_64.tar.gz", TS, Map.of("bzImage", "K", "initramfs.cpio.gz", "I"))));
        return pins;
    }

    /** A component of {@code recipe} built with a runner that records instead of running, on a tree it needs. */
    private Pin component(String recipe) throws Exception {
        Path src = tmp.resolve(recipe + "-1.0");
        Files.createDirectories(src);
        Component c = TestComponent.from(new Component(recipe + "-thing", recipe)).withConfigureEnv("ac_cv_x", "yes")
                .withMakeArgs("V=1", "all").withConfigureArgs("--without-x").withStaging(true).build();
        switch (recipe) {
            case "make" -> {
                Files.writeString(src.resolve("configure"), "#!/bin/sh\n");
                c = TestComponent.from(c).withConfigureScript("configure").build();
            }
            case "busybox" -> {
                Path config = tmp.resolve("busybox.config");
                Files.writeString(config, "CONFIG_ASH=y\n");
                c = TestComponent.from(c).withConfig(config.toString()).build();
            }
            case "mbedtls" -> {
                Files.createDirectories(src.resolve("include/mbedtls"));
                Files.createDirectories(src.resolve("include/psa"));
                Files.createDirectories(src.resolve("library"));
                Files.writeString(src.resolve("include/mbedtls/mbedtls_config.h"), "#define MBEDTLS_X\n");
                c = TestComponent.from(c).withOptions("MBEDTLS_Y", "!MBEDTLS_X").build();
            }
            default -> {
            }
        }
        Map<String, String> before = tree(src);
        StringBuilder commands = new StringBuilder();
        ProcessRunner recorder = ProcessRunner.recording((step, command, dir, env) -> commands.append("$ ")
                .append(String.join(" ", command)).append("\n  in ").append(dir).append("\n  env ")
                .append(new TreeMap<>(env)).append('\n'));
        Toolchain t = new Toolchain(Arch.X86_64, "/toolchain/bin/musl-gcc", "x86_64-linux-gnu-", "x86_64-linux-musl",
                Path.of("/toolchain"));
        Recipe.named(recipe).build(new ComponentBuild(c, "1.0", t, src, tmp.resolve("staging"), 2, TS,
                tmp.resolve("log"), recorder));
        tree(src).forEach((file, content) -> {
            if (!content.equals(before.get(file))) {
                commands.append("> ").append(file).append('\n').append(content);
            }
        });
        String key = StepInputs.component("x86_64", c, "SOURCE", "TOOLCHAIN", TS, Map.of())
                .replaceAll("(?m)^(tool [^=]+)=.*$", "$1=IDENTITY") // the host's cmake, meson: not this test's
                .replaceAll("config=[0-9a-f]{64}", "config=DIGEST");
        String recipeSource = "userland/" + Recipe.named(recipe).getClass().getSimpleName() + ".java";
        return new Pin(Recipe.named(recipe).version() + " / " + UserlandBuilder.VERSION, sources(recipeSource,
                "userland/ComponentBuild.java", "userland/UserlandBuilder.java", "toolchain/Toolchain.java"),
                commands.toString().replace(tmp.toString(), "{tmp}"), key.replace(tmp.toString(), "{tmp}"));
    }

    /** Each regular file of a tree by its relative path, with its text. */
    private static Map<String, String> tree(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (var files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(f).toString(), Files.readString(f));
            }
        }
        return out;
    }

    /** The digest of the named sources of the plugin, in order. */
    private static String sources(String... files) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String f : files) {
            sb.append(f).append(' ').append(Sha256.of(Path.of(SRC + f))).append('\n');
        }
        return Sha256.of(sb.toString());
    }

    private static Map<String, Pin> parse(String text) {
        Map<String, Pin> out = new LinkedHashMap<>();
        for (String section : text.split("(?m)^== ")) {
            if (section.startsWith("#") || section.isBlank()) {
                continue;
            }
            String name = section.substring(0, section.indexOf('\n'));
            String rest = section.substring(name.length() + 1);
            String version = line(rest, "version ");
            String sources = line(rest, "sources ");
            int c = rest.indexOf("-- commands\n");
            int k = rest.indexOf("-- key\n");
            out.put(name, new Pin(version, sources, rest.substring(c + "-- commands\n".length(), k),
                    rest.substring(k + "-- key\n".length())));
        }
        return out;
    }

    private static String line(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse("").substring(prefix.length());
    }
}
