package io.github.puipui.toolchain;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import io.github.puipui.Arch;
import io.github.puipui.BuildLog;
import io.github.puipui.fetch.FetchException;
import io.github.puipui.fetch.Fetcher;
import io.github.puipui.files.PrivateDirectories;
import io.github.puipui.files.Sha256;
import io.github.puipui.files.TreeManifest;
import io.github.puipui.files.FileTrees;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.process.ProcessRunner;

/**
 * Which toolchain builds an arch's userland: a declared prebuilt one for this host, or the host GCC with a musl
 * sysroot built once into the user cache ({@code <cache>/toolchain}), keyed by musl's and the kernel headers'
 * sources, the compiler and the plugin. The choice is made, and its identity known, without building anything; the
 * toolchain itself is got only when a component has to be compiled.
 */
public final class ToolchainChoice {
    /** A prebuilt musl cross toolchain: the arch it targets, the host arch it runs on, its source, its prefix. */
    public record Prebuilt(String arch, String hostArch, String source, String prefix) {
    }

    /** Gives the toolchain when a component has to be compiled (a musl sysroot may have to be built first). */
    public interface Supplier {
        Toolchain get() throws IOException, BuildStepException;
    }

    /** What identifies a toolchain in the components' keys, and how to get it once a component has to be compiled. */
    public record Plan(String identity, Supplier supplier) {
    }

    /** The sources the choice needs: fetched archives by name, and the extracted kernel tree (for its headers). */
    public interface Sources {
        Fetcher.Fetched fetch(String name) throws FetchException;

        Path kernelTree() throws IOException, FetchException;
    }

    /** Where an arch's toolchain work goes: its work directory (sources, a private fallback) and its log. */
    public record ArchWork(Path dir, Path logFile) {
    }

    /**
     * Where a built musl sysroot is kept and found again, on this machine and others: the build cache and its remote
     * tier. {@code identity} is everything the sysroot is made from (the host compiler included).
     */
    public interface SysrootCache {
        /** Restores the sysroot {@code identity} into {@code dir}, its text files naming {@code prefix}; false on a miss. */
        boolean restore(String identity, Path dir, Path prefix) throws IOException;

        /** Keeps the sysroot {@code identity} found at {@code prefix}, unless the cache has it. */
        void store(String identity, Path prefix) throws IOException;
    }

    /**
     * A musl sysroot that a base distro published for the same declared sources: what identifies it, and where it is
     * once restored (which happens only when a component has to be compiled).
     */
    public interface BaseSysroot {
        String identity();

        Path restore() throws IOException, BuildStepException;
    }

    private final List<Prebuilt> prebuilt;
    private final Path cacheDir;
    private final String plugin;
    private final String compilerLauncher;
    private final BuildLog log;

    /**
     * {@code cacheDir}: the user cache's {@code toolchain/}; {@code plugin}: the plugin's identity (part of the
     * sysroot's key); {@code compilerLauncher}: put in front of the compiler, or empty.
     */
    public ToolchainChoice(List<Prebuilt> prebuilt, Path cacheDir, String plugin, String compilerLauncher,
            BuildLog log) {
        this.prebuilt = List.copyOf(prebuilt);
        this.cacheDir = cacheDir;
        this.plugin = plugin;
        this.compilerLauncher = compilerLauncher == null ? "" : compilerLauncher.trim();
        this.log = log;
    }

    /** The prebuilt toolchain that builds {@code arch} on this host, if one is declared. */
    public java.util.Optional<Prebuilt> prebuiltFor(Arch arch) {
        return prebuilt.stream().filter(p -> arch.id().equals(p.arch()) && Arch.host().id().equals(p.hostArch()))
                .findFirst();
    }

    /**
     * The toolchain of {@code arch}: a prebuilt one that fits, else the host compiler with the base's musl sysroot
     * ({@code base}, or null), else with one built from {@code musl} and {@code kernel} (source names).
     */
    public Plan plan(Arch arch, Sources sources, String musl, String kernel, BaseSysroot base, SysrootCache sysroots,
            ArchWork work, ProcessRunner runner, int jobs) throws IOException, FetchException {
        java.util.Optional<Prebuilt> p = prebuiltFor(arch);
        if (p.isPresent()) {
            return prebuilt(arch, p.get(), sources.fetch(p.get().source()), work);
        }
        String gcc = arch.crossPrefix() + "gcc";
        if (base != null) {
            return new Plan(base.identity() + " with " + gcc + " " + HostTools.firstLine(gcc, "--version") + "\n"
                    + compilerTools(arch), memoized(() -> MuslSysrootBuilder.toolchain(arch, base.restore())));
        }
        Fetcher.Fetched muslArchive = sources.fetch(musl);
        Fetcher.Fetched linuxArchive = sources.fetch(kernel);
        String identity = String.join(" ", "musl", muslArchive.sha256(), "linux", linuxArchive.sha256(), arch.id(),
                gcc, HostTools.firstLine(gcc, "-dumpfullversion"), HostTools.firstLine(gcc, "-dumpmachine"),
                "plugin", plugin);
        String name = "musl-" + muslArchive.source().version() + "-" + arch.id() + "-"
                + Sha256.of(identity).substring(0, 16);
        Path prefix = cacheDir.resolve(name);
        return new Plan("musl sysroot " + name + " with " + gcc + " " + HostTools.firstLine(gcc, "--version") + "\n"
                + compilerTools(arch), memoized(() -> {
                    if (MuslSysrootBuilder.problem(prefix, identity).isEmpty()) {
                        log.info(arch + " toolchain: cached musl sysroot " + prefix);
                        if (sysroots != null) {
                            sysroots.store(identity, prefix);
                        }
                        return MuslSysrootBuilder.toolchain(arch, prefix);
                    }
                    if (sysroots != null && restore(sysroots, identity, prefix)) {
                        log.info(arch + " toolchain: musl sysroot " + prefix + " restored from the build cache");
                        return MuslSysrootBuilder.toolchain(arch, prefix);
                    }
                    Path muslSrc = muslArchive.extractTree(work.dir().resolve("build/musl"));
                    Path kernelSource;
                    try {
                        kernelSource = sources.kernelTree();
                    } catch (FetchException e) {
                        throw new IOException(e.getMessage(), e);
                    }
                    Toolchain built = new MuslSysrootBuilder(runner, log).build(new MuslSysrootBuilder.Inputs(arch,
                            identity, muslSrc, kernelSource, prefix, work.dir(), jobs, work.logFile()));
                    if (sysroots != null) {
                        sysroots.store(identity, prefix);
                    }
                    return built;
                }));
    }

    /**
     * Restores a sysroot from the build cache into a staging directory beside {@code prefix}, writes the manifest of
     * its relocated files, and puts it in place as a built one is; false on a miss.
     */
    private static boolean restore(SysrootCache sysroots, String identity, Path prefix) throws IOException {
        FileTrees.removeAbandonedStaging(prefix);
        Path stage = FileTrees.stagingPath(prefix);
        try {
            Path tree = stage.resolve("sysroot");
            if (!sysroots.restore(identity, tree, prefix)) {
                return false;
            }
            // the cache checked every file against its entry; the manifest is this place's, after relocation
            TreeManifest.write(tree, identity);
            PrivateDirectories.restrictTree(stage);
            FileTrees.publish(tree, prefix, d -> MuslSysrootBuilder.problem(d, identity).isEmpty());
            return MuslSysrootBuilder.problem(prefix, identity).isEmpty();
        } finally {
            FileTrees.deleteTree(stage);
        }
    }

    /** The components' key: the compiler and binutils that build them, to the byte. */
    private static String compilerTools(Arch arch) {
        String cross = arch.crossPrefix();
        String gcc = cross + "gcc";
        return String.join("\n", HostTools.output(gcc, "-v"), HostTools.identity(gcc), HostTools.identity(cross + "ld"),
                HostTools.identity(cross + "ar"), HostTools.identity(cross + "strip"));
    }

    private Plan prebuilt(Arch arch, Prebuilt p, Fetcher.Fetched f, ArchWork work) {
        String dirName = f.source().name() + "-" + f.source().version();
        return new Plan("prebuilt " + f.sha256() + " " + p.prefix(), memoized(() -> {
            Path root;
            try {
                PrivateDirectories.requireTrusted(cacheDir.resolve(dirName));
                root = f.extractTree(cacheDir.resolve(dirName));
            } catch (PrivateDirectories.UntrustedDirectoryException e) {
                Path own = work.dir().resolve("toolchain").resolve(dirName);
                log.warn(e.getMessage() + "; extracting the toolchain into " + own);
                root = f.extractTree(own);
            }
            log.info(arch + " toolchain: prebuilt " + root);
            return PrebuiltToolchain.at(arch, root, p.prefix());
        }));
    }

    /** Gets the toolchain once, with the compiler launcher in front of its compiler. */
    private Supplier memoized(Supplier s) {
        Toolchain[] once = new Toolchain[1];
        return () -> {
            if (once[0] == null) {
                Toolchain t = s.get();
                once[0] = compilerLauncher.isEmpty() ? t : new Toolchain(t.arch(), compilerLauncher + " " + t.cc(),
                        t.binutilsPrefix(), t.hostTriple(), t.root());
            }
            return once[0];
        };
    }
}
