package io.github.puipui.pipeline;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.puipui.Arch;
import io.github.puipui.BuildLog;
import io.github.puipui.OutputTimestamp;
import io.github.puipui.cache.CachedStep;
import io.github.puipui.cache.OutputCache;
import io.github.puipui.cache.RemoteCache;
import io.github.puipui.cache.UserCache;
import io.github.puipui.distpackage.DistroPackager;
import io.github.puipui.distpackage.Sbom;
import io.github.puipui.distro.DistroBinaries;
import io.github.puipui.distro.DistroDefinition;
import io.github.puipui.fetch.Extractor;
import io.github.puipui.fetch.FetchException;
import io.github.puipui.fetch.Fetcher;
import io.github.puipui.fetch.ProxyConfig;
import io.github.puipui.fetch.Source;
import io.github.puipui.fetch.SourceCache;
import io.github.puipui.fetch.Transport;
import io.github.puipui.fetch.UnsafeArchiveException;
import io.github.puipui.files.FileTrees;
import io.github.puipui.files.PrivateDirectories;
import io.github.puipui.files.Sha256;
import io.github.puipui.files.TreeManifest;
import io.github.puipui.initramfs.ImageLayout;
import io.github.puipui.initramfs.InitramfsWriter;
import io.github.puipui.kernel.KernelBuild;
import io.github.puipui.kernel.KernelBuilder;
import io.github.puipui.kernel.KernelInputs;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.process.ProcessRunner;
import io.github.puipui.toolchain.HostTools;
import io.github.puipui.toolchain.ToolchainChoice;
import io.github.puipui.userland.Component;
import io.github.puipui.userland.Recipe;
import io.github.puipui.userland.UserlandBuilder;

/**
 * The build of one distro, with no Maven type in it: from a {@link DistroDefinition} to the steps fetch, toolchain,
 * kernel, userland, initramfs and package, each with its inputs (its key in the build cache), its place in the
 * {@link Layout} and, for the userland, its toolchain. The plugin's goals only read their parameters into a
 * {@link Settings} and call one method per step.
 */
public final class DistroBuild {
    /** The sources the build itself needs besides the components: the kernel, and musl for the toolchain. */
    public static final String KERNEL_SOURCE = "linux";
    public static final String MUSL_SOURCE = "musl";

    /**
     * How to build: the output timestamp, make's -j, a compiler launcher
     * (ccache, distcc; not part of any key), zopfli's iterations for aarch64's Image.gz, the kconfig symbols allowed
     * to be dropped, the CA bundle put into the image, and optional prebuilt toolchains.
     */
    public record Settings(OutputTimestamp timestamp, int jobs, String compilerLauncher,
            int zopfliIterations, List<String> allowedKconfigDrops, Path caBundle,
            List<ToolchainChoice.Prebuilt> prebuiltToolchains) {
    }

    private final DistroDefinition definition;
    private final Layout layout;
    private final Path cacheRoot;
    private final Fetcher fetcher;
    private final OutputCache cache;
    private final Settings settings;
    private final BuildLog log;
    private Base base;
    private final Map<String, DistroBinaries> openedBase = new HashMap<>();
    private final Map<Arch, Map<String, String>> componentsDeclared = new HashMap<>();

    /**
     * A derived distro's base binaries: the index the base's definition gives for each arch it published, and how to
     * get an arch's archive (the plugin resolves it through Maven, as it resolves the base's definition).
     */
    public record Base(Map<String, DistroBinaries.Index> indexes, BinariesResolver resolver) {
    }

    /** Finds the published binaries archive of the base for an arch. */
    public interface BinariesResolver {
        Path binaries(String archId) throws IOException;
    }

    /**
     * Where a build works and what it may use: its work directory ({@code target/puipui}), the user cache, the mirrors
     * to look in before upstream (the user cache's {@code mirror/} is added), whether it may use the network, the
     * proxy, and the build cache's size bound in bytes (0: no build cache).
     */
    public record Environment(Path workDirectory, Path userCache, List<URI> mirrors, boolean offline,
            ProxyConfig proxy, long buildCacheBytes, RemoteCache remoteCache) {
        public Environment(Path workDirectory, Path userCache, List<URI> mirrors, boolean offline, ProxyConfig proxy,
                long buildCacheBytes) {
            this(workDirectory, userCache, mirrors, offline, proxy, buildCacheBytes, null);
        }

        /** The user cache's areas this build may trust, with a private fallback under the work directory. */
        public UserCache trustedCache(BuildLog log) {
            return new UserCache(userCache, new Layout(workDirectory).privateCache(), log);
        }

        /** The mirrors, then the user cache's {@code mirror/}. */
        public List<URI> allMirrors() {
            Set<URI> all = new LinkedHashSet<>(mirrors);
            all.add(userCache.resolve("mirror").toUri());
            return new ArrayList<>(all);
        }

        /** A fetcher (one HTTP client) over the user cache's verified sources, the mirrors and upstream. */
        public Fetcher fetcher(BuildLog log) {
            return new Fetcher(new SourceCache(trustedCache(log).rootFor("sha256", "tmp"), log), new Transport(proxy),
                    allMirrors(), offline, log);
        }
    }

    /**
     * The build of {@code definition} in {@code env}: the areas of the user cache it may trust ({@link UserCache}),
     * one fetcher (one HTTP client), the build cache.
     */
    public static DistroBuild open(DistroDefinition definition, Environment env, Settings settings, BuildLog log) {
        UserCache user = env.trustedCache(log);
        OutputCache cache = env.buildCacheBytes() <= 0 ? null
                : new OutputCache(user.rootFor("outputs").resolve("outputs"), env.buildCacheBytes(), log);
        if (cache != null && env.remoteCache() != null) {
            cache.withRemote(env.remoteCache());
        }
        return new DistroBuild(definition, new Layout(env.workDirectory()), user.rootFor("src", "toolchain"),
                env.fetcher(log), cache, settings, log);
    }

    /** {@code cache}: the build cache, or null to build everything here. */
    public DistroBuild(DistroDefinition definition, Layout layout, Path cacheRoot, Fetcher fetcher, OutputCache cache,
            Settings settings, BuildLog log) {
        this.definition = definition;
        this.layout = layout;
        this.cacheRoot = cacheRoot;
        this.fetcher = fetcher;
        this.cache = cache;
        this.settings = settings;
        this.log = log;
    }

    public Layout layout() {
        return layout;
    }

    /** Takes the steps whose declared inputs equal the base's from the base's binaries (a derived distro). */
    public DistroBuild withBase(Base base) {
        this.base = base;
        return this;
    }

    private DistroBinaries.Index baseIndex(Arch arch) {
        return base == null ? null : base.indexes().get(arch.id());
    }

    /** True when the base published the step {@code id} of {@code arch} with these declared inputs. */
    private boolean fromBase(Arch arch, String id, String declaredInputs) {
        DistroBinaries.Index i = baseIndex(arch);
        return i != null && i.has(id, declaredInputs);
    }

    /** The base's binaries of an arch: resolved, verified against the base's definition and extracted once. */
    private DistroBinaries baseBinaries(Arch arch) throws IOException {
        synchronized (openedBase) {
            DistroBinaries b = openedBase.get(arch.id());
            if (b == null) {
                b = DistroBinaries.open(baseIndex(arch), base.resolver().binaries(arch.id()), layout.baseBinaries(arch),
                        log);
                openedBase.put(arch.id(), b);
            }
            return b;
        }
    }

    /** Restores a step from the base's binaries into {@code outputs} (up to date when it is there already). */
    private CachedStep.How restoreFromBase(Arch arch, String what, String id, String declaredInputs, Path outputs,
            String relocate) throws IOException, BuildStepException {
        DistroBinaries b = baseBinaries(arch);
        return CachedStep.fromBase(b.entries(), log).run(what, outputs, declaredInputs, relocate, partial -> {
            FileTrees.deleteTree(layout.baseBinaries(arch)); // extracted again next time
            throw new IOException("the base's binaries of " + arch + " lack the step " + id + " although the base's"
                    + " definition lists it, or it is damaged in " + layout.baseBinaries(arch) + "; build again");
        });
    }

    public DistroDefinition definition() {
        return definition;
    }

    // ---- fetch

    public Fetcher.Fetched fetch(String source) throws FetchException {
        return fetcher.fetch(definition.source(source));
    }

    /**
     * Fetches, verifies and extracts a source into the user cache ({@code <cache>/src/<name>-<version>-<digest>}),
     * or under {@link Layout#sources} when the cache cannot take it; returns its top directory.
     */
    public Path sourceTree(String name) throws IOException, FetchException {
        Source s = definition.source(name);
        Fetcher.Fetched f = fetcher.fetch(s);
        // one path for every clone of this user: builds read the tree (the kernel builds out of tree, O=) and
        // never write into it, and a compiler cache (ccache, sccache) can serve one clone's compiles to another
        // without rewriting paths, which would change the __FILE__ strings in the kernel
        Path shared = cacheRoot.resolve("src").resolve(s.name() + "-" + s.version() + "-" + f.sha256().substring(0, 12));
        try {
            PrivateDirectories.requireTrusted(shared);
            return extractTree(f, shared);
        } catch (IOException e) {
            if (e instanceof UnsafeArchiveException) {
                throw e;
            }
            Path own = layout.sources().resolve(s.name() + "-" + s.version());
            log.warn("cannot extract " + f.file().getFileName() + " into " + shared + " (" + e.getMessage()
                    + "); extracting it into " + own);
            return extractTree(f, own);
        }
    }

    private Path extractTree(Fetcher.Fetched f, Path target) throws IOException {
        if (!Extractor.isComplete(target, f.sha256())) {
            log.info("extracting " + f.file().getFileName() + " to " + target);
        }
        return f.extractTree(target);
    }

    // ---- kernel

    /**
     * The kernel config of an arch: its kconfig file itself, or, with fragments, the merged config written to
     * {@link Layout#mergedKconfig} (rewritten only when its text changes).
     */
    public Path kconfigFile(Arch arch) throws IOException {
        Path own = definition.kconfigFile(arch.id());
        if (definition.fragmentsFor(arch.id()).isEmpty()) {
            return own;
        }
        Path merged = layout.mergedKconfig(arch);
        String text = definition.kconfigText(arch.id());
        if (!Files.isRegularFile(merged) || !Files.readString(merged).equals(text)) {
            FileTrees.writeAtomically(merged, tmp -> Files.writeString(tmp, text));
        }
        return merged;
    }

    /** One kernel build of {@code arch} from the source tree {@code source} with make -j{@code jobs}. */
    public KernelBuild kernelBuild(Arch arch, Path source, int jobs) throws IOException {
        return new KernelBuild(arch, source, layout.kernelObjects(arch), kconfigFile(arch),
                new LinkedHashSet<>(settings.allowedKconfigDrops()), settings.timestamp(), jobs, layout.kernelLog(arch),
                settings.compilerLauncher(), settings.zopfliIterations());
    }

    /** Everything the kernel image depends on, as text: the kernel step's inputs (see {@link KernelInputs}). */
    public String kernelInputs(Arch arch, String sourceSha256) throws IOException {
        // the source tree is not an input (its digest is): the work directory stands for it here
        return KernelInputs.of(kernelBuild(arch, layout.work(), settings.jobs()), Sha256.of(kconfigFile(arch)),
                sourceSha256);
    }

    /** The kernel's declared inputs (see {@link StepInputs#kernelDeclared}). */
    public String kernelDeclared(Arch arch) throws IOException {
        return StepInputs.kernelDeclared(arch.id(), definition.kconfigText(arch.id()), definition.source(KERNEL_SOURCE),
                settings.timestamp());
    }

    /** True when a derived distro takes the kernel of {@code arch} from its base's binaries: nothing to build. */
    public boolean kernelFromBase(Arch arch) throws IOException {
        return fromBase(arch, DistroBinaries.KERNEL, kernelDeclared(arch));
    }

    /**
     * Builds (or finds up to date, or restores, or takes from the base's binaries) an arch's kernel and publishes its
     * images to {@link Layout#out}.
     */
    public CachedStep.How kernel(Arch arch, int jobs) throws IOException, BuildStepException, FetchException {
        Path outputs = layout.kernelOutputs(arch);
        CachedStep.How how = kernelFromBase(arch)
                ? restoreFromBase(arch, arch + " kernel", DistroBinaries.KERNEL, kernelDeclared(arch), outputs, null)
                : buildKernel(arch, jobs, outputs);
        for (String f : List.of(arch.imageName(), arch.uncompressedImageName(), "kernel.config", "System.map")) {
            CachedStep.publish(outputs.resolve(f), layout.out(arch).resolve(f));
        }
        return how;
    }

    /**
     * The kernel's likely inputs: one per digest its source may have here ({@link Fetcher#likelyDigests}), so that a
     * kernel the build cache has is restored without fetching its source.
     */
    private List<String> kernelLikelyInputs(Arch arch) throws IOException {
        List<String> likely = new ArrayList<>();
        for (String d : fetcher.likelyDigests(definition.source(KERNEL_SOURCE))) {
            likely.add(kernelInputs(arch, d));
        }
        return likely;
    }

    /** True when the kernel of {@code arch} can be had without its source: the base's, up to date, or cached. */
    public boolean kernelWithoutSource(Arch arch) throws IOException {
        return kernelFromBase(arch) || new CachedStep(cache, log).available(arch + " kernel",
                layout.kernelOutputs(arch), kernelLikelyInputs(arch));
    }

    private CachedStep.How buildKernel(Arch arch, int jobs, Path outputs) throws IOException, BuildStepException {
        return new CachedStep(cache, log).run(arch + " kernel", outputs, kernelLikelyInputs(arch), null,
                () -> kernelInputs(arch, fetchOrFail(KERNEL_SOURCE).sha256()), partial -> {
                    KernelBuild b;
                    try {
                        b = kernelBuild(arch, sourceTree(KERNEL_SOURCE), jobs);
                    } catch (FetchException e) {
                        throw new IOException(e.getMessage(), e);
                    }
                    KernelBuilder builder = new KernelBuilder(new ProcessRunner(log), log);
                    Files.copy(builder.build(b), partial.resolve(arch.imageName()));
                    Files.copy(builder.uncompressedImage(b), partial.resolve(arch.uncompressedImageName()));
                    Files.copy(b.dotConfig(), partial.resolve("kernel.config"));
                    // not in the tarballs: it names the addresses of initcall_debug for the benchmark's boot profile
                    Files.copy(b.objectDir().resolve("System.map"), partial.resolve("System.map"));
                }).how();
    }

    /** A source fetched inside a step, where a failed fetch is the step's I/O failure. */
    private Fetcher.Fetched fetchOrFail(String name) throws IOException {
        try {
            return fetch(name);
        } catch (FetchException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    // ---- toolchain

    /** The musl sysroot's declared inputs (see {@link StepInputs#toolchainDeclared}). */
    public String toolchainDeclared(Arch arch) {
        return StepInputs.toolchainDeclared(arch.id(), definition.source(MUSL_SOURCE), definition.source(KERNEL_SOURCE));
    }

    /** True when the musl sysroot of {@code arch} is the base's (used only if a component has to be compiled). */
    private boolean toolchainFromBase(Arch arch) {
        return fromBase(arch, DistroBinaries.TOOLCHAIN, toolchainDeclared(arch));
    }

    private ToolchainChoice toolchainChoice() {
        return new ToolchainChoice(settings.prebuiltToolchains(), cacheRoot.resolve("toolchain"),
                settings.compilerLauncher(), log);
    }

    /** The userland toolchain of an arch (see {@link ToolchainChoice}). */
    public ToolchainChoice.Plan toolchain(Arch arch, ProcessRunner runner, int jobs) throws IOException {
        ToolchainChoice.Sources sources = new ToolchainChoice.Sources() {
            @Override
            public List<String> likelyDigests(String name) {
                return fetcher.likelyDigests(definition.source(name));
            }

            @Override
            public String version(String name) {
                return definition.source(name).version();
            }

            @Override
            public Fetcher.Fetched fetch(String name) throws FetchException {
                return DistroBuild.this.fetch(name);
            }

            @Override
            public Path kernelTree() throws IOException, FetchException {
                return sourceTree(KERNEL_SOURCE);
            }
        };
        ToolchainChoice.BaseSysroot baseSysroot = !toolchainFromBase(arch) ? null : new ToolchainChoice.BaseSysroot() {
            @Override
            public String identity() {
                return "musl sysroot of the base " + OutputCache.key(toolchainDeclared(arch));
            }

            @Override
            public Path restore() throws IOException, BuildStepException {
                Path prefix = layout.baseSysroot(arch);
                restoreFromBase(arch, arch + " toolchain: musl sysroot", DistroBinaries.TOOLCHAIN,
                        toolchainDeclared(arch), prefix, prefix.toString());
                return prefix;
            }
        };
        ToolchainChoice.SysrootCache sysroots = cache == null ? null : new ToolchainChoice.SysrootCache() {
            private String inputs(String identity) {
                return "step=musl sysroot\n" + identity + "\n";
            }

            @Override
            public boolean restore(String identity, Path dir, Path prefix) {
                return new CachedStep(cache, log).restoreInto(arch + " toolchain: musl sysroot", inputs(identity), dir,
                        prefix.toString());
            }

            @Override
            public void store(String identity, Path prefix) {
                new CachedStep(cache, log).keep(arch + " toolchain: musl sysroot", inputs(identity), prefix,
                        prefix.toString());
            }

            @Override
            public boolean has(String identity) {
                try {
                    return new CachedStep(cache, log).available(arch + " toolchain: musl sysroot", null,
                            List.of(inputs(identity)));
                } catch (IOException e) {
                    return false;
                }
            }
        };
        return toolchainChoice().plan(arch, sources, MUSL_SOURCE, KERNEL_SOURCE, baseSysroot, sysroots,
                new ToolchainChoice.ArchWork(layout.arch(arch), layout.logs(arch).resolve("toolchain.log")), runner,
                jobs);
    }

    // ---- userland

    /** Each component's declared inputs (see {@link StepInputs#componentDeclared}) by name, in build order. */
    public Map<String, String> componentsDeclared(Arch arch) throws IOException {
        Map<String, String> known = componentsDeclared.get(arch);
        if (known == null) {
            known = Collections.unmodifiableMap(computeComponentsDeclared(arch));
            componentsDeclared.put(arch, known);
        }
        return known;
    }

    private Map<String, String> computeComponentsDeclared(Arch arch) throws IOException {
        String toolchain = OutputCache.key(toolchainDeclared(arch));
        Map<String, String> keys = new HashMap<>();
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Component c : definition.components()) {
            String digest = c.sourceDirectory() != null ? StepInputs.directoryDeclared(Path.of(c.sourceDirectory()))
                    : definition.source(c.source()).sha256();
            String in = StepInputs.componentDeclared(arch.id(), c, digest, toolchain, settings.timestamp(), keys);
            keys.put(c.name(), OutputCache.key(in));
            out.put(c.name(), in);
        }
        return out;
    }

    /** The components of {@code arch} a derived distro takes from its base's binaries: none of them is compiled. */
    public Set<String> componentsFromBase(Arch arch) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        if (baseIndex(arch) == null) {
            return out;
        }
        for (Map.Entry<String, String> e : componentsDeclared(arch).entrySet()) {
            if (fromBase(arch, DistroBinaries.component(e.getKey()), e.getValue())) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** True when every component of {@code arch} comes from the base's binaries: no toolchain, no compiler. */
    public boolean compilesNothing(Arch arch) throws IOException {
        return componentsFromBase(arch).size() == definition.components().size();
    }

    /**
     * The sources the builds of {@code archs} need, known before anything is fetched: only those of the steps that
     * cannot be had without them (not the base's, not up to date, not in the build cache or on its remote tier).
     */
    public List<Source> sourcesToFetch(List<Arch> archs) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        for (Arch arch : archs) {
            names.addAll(kernelSourcesToFetch(arch));
            names.addAll(userlandSourcesToFetch(arch));
        }
        if (base == null) { // a source no step builds from is fetched and verified as declared
            Set<String> used = new HashSet<>(List.of(KERNEL_SOURCE, MUSL_SOURCE));
            definition.components().forEach(c -> used.add(c.source()));
            settings.prebuiltToolchains().forEach(t -> used.add(t.source()));
            definition.sources().stream().map(Source::name).filter(n -> !used.contains(n)).forEach(names::add);
        }
        return definition.sources().stream().filter(s -> names.contains(s.name())).toList();
    }

    private boolean declares(String source) {
        return definition.sources().stream().anyMatch(s -> s.name().equals(source));
    }

    /**
     * The kernel's source, unless the kernel of {@code arch} can be had without it; without a kernel config for the
     * arch, the source, as before any plan (the kernel goal says what is missing).
     */
    public List<String> kernelSourcesToFetch(Arch arch) throws IOException {
        if (!declares(KERNEL_SOURCE)) {
            return List.of();
        }
        if (!definition.kconfigArches().contains(arch.id())) {
            return List.of(KERNEL_SOURCE);
        }
        return kernelWithoutSource(arch) ? List.of() : List.of(KERNEL_SOURCE);
    }

    /**
     * The sources the userland of {@code arch} needs: those of the components to compile (a component whose
     * dependency is compiled is compiled too, its key being known only then) and, when a component is compiled or
     * the musl sysroot is to be published, the toolchain's unless it can be had without them.
     */
    public List<String> userlandSourcesToFetch(Arch arch) throws IOException {
        if (compilesNothing(arch)) {
            return List.of();
        }
        if (toolchainChoice().prebuiltFor(arch).isEmpty() && !toolchainFromBase(arch)
                && !(declares(MUSL_SOURCE) && declares(KERNEL_SOURCE))) {
            // no toolchain to plan with: every source, as before any plan (the userland goal says what is missing)
            List<String> all = new ArrayList<>(List.of(MUSL_SOURCE, KERNEL_SOURCE));
            definition.components().stream().map(Component::source).filter(java.util.Objects::nonNull)
                    .forEach(all::add);
            return all;
        }
        ToolchainChoice.Plan tc = toolchain(arch, new ProcessRunner(log), settings.jobs());
        Set<String> names = new LinkedHashSet<>();
        Set<String> compiled = new HashSet<>();
        Map<String, String> keys = new HashMap<>();
        CachedStep step = new CachedStep(cache, log);
        for (UserlandBuilder.Prepared p : userlandPlan(arch, tc)) {
            Component c = p.component();
            if (p.fromBase()) {
                keys.put(c.name(), OutputCache.key(componentsDeclared(arch).get(c.name())));
                continue;
            }
            String found = c.dependsOn().stream().anyMatch(compiled::contains) ? null
                    : step.availableInputs(arch + " " + c.name(), UserlandBuilder.outputsOf(layout.componentWork(arch),
                            c.name()), p.likely().inputs(keys));
            if (found != null) {
                keys.put(c.name(), OutputCache.key(found));
                continue;
            }
            compiled.add(c.name());
            if (c.source() != null) {
                names.add(c.source());
            }
        }
        boolean publishesSysroot = toolchainChoice().prebuiltFor(arch).isEmpty() && !toolchainFromBase(arch);
        if ((!compiled.isEmpty() || publishesSysroot) && !tc.availableWithoutSources()) {
            java.util.Optional<ToolchainChoice.Prebuilt> prebuilt = toolchainChoice().prebuiltFor(arch);
            if (prebuilt.isPresent()) {
                names.add(prebuilt.get().source());
            } else {
                names.add(MUSL_SOURCE);
                names.add(KERNEL_SOURCE);
            }
        }
        return new ArrayList<>(names);
    }

    /** Fetches and verifies the named sources, in the definition's order. */
    public List<Fetcher.Fetched> fetchAll(Collection<String> names) throws FetchException {
        List<Fetcher.Fetched> out = new ArrayList<>();
        for (Source s : definition.sources()) {
            if (names.contains(s.name())) {
                out.add(fetcher.fetch(s));
            }
        }
        return out;
    }

    /**
     * The components of an arch, in build order: those taken from the base's binaries with their declared inputs,
     * the others with their likely inputs (one per likely toolchain identity and source digest; a dependency counts
     * by the key it was obtained with, a base's one by its declared key) and how their source is had.
     */
    public List<UserlandBuilder.Prepared> userlandPlan(Arch arch, ToolchainChoice.Plan tc) throws IOException {
        Set<String> fromBase = componentsFromBase(arch);
        Map<String, String> declared = fromBase.isEmpty() ? Map.of() : componentsDeclared(arch);
        List<UserlandBuilder.Prepared> prepared = new ArrayList<>();
        for (Component c : definition.components()) {
            if (fromBase.contains(c.name())) {
                String version = c.sourceDirectory() != null
                        ? "dir-" + StepInputs.directoryDeclared(Path.of(c.sourceDirectory())).substring(0, 12)
                        : definition.source(c.source()).version();
                String in = declared.get(c.name());
                prepared.add(new UserlandBuilder.Prepared(c, version, true, keys -> List.of(in), null));
                continue;
            }
            String version;
            List<String> digests;
            UserlandBuilder.Sourcing sourcing;
            if (c.sourceDirectory() != null) { // a directory of the project: its whole content is the source
                // named by its content, as the base's is wherever its definition was extracted
                version = "dir-" + StepInputs.directoryDeclared(Path.of(c.sourceDirectory())).substring(0, 12);
                Path from = Path.of(c.sourceDirectory());
                String digest = Sha256.of(String.join("\n", TreeManifest.of(from)));
                digests = List.of(digest);
                sourcing = keys -> {
                    ToolchainChoice.Resolved t = tc.get();
                    return new UserlandBuilder.Sourced(from, digest, componentInputs(arch, c, digest, t.identity(),
                            keys), t::toolchain);
                };
            } else {
                Source s = definition.source(c.source());
                version = s.version();
                digests = fetcher.likelyDigests(s);
                sourcing = keys -> {
                    Fetcher.Fetched f = fetchOrFail(s.name());
                    ToolchainChoice.Resolved t = tc.get();
                    return new UserlandBuilder.Sourced(f.file(), f.sha256(), componentInputs(arch, c, f.sha256(),
                            t.identity(), keys), t::toolchain);
                };
            }
            UserlandBuilder.Likely likely = keys -> {
                List<String> out = new ArrayList<>();
                for (String identity : tc.likelyIdentities()) {
                    for (String d : digests) {
                        out.add(componentInputs(arch, c, d, identity, keys));
                    }
                }
                return out;
            };
            prepared.add(new UserlandBuilder.Prepared(c, version, false, likely, sourcing));
        }
        return prepared;
    }

    private String componentInputs(Arch arch, Component c, String sourceSha256, String toolchainIdentity,
            Map<String, String> keys) throws IOException {
        return StepInputs.component(arch.id(), c, sourceSha256, toolchainIdentity, settings.timestamp(), keys);
    }

    /**
     * What the userland of an arch needs on the host: the C toolchain's tools and those of the recipes in use; nothing
     * when every component comes from the base's binaries.
     */
    public List<HostTools.Requirement> userlandHostTools(Arch arch) {
        try {
            if (compilesNothing(arch)) {
                return List.of();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<HostTools.Requirement> r = new ArrayList<>(HostTools.forUserland(arch));
        for (Component c : definition.components()) {
            Recipe.hostTools(c.recipe()).forEach((program, pkg) -> {
                if (!r.contains(HostTools.Requirement.program(program, pkg))) {
                    r.add(HostTools.Requirement.program(program, pkg));
                }
            });
        }
        return r;
    }

    /**
     * Builds (or restores, or takes from the base's binaries) the components of an arch into
     * {@link Layout#userland}, with the CA bundle (a derived distro's is its base's).
     */
    public List<UserlandBuilder.Installed> userland(Arch arch, int jobs) throws IOException, BuildStepException,
            FetchException {
        Path caOutputs = caBundle(arch);
        ProcessRunner runner = new ProcessRunner(log);
        ToolchainChoice.Plan tc = compilesNothing(arch) ? null : toolchain(arch, runner, jobs);
        List<UserlandBuilder.Prepared> prepared = userlandPlan(arch, tc);
        Path imageDir = layout.userland(arch);
        FileTrees.deleteTree(imageDir);
        OutputCache baseEntries = baseIndex(arch) == null ? null : baseBinaries(arch).entries();
        List<UserlandBuilder.Installed> installed = new UserlandBuilder(runner, log, cache, baseEntries).build(arch,
                prepared, layout.componentWork(arch), layout.staging(arch), imageDir, layout.logs(arch), jobs,
                settings.timestamp());
        Path ca = imageDir.resolve("etc/ssl/certs/ca-certificates.crt");
        Files.createDirectories(ca.getParent());
        Files.copy(caOutputs.resolve(CA_BUNDLE), ca, StandardCopyOption.REPLACE_EXISTING);
        return installed;
    }

    private static final String CA_BUNDLE = "ca-certificates.crt";

    /** The CA bundle of an arch's image in {@link Layout#caBundleOutputs}: the base's, else the host's. */
    private Path caBundle(Arch arch) throws IOException, BuildStepException {
        Path outputs = layout.caBundleOutputs(arch);
        if (fromBase(arch, DistroBinaries.CA_BUNDLE, StepInputs.caBundleDeclared())) {
            restoreFromBase(arch, arch + " CA bundle", DistroBinaries.CA_BUNDLE, StepInputs.caBundleDeclared(), outputs,
                    null);
            return outputs;
        }
        if (!Files.isRegularFile(settings.caBundle())) {
            throw new IllegalArgumentException("CA bundle " + settings.caBundle() + " not found (Debian/Ubuntu package"
                    + " ca-certificates), or set -Dpuipui.caBundle=FILE");
        }
        new CachedStep(null, log).run(arch + " CA bundle", outputs, "step=CA bundle\nsha256=" + Sha256.of(
                settings.caBundle()) + "\n", null, partial -> Files.copy(settings.caBundle(), partial.resolve(CA_BUNDLE)));
        return outputs;
    }

    // ---- binaries

    /**
     * The steps of an arch's published binaries ({@link DistroBinaries}): the kernel, the musl sysroot (unless a
     * prebuilt toolchain builds the userland), each component and the CA bundle, each with its declared inputs; a
     * step taken from the base is handed on as the base published it.
     */
    public List<DistroBinaries.Step> binarySteps(Arch arch) throws IOException {
        List<DistroBinaries.Step> steps = new ArrayList<>();
        steps.add(binaryStep(arch, DistroBinaries.KERNEL, kernelDeclared(arch), layout.kernelOutputs(arch), null));
        if (toolchainChoice().prebuiltFor(arch).isEmpty()) {
            if (toolchainFromBase(arch)) {
                steps.add(binaryStep(arch, DistroBinaries.TOOLCHAIN, toolchainDeclared(arch), null, null));
            } else {
                Path prefix;
                try {
                    prefix = toolchain(arch, new ProcessRunner(log), settings.jobs()).get().toolchain().root();
                } catch (BuildStepException e) {
                    throw new IOException(arch + " toolchain: " + e.getMessage(), e);
                }
                steps.add(binaryStep(arch, DistroBinaries.TOOLCHAIN, toolchainDeclared(arch), prefix, prefix.toString()));
            }
        }
        for (Map.Entry<String, String> c : componentsDeclared(arch).entrySet()) {
            steps.add(binaryStep(arch, DistroBinaries.component(c.getKey()), c.getValue(),
                    UserlandBuilder.outputsOf(layout.componentWork(arch), c.getKey()), layout.staging(arch).toString()));
        }
        steps.add(binaryStep(arch, DistroBinaries.CA_BUNDLE, StepInputs.caBundleDeclared(), layout.caBundleOutputs(arch),
                null));
        return steps;
    }

    private DistroBinaries.Step binaryStep(Arch arch, String id, String declared, Path outputs, String relocate)
            throws IOException {
        if (fromBase(arch, id, declared)) {
            return new DistroBinaries.Step(id, declared, null, null, baseBinaries(arch));
        }
        if (outputs == null || !Files.isDirectory(outputs)) {
            throw new IOException(arch + ": no outputs of the step " + id + " to publish (" + outputs + "); build it"
                    + " with mvn compile");
        }
        return new DistroBinaries.Step(id, declared, outputs, relocate, null);
    }

    // ---- initramfs

    /**
     * The initramfs of an arch as it would be written: layers, userland, removals, modes, root's login (the password
     * salted with the distro's coordinates {@code distro}, {@code groupId:artifactId:version}).
     */
    public InitramfsWriter initramfsContent(Arch arch, String distro, String rootPassword, String authorizedKeys)
            throws IOException {
        if (definition.fsLayers().isEmpty()) {
            throw new IllegalArgumentException("no fs template: set <fsDirectory> (or derive from a <base> distro)");
        }
        for (Path layer : definition.fsLayers()) {
            if (!Files.isDirectory(layer)) {
                throw new IllegalArgumentException("fs template " + layer + " is not a directory (set <fsDirectory>"
                        + " or -Dpuipui.fsDirectory to the root file system template)");
            }
        }
        Path userland = layout.userland(arch);
        if (!Files.isDirectory(userland)) {
            throw new IllegalArgumentException(arch + ": no userland at " + userland + " (build it with mvn compile,"
                    + " or mvn package for the whole image)");
        }
        return ImageLayout.assemble(settings.timestamp().epochSecond(), definition.fsLayers(), userland,
                definition.removedFiles(), definition.fileModeMap(), distro, rootPassword, authorizedKeys);
    }

    /**
     * Writes an arch's {@code initramfs.cpio.gz} unless its content is unchanged (the key is the digest of the whole
     * content) and publishes it to {@link Layout#out}; null when it was up to date, else the writer.
     */
    public InitramfsWriter initramfs(Arch arch, String distro, String rootPassword, String authorizedKeys)
            throws IOException, BuildStepException {
        InitramfsWriter w = initramfsContent(arch, distro, rootPassword, authorizedKeys);
        Path outputs = layout.initramfsOutputs(arch);
        CachedStep.How how = new CachedStep(null, log).run(arch + " initramfs", outputs,
                StepInputs.initramfs(w.digest()), null,
                partial -> w.write(partial.resolve("initramfs.cpio.gz")));
        CachedStep.publish(outputs.resolve("initramfs.cpio.gz"), layout.out(arch).resolve("initramfs.cpio.gz"));
        return how == CachedStep.How.UP_TO_DATE ? null : w;
    }

    // ---- package

    /**
     * Packs the arches' tarballs, the attachments, the SBOM and the definition into {@code targetDir} (see
     * {@link DistroPackager}).
     */
    public List<DistroPackager.Published> packageAll(List<Arch> archs, Sbom sbom, Path targetDir, String baseName,
            List<DistroPackager.Attachment> attachments) throws IOException, BuildStepException, FetchException {
        DistroPackager.Places places = new DistroPackager.Places() {
            @Override
            public Path finished(Arch arch) {
                return layout.out(arch);
            }

            @Override
            public Path tarballOutputs(Arch arch, String classifier) {
                return layout.tarballOutputs(arch, classifier);
            }

            @Override
            public Path staging() {
                return layout.work();
            }

            @Override
            public List<DistroBinaries.Step> binarySteps(Arch arch) throws IOException {
                return DistroBuild.this.binarySteps(arch);
            }
        };
        return new DistroPackager(places, settings.timestamp(), log).packageAll(archs, definition,
                sbom, targetDir, baseName, attachments);
    }
}
