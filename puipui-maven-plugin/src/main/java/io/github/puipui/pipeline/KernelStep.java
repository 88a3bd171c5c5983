package io.github.puipui.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.puipui.Arch;
import io.github.puipui.cache.CachedStep;
import io.github.puipui.distro.DistroBinaries;
import io.github.puipui.files.FileTrees;
import io.github.puipui.files.Sha256;
import io.github.puipui.kernel.KernelBuild;
import io.github.puipui.kernel.KernelBuilder;
import io.github.puipui.kernel.KernelInputs;
import io.github.puipui.process.BuildStepException;

/**
 * The kernel of each arch: its config (the kconfig file, with the fragments merged on), its inputs (its key in the
 * build cache: {@link KernelInputs}) and declared inputs, and how it is had: the base's, up to date, restored from
 * the build cache, or built.
 */
final class KernelStep {
    private final BuildContext context;
    private final Sources sources;
    private final BaseReuse base;
    /** The host tools' identity per arch, probed once per build. */
    private final Map<Arch, String> tools = new ConcurrentHashMap<>();

    KernelStep(BuildContext context, Sources sources, BaseReuse base) {
        this.context = context;
        this.sources = sources;
        this.base = base;
    }

    /**
     * The kernel config of an arch: its kconfig file itself, or, with fragments, the merged config written to
     * {@link Layout#mergedKconfig} (rewritten only when its text changes).
     */
    Path kconfigFile(Arch arch) throws IOException {
        Path own = context.definition().kconfigFile(arch.id());
        if (context.definition().fragmentsFor(arch.id()).isEmpty()) {
            return own;
        }
        Path merged = context.layout().mergedKconfig(arch);
        String text = context.definition().kconfigText(arch.id());
        if (!Files.isRegularFile(merged) || !Files.readString(merged).equals(text)) {
            FileTrees.writeAtomically(merged, tmp -> Files.writeString(tmp, text));
        }
        return merged;
    }

    /** One kernel build of {@code arch} from the source tree {@code source} with make -j{@code jobs}. */
    KernelBuild build(Arch arch, Path source, int jobs) throws IOException {
        DistroBuild.Settings s = context.settings();
        return new KernelBuild(arch, source, context.layout().kernelObjects(arch), kconfigFile(arch),
                new LinkedHashSet<>(s.allowedKconfigDrops()), s.timestamp(), jobs, context.layout().kernelLog(arch),
                s.compilerLauncher(), s.zopfliIterations());
    }

    /** Everything the kernel image depends on, as text: the kernel step's inputs (see {@link KernelInputs}). */
    String inputs(Arch arch, String sourceSha256) throws IOException {
        // the source tree is not an input (its digest is): the work directory stands for it here
        KernelBuild b = build(arch, context.layout().work(), context.settings().jobs());
        return KernelInputs.text(b, Sha256.of(b.kconfigFile()), sourceSha256,
                tools.computeIfAbsent(arch, a -> KernelInputs.tools(b)));
    }

    /** The kernel's declared inputs (see {@link StepInputs#kernelDeclared}). */
    String declared(Arch arch) throws IOException {
        return StepInputs.kernelDeclared(arch.id(), context.definition().kconfigText(arch.id()),
                sources.source(Sources.KERNEL), context.settings().timestamp());
    }

    /** True when a derived distro takes the kernel of {@code arch} from its base's binaries: nothing to build. */
    boolean fromBase(Arch arch) throws IOException {
        return base.has(arch, DistroBinaries.KERNEL, declared(arch));
    }

    /**
     * Builds (or finds up to date, or restores, or takes from the base's binaries) an arch's kernel and publishes its
     * images to {@link Layout#out}.
     */
    CachedStep.How run(Arch arch, int jobs) throws IOException, BuildStepException {
        Path outputs = context.layout().kernelOutputs(arch);
        CachedStep.How how = fromBase(arch)
                ? base.restore(arch, arch + " kernel", DistroBinaries.KERNEL, declared(arch), outputs, null)
                : compile(arch, jobs, outputs);
        for (String f : List.of(arch.imageName(), arch.uncompressedImageName(), "kernel.config", "System.map")) {
            CachedStep.publish(outputs.resolve(f), context.layout().out(arch).resolve(f));
        }
        return how;
    }

    /**
     * The kernel's likely inputs: one per digest its source may have here ({@link Sources#likelyDigests}), so that a
     * kernel the build cache has is restored without fetching its source.
     */
    private List<String> likelyInputs(Arch arch) throws IOException {
        List<String> likely = new ArrayList<>();
        for (String d : sources.likelyDigests(Sources.KERNEL)) {
            likely.add(inputs(arch, d));
        }
        return likely;
    }

    /**
     * The kernel's source, unless the kernel of {@code arch} can be had without it (the base's, up to date, or
     * cached); without a kernel config for the arch, the source, as before any plan (the kernel goal says what is
     * missing).
     */
    List<String> sourcesToFetch(Arch arch) throws IOException {
        if (!sources.declares(Sources.KERNEL)) {
            return List.of();
        }
        if (!context.definition().kconfigArches().contains(arch.id())) {
            return List.of(Sources.KERNEL);
        }
        boolean without = fromBase(arch) || new CachedStep(context.cache(), context.log()).available(arch + " kernel",
                context.layout().kernelOutputs(arch), likelyInputs(arch));
        return without ? List.of() : List.of(Sources.KERNEL);
    }

    private CachedStep.How compile(Arch arch, int jobs, Path outputs) throws IOException, BuildStepException {
        return new CachedStep(context.cache(), context.log()).run(arch + " kernel", outputs, likelyInputs(arch), null,
                () -> inputs(arch, sources.fetchOrFail(Sources.KERNEL).sha256()), partial -> {
                    KernelBuild b = build(arch, sources.treeOrFail(Sources.KERNEL), jobs);
                    KernelBuilder builder = new KernelBuilder(context.runner(), context.log());
                    Files.copy(builder.build(b), partial.resolve(arch.imageName()));
                    Files.copy(builder.uncompressedImage(b), partial.resolve(arch.uncompressedImageName()));
                    Files.copy(b.dotConfig(), partial.resolve("kernel.config"));
                    // not in the tarballs: it names the addresses of initcall_debug for the benchmark's boot profile
                    Files.copy(b.objectDir().resolve("System.map"), partial.resolve("System.map"));
                }).how();
    }
}
