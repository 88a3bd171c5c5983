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
import java.util.Set;

import io.github.puipui.Arch;
import io.github.puipui.BuildLog;
import io.github.puipui.files.FileTrees;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.process.ProcessRunner;

/**
 * Refreshes a kconfig file from the kernel tree, non-interactively, in two steps so that several arches are written
 * all or none. {@link #prepare}: without a previous build's {@code .config}, copy the kconfig file; with one (possibly
 * edited by {@code make menuconfig}), keep it. Then append the {@code CONFIG_*} overrides, {@code make olddefconfig}
 * (new symbols take their defaults and are reported), check that every override survived (else fail, naming the
 * symbol and the values of its dependencies), and {@code make savedefconfig}. {@link #write}: put the result over
 * the kconfig file. A failed preparation leaves the kconfig file and the build's {@code .config} as they were.
 */
public final class KconfigUpdater {
    private final ProcessRunner runner;
    private final BuildLog log;

    public KconfigUpdater(ProcessRunner runner, BuildLog log) {
        this.runner = runner;
        this.log = log;
    }

    /** A refreshed configuration ready to be written: the new defconfig and the symbols that took their defaults. */
    public record Prepared(KernelBuild build, Path defconfig, List<String> added) {
    }

    public Prepared prepare(KernelBuild b, Map<String, String> overrides) throws IOException, BuildStepException {
        Files.createDirectories(b.objectDir());
        Path dotConfig = b.dotConfig();
        Path backup = b.objectDir().resolve(".config.before-update");
        boolean existed = Files.isRegularFile(dotConfig);
        if (existed) {
            log.info(b.arch() + ": refreshing the existing " + dotConfig);
            Files.copy(dotConfig, backup, StandardCopyOption.REPLACE_EXISTING);
        } else {
            log.info(b.arch() + ": starting from " + b.kconfigFile());
            Files.copy(b.kconfigFile(), dotConfig);
        }
        try {
            Prepared p = resolve(b, overrides);
            Files.deleteIfExists(backup);
            return p;
        } catch (IOException | BuildStepException | RuntimeException e) {
            if (existed) {
                Files.move(backup, dotConfig, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.deleteIfExists(dotConfig);
            }
            throw e;
        }
    }

    private Prepared resolve(KernelBuild b, Map<String, String> overrides) throws IOException, BuildStepException {
        Path dotConfig = b.dotConfig();
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
        requireSurvived(b, overrides, after);
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
        return new Prepared(b, b.objectDir().resolve("defconfig"), fromFull ? added : List.of());
    }

    /** Fails, naming each lost override and the values of its dependencies, unless every override survived. */
    private static void requireSurvived(KernelBuild b, Map<String, String> overrides, Map<String, String> after)
            throws BuildStepException, IOException {
        List<KconfigGuard.Violation> lost = KconfigGuard.check(overrides, after, Set.of());
        if (!lost.isEmpty()) {
            StringBuilder sb = new StringBuilder(b.arch() + ": " + lost.size()
                    + " override(s) from the environment did not survive olddefconfig:");
            for (KconfigGuard.Violation v : lost) {
                sb.append("\n    ").append(v);
                String bare = v.symbol().substring("CONFIG_".length());
                List<String> deps = KconfigDependencies.of(b.sourceDir(), bare);
                if (deps.isEmpty()) {
                    sb.append("\n      no Kconfig file of ").append(b.sourceDir().getFileName())
                            .append(" defines it with dependencies: misspelt, or selected by other symbols only?");
                }
                for (String d : deps) {
                    sb.append("\n      depends on ").append(KconfigDependencies.withValues(d, after));
                }
            }
            throw new BuildStepException(sb.append("\n  Set the dependencies too, or drop the override; ")
                    .append(b.kconfigFile()).append(" is left as it was.").toString());
        }
    }

    /** A refreshed kconfig fragment ready to be written: its new text and the lines it changed (none: up to date). */
    public record PreparedFragment(Arch arch, Path fragment, String text, List<String> changed) {
    }

    /**
     * Refreshes a distro's kconfig fragment for this kernel (a derived distro, a kernel line): the merged config
     * ({@code b.kconfigFile()}) and the overrides go through {@code make olddefconfig} in an object directory of
     * their own, and every symbol that this kernel resolves otherwise than asked (a symbol it no longer offers, one
     * it forces on) is written into the fragment with the value it got, so that the kconfig guard passes and the
     * fragment says what this kernel changes. The kernel build's own {@code .config} is left alone.
     */
    public PreparedFragment prepareFragment(KernelBuild b, Path fragment, Map<String, String> overrides)
            throws IOException, BuildStepException {
        Path scratch = b.objectDir().resolveSibling(b.objectDir().getFileName() + "-update-kconfig");
        FileTrees.deleteTree(scratch);
        Files.createDirectories(scratch);
        KernelBuild s = new KernelBuild(b.arch(), b.sourceDir(), scratch, b.kconfigFile(), b.allowedDrops(),
                b.timestamp(), b.jobs(), b.logFile(), b.compilerLauncher(), b.zopfliIterations());
        try {
            Map<String, String> asked = new java.util.LinkedHashMap<>(Kconfig.read(b.kconfigFile()));
            asked.putAll(overrides);
            List<String> lines = new ArrayList<>();
            asked.forEach((k, v) -> lines.add(Kconfig.line(k, v)));
            Files.write(s.dotConfig(), lines, StandardCharsets.UTF_8);
            runner.run(b.arch() + " olddefconfig", KernelBuilder.make(s, "olddefconfig"), scratch,
                    KernelBuilder.environment(s), b.logFile());
            Map<String, String> after = Kconfig.read(s.dotConfig());
            requireSurvived(s, overrides, after);
            Map<String, String> changes = new java.util.LinkedHashMap<>();
            overrides.forEach((k, v) -> changes.put(k, Kconfig.line(k, v)));
            for (KconfigGuard.Violation v : KconfigGuard.check(asked, after, Set.of())) {
                changes.put(v.symbol(), Kconfig.line(v.symbol(), v.got() == null ? Kconfig.NOT_SET : v.got()));
                log.info(b.arch() + ": " + v + "; the fragment says so");
            }
            String before = Files.isRegularFile(fragment) ? Files.readString(fragment, StandardCharsets.UTF_8) : "";
            List<String> out = new ArrayList<>();
            for (String line : before.lines().toList()) {
                String symbol = Kconfig.symbol(line.strip());
                out.add(symbol != null && changes.containsKey(symbol) ? changes.remove(symbol) : line);
            }
            out.addAll(changes.values());
            Set<String> old = new java.util.HashSet<>(before.lines().toList());
            List<String> changed = out.stream().filter(l -> !old.contains(l)).toList();
            String text = out.isEmpty() ? "" : String.join("\n", out) + "\n";
            return new PreparedFragment(b.arch(), fragment, text, changed);
        } finally {
            FileTrees.deleteTree(scratch);
        }
    }

    /** Writes a refreshed fragment (atomically), unless it is up to date. */
    public void write(PreparedFragment p) throws IOException {
        if (p.changed().isEmpty()) {
            log.info(p.arch() + ": " + p.fragment() + " is up to date for this kernel");
            return;
        }
        FileTrees.writeAtomically(p.fragment(), tmp -> Files.writeString(tmp, p.text(), StandardCharsets.UTF_8));
        log.info(p.arch() + ": wrote " + p.fragment() + " (" + String.join(", ", p.changed()) + ")");
    }

    /** Writes a prepared configuration over its kconfig file (atomically). */
    public void write(Prepared p) throws IOException {
        Path target = p.build().kconfigFile();
        FileTrees.writeAtomically(target, tmp -> Files.copy(p.defconfig(), tmp));
        log.info(p.build().arch() + ": wrote " + target);
    }
}
