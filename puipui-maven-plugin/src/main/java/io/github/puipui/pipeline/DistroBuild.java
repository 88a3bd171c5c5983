package io.github.puipui.pipeline;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.puipui.Arch;
import io.github.puipui.BuildLog;
import io.github.puipui.OutputTimestamp;
import io.github.puipui.cache.CachedStep;
import io.github.puipui.cache.OutputCache;
import io.github.puipui.cache.UserCache;
import io.github.puipui.distpackage.DistroPackager;
import io.github.puipui.distpackage.Sbom;
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
     * How to build: the output timestamp, the plugin's identity (part of every key), make's -j, a compiler launcher
     * (ccache, distcc; not part of any key), zopfli's iterations for aarch64's Image.gz, the kconfig symbols allowed
     * to be dropped, the CA bundle put into the image, and optional prebuilt toolchains.
     */
    public record Settings(OutputTimestamp timestamp, String plugin, int jobs, String compilerLauncher,
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

    /**
     * Where a build works and what it may use: its work directory ({@code target/puipui}), the user cache, the mirrors
     * to look in before upstream (the user cache's {@code mirror/} is added), whether it may use the network, the
     * proxy, and the build cache's size bound in bytes (0: no build cache).
     */
    public record Environment(Path workDirectory, Path userCache, List<URI> mirrors, boolean offline,
            ProxyConfig proxy, long buildCacheBytes) {
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

    /**
     * What every step's key says of the plugin: its version and the sha256 of its jar. The jar is built reproducibly,
     * so a change of any recipe, flag or class gives a new digest (a SNAPSHOT version alone would not), and
     * rebuilding the same sources gives the same one.
     */
    public static String pluginIdentity(String version, Path jar) throws IOException {
        return version + " sha256 " + Sha256.of(jar);
    }

    public Layout layout() {
        return layout;
    }

    public DistroDefinition definition() {
        return definition;
    }

    // ---- fetch

    /** Finds (cache, mirror, upstream) and verifies every declared source. */
    public List<Fetcher.Fetched> fetchAll() throws FetchException {
        List<Fetcher.Fetched> out = new ArrayList<>();
        for (Source s : definition.sources()) {
            out.add(fetcher.fetch(s));
        }
        return out;
    }

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
                sourceSha256, settings.plugin());
    }

    /** Builds (or finds up to date, or restores) an arch's kernel and publishes its images to {@link Layout#out}. */
    public CachedStep.How kernel(Arch arch, int jobs) throws IOException, BuildStepException, FetchException {
        Fetcher.Fetched linux = fetch(KERNEL_SOURCE);
        Path outputs = layout.kernelOutputs(arch);
        CachedStep.How how = new CachedStep(cache, log).run(arch + " kernel", outputs, kernelInputs(arch, linux.sha256()),
                null, partial -> {
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
                    // not published: it names the addresses of initcall_debug for the benchmark's boot profile
                    Files.copy(b.objectDir().resolve("System.map"), partial.resolve("System.map"));
                });
        for (String f : List.of(arch.imageName(), arch.uncompressedImageName(), "kernel.config", "System.map")) {
            CachedStep.publish(outputs.resolve(f), layout.out(arch).resolve(f));
        }
        return how;
    }

    // ---- toolchain

    /** The userland toolchain of an arch (see {@link ToolchainChoice}). */
    public ToolchainChoice.Plan toolchain(Arch arch, ProcessRunner runner, int jobs) throws IOException, FetchException {
        ToolchainChoice.Sources sources = new ToolchainChoice.Sources() {
            @Override
            public Fetcher.Fetched fetch(String name) throws FetchException {
                return DistroBuild.this.fetch(name);
            }

            @Override
            public Path kernelTree() throws IOException, FetchException {
                return sourceTree(KERNEL_SOURCE);
            }
        };
        return new ToolchainChoice(settings.prebuiltToolchains(), cacheRoot.resolve("toolchain"), settings.plugin(),
                settings.compilerLauncher(), log).plan(arch, sources, MUSL_SOURCE, KERNEL_SOURCE,
                        new ToolchainChoice.ArchWork(layout.arch(arch), layout.logs(arch).resolve("toolchain.log")),
                        runner, jobs);
    }

    // ---- userland

    /**
     * The components of an arch, in build order, each with its inputs (see {@link StepInputs#component}): the plan
     * the userland step carries out.
     */
    public List<UserlandBuilder.Prepared> userlandPlan(Arch arch, String toolchainIdentity) throws IOException,
            FetchException {
        List<UserlandBuilder.Prepared> prepared = new ArrayList<>();
        Map<String, String> keys = new HashMap<>();
        for (Component c : definition.components()) {
            String version;
            Path from;
            String digest;
            if (c.sourceDirectory() != null) { // a directory of the project: its whole content is the source
                version = "(" + Path.of(c.sourceDirectory()).getFileName() + ")";
                from = Path.of(c.sourceDirectory());
                digest = Sha256.of(String.join("\n", TreeManifest.of(from)));
            } else {
                Source s = definition.source(c.source());
                Fetcher.Fetched f = fetcher.fetch(s);
                version = s.version();
                from = f.file();
                digest = f.sha256();
            }
            UserlandBuilder.Prepared p = new UserlandBuilder.Prepared(c, version, from, digest,
                    StepInputs.component(arch.id(), c, digest, toolchainIdentity, settings.timestamp(),
                            settings.plugin(), keys));
            keys.put(c.name(), p.key());
            prepared.add(p);
        }
        return prepared;
    }

    /** What the userland of an arch needs on the host: the C toolchain's tools and those of the recipes in use. */
    public List<HostTools.Requirement> userlandHostTools(Arch arch) {
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

    /** Builds (or restores) the components of an arch into {@link Layout#userland}, with the CA bundle. */
    public List<UserlandBuilder.Installed> userland(Arch arch, int jobs) throws IOException, BuildStepException,
            FetchException {
        if (!Files.isRegularFile(settings.caBundle())) {
            throw new IllegalArgumentException("CA bundle " + settings.caBundle() + " not found (Debian/Ubuntu package"
                    + " ca-certificates), or set -Dpuipui.caBundle=FILE");
        }
        ProcessRunner runner = new ProcessRunner(log);
        ToolchainChoice.Plan tc = toolchain(arch, runner, jobs);
        List<UserlandBuilder.Prepared> prepared = userlandPlan(arch, tc.identity());
        Path imageDir = layout.userland(arch);
        FileTrees.deleteTree(imageDir);
        List<UserlandBuilder.Installed> installed = new UserlandBuilder(runner, log, cache).build(arch, tc.supplier(),
                prepared, layout.componentWork(arch), layout.staging(arch), imageDir, layout.logs(arch), jobs,
                settings.timestamp());
        Path ca = imageDir.resolve("etc/ssl/certs/ca-certificates.crt");
        Files.createDirectories(ca.getParent());
        Files.copy(settings.caBundle(), ca, StandardCopyOption.REPLACE_EXISTING);
        return installed;
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
                StepInputs.initramfs(w.digest(), settings.plugin()), null,
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
        };
        return new DistroPackager(places, settings.plugin(), settings.timestamp(), log).packageAll(archs, fetchAll(),
                definition, sbom, targetDir, baseName, attachments);
    }
}
