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
 * sources, the compiler and how the sysroot is built. The choice is made, and its likely identities known, without fetching or
 * building anything; the toolchain itself is got only when a component has to be compiled (or the sysroot published).
 */
public final class ToolchainChoice {
    /** A prebuilt musl cross toolchain: the arch it targets, the host arch it runs on, its source, its prefix. */
    public record Prebuilt(String arch, String hostArch, String source, String prefix) {
    }

    /** Gives the toolchain when a component has to be compiled (a musl sysroot may have to be built first). */
    public interface Supplier {
        Toolchain get() throws IOException, BuildStepException;
    }

    /** A toolchain had, and its identity as the components' keys name it. */
    public record Resolved(String identity, Toolchain toolchain) {
    }

    /** Gets the toolchain: restored or built, its identity known only then. */
    interface Resolver {
        Resolved get() throws IOException, BuildStepException;
    }

    /** Whether the toolchain can be had without fetching a source. */
    interface Availability {
        boolean check() throws IOException;
    }

    /**
     * What may identify a toolchain in the components' keys, known without fetching or building anything (most likely
     * first: the sources' {@link Fetcher#likelyDigests}), and how to get it once a component has to be compiled,
     * with the identity it then has (one of the likely ones).
     */
    public static final class Plan {
        private final List<String> likely;
        private final Resolver resolver;
        private final Availability available;
        private Resolved resolved;

        Plan(List<String> likely, Resolver resolver, Availability available) {
            this.likely = List.copyOf(likely);
            this.resolver = resolver;
            this.available = available;
        }

        public List<String> likelyIdentities() {
            return likely;
        }

        /** Whether the toolchain can be had without fetching a source (held here, or in the build cache). */
        public boolean availableWithoutSources() throws IOException {
            return available.check();
        }

        /** The toolchain, got once. */
        public synchronized Resolved get() throws IOException, BuildStepException {
            if (resolved == null) {
                resolved = resolver.get();
            }
            return resolved;
        }
    }

    /** The sources the choice needs: their likely digests and versions, fetched archives, the extracted kernel tree. */
    public interface Sources {
        List<String> likelyDigests(String name);

        String version(String name);

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

        /** Whether the cache, or its remote tier, seems to have the sysroot {@code identity} (a plan's answer). */
        boolean has(String identity);
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
    private final String compilerLauncher;
    private final BuildLog log;

    /**
     * {@code cacheDir}: the user cache's {@code toolchain/}; {@code compilerLauncher}: put in front of the compiler,
     * or empty.
     */
    public ToolchainChoice(List<Prebuilt> prebuilt, Path cacheDir, String compilerLauncher,
            BuildLog log) {
        this.prebuilt = List.copyOf(prebuilt);
        this.cacheDir = cacheDir;
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
     * ({@code base}, or null), else with one built from {@code musl} and {@code kernel} (source names). Nothing is
     * fetched until the plan's toolchain is asked for.
     */
    public Plan plan(Arch arch, Sources sources, String musl, String kernel, BaseSysroot base, SysrootCache sysroots,
            ArchWork work, ProcessRunner runner, int jobs) throws IOException {
        java.util.Optional<Prebuilt> p = prebuiltFor(arch);
        if (p.isPresent()) {
            return prebuilt(arch, p.get(), sources, work);
        }
        String gcc = arch.crossPrefix() + "gcc";
        String compiler = gcc + " " + HostTools.firstLine(gcc, "--version") + "\n" + compilerTools(arch);
        if (base != null) {
            String identity = base.identity() + " with " + compiler;
            return new Plan(List.of(identity), withLauncher(() -> new Resolved(identity,
                    MuslSysrootBuilder.toolchain(arch, base.restore()))), () -> true);
        }
        String version = sources.version(musl);
        String compilerFacts = String.join(" ", arch.id(), gcc, HostTools.firstLine(gcc, "-dumpfullversion"),
                HostTools.firstLine(gcc, "-dumpmachine"), "recipe", MuslSysrootBuilder.recipe(arch));
        // every sysroot the likely digests of musl and the kernel headers make, most likely first
        List<Sysroot> likely = new java.util.ArrayList<>();
        for (String m : sources.likelyDigests(musl)) {
            for (String l : sources.likelyDigests(kernel)) {
                likely.add(sysroot(arch, version, m, l, compilerFacts));
            }
        }
        java.util.function.Function<Sysroot, String> identityOf = s -> "musl sysroot " + s.name() + " with " + compiler;
        Resolver resolver = () -> {
            for (Sysroot s : likely) {
                if (MuslSysrootBuilder.problem(s.prefix(), s.identity()).isEmpty()) {
                    log.info(arch + " toolchain: cached musl sysroot " + s.prefix());
                    if (sysroots != null) {
                        sysroots.store(s.identity(), s.prefix());
                    }
                    return new Resolved(identityOf.apply(s), MuslSysrootBuilder.toolchain(arch, s.prefix()));
                }
            }
            for (Sysroot s : likely) {
                if (sysroots != null && restore(sysroots, s.identity(), s.prefix())) {
                    log.info(arch + " toolchain: musl sysroot " + s.prefix() + " restored from the build cache");
                    return new Resolved(identityOf.apply(s), MuslSysrootBuilder.toolchain(arch, s.prefix()));
                }
            }
            Fetcher.Fetched muslArchive;
            Path kernelSource;
            try {
                muslArchive = sources.fetch(musl);
                Fetcher.Fetched linuxArchive = sources.fetch(kernel);
                Sysroot s = sysroot(arch, version, muslArchive.sha256(), linuxArchive.sha256(), compilerFacts);
                if (!likely.contains(s)) {
                    throw new IOException(arch + " toolchain: the fetched sources' digests are not among those"
                            + " declared");
                }
                if (MuslSysrootBuilder.problem(s.prefix(), s.identity()).isEmpty()) {
                    return new Resolved(identityOf.apply(s), MuslSysrootBuilder.toolchain(arch, s.prefix()));
                }
                Path muslSrc = muslArchive.extractTree(work.dir().resolve("build/musl"));
                kernelSource = sources.kernelTree();
                Toolchain built = new MuslSysrootBuilder(runner, log).build(new MuslSysrootBuilder.Inputs(arch,
                        s.identity(), muslSrc, kernelSource, s.prefix(), work.dir(), jobs, work.logFile()));
                if (sysroots != null) {
                    sysroots.store(s.identity(), s.prefix());
                }
                return new Resolved(identityOf.apply(s), built);
            } catch (FetchException e) {
                throw new IOException(e.getMessage(), e);
            }
        };
        Availability available = () -> {
            for (Sysroot s : likely) {
                if (MuslSysrootBuilder.problem(s.prefix(), s.identity()).isEmpty()
                        || sysroots != null && sysroots.has(s.identity())) {
                    return true;
                }
            }
            return false;
        };
        return new Plan(likely.stream().map(identityOf).toList(), withLauncher(resolver), available);
    }

    /** A musl sysroot made from musl's and the kernel headers' archives (by digest) with the host compiler. */
    private record Sysroot(String identity, String name, Path prefix) {
    }

    private Sysroot sysroot(Arch arch, String muslVersion, String muslSha256, String linuxSha256, String compilerFacts) {
        String identity = String.join(" ", "musl", muslSha256, "linux", linuxSha256, compilerFacts);
        String name = "musl-" + muslVersion + "-" + arch.id() + "-" + Sha256.of(identity).substring(0, 16);
        return new Sysroot(identity, name, cacheDir.resolve(name));
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

    private Plan prebuilt(Arch arch, Prebuilt p, Sources sources, ArchWork work) {
        List<String> likely = sources.likelyDigests(p.source()).stream()
                .map(d -> "prebuilt " + d + " " + p.prefix()).toList();
        return new Plan(likely, withLauncher(() -> {
            Fetcher.Fetched f;
            try {
                f = sources.fetch(p.source());
            } catch (FetchException e) {
                throw new IOException(e.getMessage(), e);
            }
            String dirName = f.source().name() + "-" + f.source().version();
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
            return new Resolved("prebuilt " + f.sha256() + " " + p.prefix(), PrebuiltToolchain.at(arch, root,
                    p.prefix()));
        }), () -> false);
    }

    /** The compiler launcher put in front of the resolved toolchain's compiler. */
    private Resolver withLauncher(Resolver r) {
        return () -> {
            Resolved got = r.get();
            Toolchain t = got.toolchain();
            return compilerLauncher.isEmpty() ? got : new Resolved(got.identity(), new Toolchain(t.arch(),
                    compilerLauncher + " " + t.cc(), t.binutilsPrefix(), t.hostTriple(), t.root()));
        };
    }
}
