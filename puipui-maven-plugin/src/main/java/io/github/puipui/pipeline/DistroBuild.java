package io.github.puipui.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.puipui.Arch;
import io.github.puipui.BuildLog;
import io.github.puipui.OutputTimestamp;
import io.github.puipui.cache.CachedStep;
import io.github.puipui.cache.TieredCache;
import io.github.puipui.cache.UserCache;
import io.github.puipui.distpackage.DistroPackager;
import io.github.puipui.distpackage.SizeLimits;
import io.github.puipui.distpackage.Sbom;
import io.github.puipui.distro.DistroBinaries;
import io.github.puipui.distro.DistroDefinition;
import io.github.puipui.fetch.FetchException;
import io.github.puipui.fetch.Fetcher;
import io.github.puipui.fetch.Source;
import io.github.puipui.initramfs.InitramfsWriter;
import io.github.puipui.kernel.KernelBuild;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.process.ProcessRunner;
import io.github.puipui.process.StepHistory;
import io.github.puipui.toolchain.HostTools;
import io.github.puipui.toolchain.ToolchainChoice;
import io.github.puipui.userland.UserlandBuilder;

/**
 * The build of one distro, with no Maven type in it: from a {@link DistroDefinition} to the steps fetch, toolchain,
 * kernel, userland, initramfs and package. A facade over one class per step, which share a {@link BuildContext}:
 * {@link Sources}, {@link BaseReuse}, {@link KernelStep}, {@link ToolchainStep}, {@link UserlandStep} (with
 * {@link ComponentPlan}) and {@link ImageStep}. The plugin's goals only read their parameters into a {@link Settings}
 * and call one method per step.
 */
public final class DistroBuild {
    /**
     * How to build: the output timestamp, make's -j, a compiler launcher (ccache, distcc; not part of any key),
     * zopfli's iterations for aarch64's Image.gz, the kconfig symbols allowed to be dropped, the CA bundle put into
     * the image, and optional prebuilt toolchains.
     */
    public record Settings(OutputTimestamp timestamp, int jobs, String compilerLauncher, int zopfliIterations,
            List<String> allowedKconfigDrops, Path caBundle, List<ToolchainChoice.Prebuilt> prebuiltToolchains) {
    }

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

    private final BuildContext context;
    private final Sources sources;
    private final BaseReuse base;
    private final KernelStep kernel;
    private final ToolchainStep toolchain;
    private final UserlandStep userland;
    private final ImageStep image;

    /**
     * The build of {@code definition} in {@code env}: the areas of the user cache it may trust ({@link UserCache}),
     * one fetcher (one HTTP client), the build cache {@code cache} ({@link BuildEnvironment#buildCache}, or null), and
     * the commands' history (their last durations, for the time
     * left of a running one).
     */
    public static DistroBuild open(DistroDefinition definition, BuildEnvironment env, TieredCache cache,
            Settings settings, BuildLog log) {
        UserCache user = env.trustedCache(log);
        StepHistory history = new StepHistory(user.rootFor("history").resolve("history"));
        return new DistroBuild(new BuildContext(definition, new Layout(env.workDirectory()), user.rootFor("src",
                "toolchain"), env.fetcher(log), cache, settings, log, new ProcessRunner(log, history)));
    }

    /** {@code cache}: the build cache, or null to build everything here. */
    public DistroBuild(DistroDefinition definition, Layout layout, Path cacheRoot, Fetcher fetcher, TieredCache cache,
            Settings settings, BuildLog log) {
        this(new BuildContext(definition, layout, cacheRoot, fetcher, cache, settings, log, new ProcessRunner(log, 30)));
    }

    private DistroBuild(BuildContext context) {
        this.context = context;
        this.sources = new Sources(context);
        this.base = new BaseReuse(context);
        this.kernel = new KernelStep(context, sources, base);
        this.toolchain = new ToolchainStep(context, sources, base);
        this.userland = new UserlandStep(context, sources, base, toolchain);
        this.image = new ImageStep(context, base, kernel, toolchain, userland);
    }

    public Layout layout() {
        return context.layout();
    }

    public DistroDefinition definition() {
        return context.definition();
    }

    /** Takes the steps whose declared inputs equal the base's from the base's binaries (a derived distro). */
    public DistroBuild withBase(Base base) {
        this.base.set(base);
        return this;
    }

    // ---- fetch

    /**
     * The sources the builds of {@code archs} need, known before anything is fetched: only those of the steps that
     * cannot be had without them (not the base's, not up to date, not in the build cache or on its remote tier).
     */
    public List<Source> sourcesToFetch(List<Arch> archs) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        for (Arch arch : archs) {
            names.addAll(kernel.sourcesToFetch(arch));
            names.addAll(userland.sourcesToFetch(arch));
        }
        if (!base.isDerived()) { // a source no step builds from is fetched and verified as declared
            Set<String> used = new HashSet<>(List.of(Sources.KERNEL, Sources.KERNEL_HEADERS, Sources.MUSL));
            definition().components().forEach(c -> used.add(c.source()));
            context.settings().prebuiltToolchains().forEach(t -> used.add(t.source()));
            definition().sources().stream().map(Source::name).filter(n -> !used.contains(n)).forEach(names::add);
        }
        return definition().sources().stream().filter(s -> names.contains(s.name())).toList();
    }

    /** Fetches and verifies the named sources, in the definition's order. */
    public List<Fetcher.Fetched> fetchAll(Collection<String> names) throws FetchException {
        return sources.fetchAll(names);
    }

    /** Fetches, verifies and extracts a source into the user cache; returns its top directory. */
    public Path sourceTree(String name) throws IOException, FetchException {
        return sources.tree(name);
    }

    // ---- kernel

    /** The kernel config of an arch (see {@link KernelStep#kconfigFile}). */
    public Path kconfigFile(Arch arch) throws IOException {
        return kernel.kconfigFile(arch);
    }

    /** One kernel build of {@code arch} from the source tree {@code source} with make -j{@code jobs}. */
    public KernelBuild kernelBuild(Arch arch, Path source, int jobs) throws IOException {
        return kernel.build(arch, source, jobs);
    }

    String kernelInputs(Arch arch, String sourceSha256) throws IOException {
        return kernel.inputs(arch, sourceSha256);
    }

    /** True when a derived distro takes the kernel of {@code arch} from its base's binaries: nothing to build. */
    public boolean kernelFromBase(Arch arch) throws IOException {
        return kernel.fromBase(arch);
    }

    /** The kernel's source, unless the kernel of {@code arch} can be had without it. */
    public List<String> kernelSourcesToFetch(Arch arch) throws IOException {
        return kernel.sourcesToFetch(arch);
    }

    /** Builds (or finds up to date, restores, takes from the base) an arch's kernel and publishes its images. */
    public CachedStep.How kernel(Arch arch, int jobs) throws IOException, BuildStepException {
        return kernel.run(arch, jobs);
    }

    // ---- toolchain and userland

    ToolchainChoice.Plan toolchain(Arch arch) throws IOException {
        return toolchain.plan(arch);
    }

    /**
     * The declared inputs of the userland of {@code arch}: the toolchain's, then each component's (what a derived
     * distro's steps are compared with in its base's binaries).
     */
    Map<String, String> userlandDeclared(Arch arch) throws IOException {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        out.put(DistroBinaries.TOOLCHAIN, toolchain.declared(arch));
        out.putAll(userland.declared(arch));
        return out;
    }

    Set<String> componentsFromBase(Arch arch) throws IOException {
        return userland.fromBase(arch);
    }

    /** True when every component of {@code arch} comes from the base's binaries: no toolchain, no compiler. */
    boolean compilesNothing(Arch arch) throws IOException {
        return userland.compilesNothing(arch);
    }

    /** The sources the userland of {@code arch} needs (see {@link UserlandStep#sourcesToFetch}). */
    public List<String> userlandSourcesToFetch(Arch arch) throws IOException {
        return userland.sourcesToFetch(arch);
    }

    List<UserlandBuilder.Prepared> userlandPlan(Arch arch, ToolchainChoice.Plan tc) throws IOException {
        return userland.plan(arch, tc);
    }

    /** What the userland of an arch needs on the host; nothing when every component is the base's. */
    public List<HostTools.Requirement> userlandHostTools(Arch arch) {
        try {
            return userland.hostTools(arch);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Builds (or restores, or takes from the base) the components of an arch, with the CA bundle. */
    public List<UserlandBuilder.Installed> userland(Arch arch, int jobs) throws IOException, BuildStepException {
        return userland.run(arch, jobs);
    }

    // ---- binaries, initramfs, package

    List<DistroBinaries.Step> binarySteps(Arch arch) throws IOException {
        return image.binarySteps(arch);
    }

    /** Writes an arch's initramfs unless its content is unchanged; null when it was up to date, else the writer. */
    public InitramfsWriter initramfs(Arch arch, String distro, String rootPassword, String authorizedKeys)
            throws IOException, BuildStepException {
        return image.initramfs(arch, distro, rootPassword, authorizedKeys);
    }

    /** Fails when a published file of one of {@code archs} is larger than its limit (see {@link SizeLimits}). */
    public void checkSizes(List<Arch> archs, SizeLimits limits) throws IOException, BuildStepException {
        for (Arch arch : archs) {
            limits.check(arch, context.layout().out(arch));
        }
    }

    /** Packs the arches' tarballs, the attachments, the SBOM and the definition (see {@link DistroPackager}). */
    public List<DistroPackager.Published> packageAll(List<Arch> archs, Sbom sbom, Path targetDir, String baseName,
            List<DistroPackager.Attachment> attachments) throws IOException, BuildStepException {
        return image.packageAll(archs, sbom, targetDir, baseName, attachments);
    }
}
