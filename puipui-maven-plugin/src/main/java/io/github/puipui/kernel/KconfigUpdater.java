package io.github.puipui.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.puipui.BuildLog;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.process.ProcessRunner;

/**
 * Refreshes a kconfig file from the kernel tree, non-interactively. Without a previous build's {@code .config}:
 * copy the kconfig file; with one (possibly edited by {@code make menuconfig}): keep it. Then append the
 * {@code CONFIG_*} overrides, {@code make olddefconfig} (new symbols take their defaults and are reported),
 * {@code make savedefconfig}, and write the result back over the kconfig file.
 */
public final class KconfigUpdater {
    private final ProcessRunner runner;
    private final BuildLog log;

    public KconfigUpdater(ProcessRunner runner, BuildLog log) {
        this.runner = runner;
        this.log = log;
    }

    /** Returns the symbols that were new to the configuration (took their defaults). */
    public List<String> update(KernelBuild b, Map<String, String> overrides) throws IOException, BuildStepException {
        Files.createDirectories(b.objectDir());
        Path dotConfig = b.dotConfig();
        if (Files.isRegularFile(dotConfig)) {
            log.info(b.arch() + ": refreshing the existing " + dotConfig);
        } else {
            log.info(b.arch() + ": starting from " + b.kconfigFile());
            Files.copy(b.kconfigFile(), dotConfig);
        }
        var before = Kconfig.read(dotConfig);
        if (!overrides.isEmpty()) {
            List<String> lines = new ArrayList<>();
            overrides.forEach((k, v) -> lines.add(Kconfig.line(k, v)));
            log.info(b.arch() + ": overrides from the environment: " + lines);
            Files.write(dotConfig, lines, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        }
        var env = KernelBuilder.environment(b);
        runner.run(b.arch() + " olddefconfig", KernelBuilder.make(b, "olddefconfig"), b.objectDir(), env, b.logFile());
        var after = Kconfig.read(dotConfig);
        List<String> added = new ArrayList<>();
        after.forEach((k, v) -> {
            if (!before.containsKey(k)) {
                added.add(Kconfig.line(k, v));
            }
        });
        boolean fromFull = before.size() > Kconfig.read(b.kconfigFile()).size();
        if (fromFull && !added.isEmpty()) {
            log.info(b.arch() + ": " + added.size() + " new symbol(s) took their defaults:");
            added.forEach(l -> log.info("    " + l));
        }
        runner.run(b.arch() + " savedefconfig", KernelBuilder.make(b, "savedefconfig"), b.objectDir(), env, b.logFile());
        Path tmp = b.kconfigFile().resolveSibling(b.kconfigFile().getFileName() + ".tmp");
        Files.copy(b.objectDir().resolve("defconfig"), tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, b.kconfigFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        log.info(b.arch() + ": wrote " + b.kconfigFile());
        return fromFull ? added : List.of();
    }
}
