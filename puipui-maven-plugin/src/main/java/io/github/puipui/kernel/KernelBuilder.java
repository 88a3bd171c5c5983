package io.github.puipui.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.github.puipui.BuildLog;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.process.ProcessRunner;

/**
 * Configures and builds a Linux kernel out of tree: kconfig file → {@code .config}, {@code make olddefconfig},
 * the {@link KconfigGuard}, then the image target with the build identity pinned.
 */
public final class KernelBuilder {
    private final ProcessRunner runner;
    private final BuildLog log;

    public KernelBuilder(ProcessRunner runner, BuildLog log) {
        this.runner = runner;
        this.log = log;
    }

    /** The environment of every kernel make: pinned identity, C locale. */
    public static Map<String, String> environment(KernelBuild b) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KBUILD_BUILD_USER", KernelBuild.BUILD_USER);
        env.put("KBUILD_BUILD_HOST", KernelBuild.BUILD_HOST);
        env.put("KBUILD_BUILD_VERSION", KernelBuild.BUILD_VERSION);
        env.put("KBUILD_BUILD_TIMESTAMP", b.timestamp().kbuildFormat());
        env.put("SOURCE_DATE_EPOCH", Long.toString(b.timestamp().epochSecond()));
        env.put("LC_ALL", "C");
        env.put("TZ", "UTC");
        env.put("MAKEFLAGS", null);
        env.put("MFLAGS", null);
        return env;
    }

    public static List<String> make(KernelBuild b, String... targets) {
        List<String> cmd = new ArrayList<>(List.of("make", "-C", b.sourceDir().toString(),
                "O=" + b.objectDir(), "ARCH=" + b.arch().kernelArch()));
        if (!b.arch().crossPrefix().isEmpty()) {
            cmd.add("CROSS_COMPILE=" + b.arch().crossPrefix());
        }
        cmd.addAll(List.of(targets));
        return cmd;
    }

    /** Writes the kconfig file as {@code .config} and resolves it; returns the guard's violations (empty = fine). */
    public List<KconfigGuard.Violation> configure(KernelBuild b) throws IOException, BuildStepException {
        Files.createDirectories(b.objectDir());
        Files.copy(b.kconfigFile(), b.dotConfig(), StandardCopyOption.REPLACE_EXISTING);
        runner.run(b.arch() + " kernel olddefconfig", make(b, "olddefconfig"), b.objectDir(), environment(b), b.logFile());
        return KconfigGuard.check(Kconfig.read(b.kconfigFile()), Kconfig.read(b.dotConfig()), b.allowedDrops());
    }

    /** Configures, guards and builds; returns the image. */
    public Path build(KernelBuild b) throws IOException, BuildStepException {
        long start = System.nanoTime();
        log.info(b.arch() + " kernel: configuring from " + b.kconfigFile() + " (log: " + b.logFile() + ")");
        List<KconfigGuard.Violation> violations = configure(b);
        if (!violations.isEmpty()) {
            throw new BuildStepException(b.arch() + " kernel: " + b.kconfigFile().getFileName() + " asks for "
                    + violations.size() + " value(s) that kconfig did not keep:\n"
                    + violations.stream().map(v -> "    " + v).collect(Collectors.joining("\n"))
                    + "\n  Fix the kconfig file (a typo or a missing dependency), or list intended drops in"
                    + " <allowedKconfigDrops>.");
        }
        log.info(b.arch() + " kernel: make -j" + b.jobs() + " " + b.arch().imageTarget());
        runner.run(b.arch() + " kernel " + b.arch().imageTarget(),
                make(b, "-j" + b.jobs(), b.arch().imageTarget()), b.objectDir(), environment(b), b.logFile());
        Path image = b.image();
        if (!Files.isRegularFile(image)) {
            throw new BuildStepException(b.arch() + " kernel: make succeeded but " + image + " is missing");
        }
        log.info(String.format("%s kernel: %s %,d bytes in %.0f s", b.arch(), b.arch().imageName(), Files.size(image),
                (System.nanoTime() - start) / 1e9));
        return image;
    }
}
