package io.github.puipui.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.github.puipui.Arch;
import io.github.puipui.cache.CachedStep;
import io.github.puipui.cache.EntryLayout;
import io.github.puipui.distro.DistroBinaries;
import io.github.puipui.fetch.FetchException;
import io.github.puipui.fetch.Fetcher;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.toolchain.ToolchainChoice;

/**
 * The userland toolchain of each arch ({@link ToolchainChoice}): a prebuilt one, or the host compiler with the base's
 * musl sysroot, or with one restored from the build cache or built from the declared musl and kernel headers' sources
 * (the {@code linux-headers} source, or the kernel's when none is declared). Its
 * plan (its likely identities, the host compiler probed) is made once per arch per build.
 */
final class ToolchainStep {
    private final BuildContext context;
    private final Sources sources;
    private final BaseReuse base;
    private final ToolchainChoice choice;
    private final Map<Arch, ToolchainChoice.Plan> plans = new ConcurrentHashMap<>();

    ToolchainStep(BuildContext context, Sources sources, BaseReuse base) {
        this.context = context;
        this.sources = sources;
        this.base = base;
        this.choice = new ToolchainChoice(context.settings().prebuiltToolchains(), context.cacheRoot()
                .resolve("toolchain"), context.settings().compilerLauncher(), context.log());
    }

    /**
     * The toolchain's declared inputs: a prebuilt one's source and prefix, else the musl sysroot's (see
     * {@link StepInputs#toolchainDeclared}).
     */
    String declared(Arch arch) {
        Optional<ToolchainChoice.Prebuilt> p = prebuilt(arch);
        return p.isPresent() ? StepInputs.prebuiltToolchainDeclared(arch.id(), sources.source(p.get().source()),
                p.get().prefix())
                : StepInputs.toolchainDeclared(arch.id(), sources.source(Sources.MUSL), sources.source(sources.headers()));
    }

    /** True when the musl sysroot of {@code arch} is the base's (used only if a component has to be compiled). */
    boolean fromBase(Arch arch) {
        return base.has(arch, DistroBinaries.TOOLCHAIN, declared(arch));
    }

    Optional<ToolchainChoice.Prebuilt> prebuilt(Arch arch) {
        return choice.prebuiltFor(arch);
    }

    /** True when the build publishes a musl sysroot of its own for {@code arch}: neither prebuilt nor the base's. */
    boolean publishesSysroot(Arch arch) {
        return prebuilt(arch).isEmpty() && !fromBase(arch);
    }

    /** True when a toolchain can be planned: prebuilt, the base's, or the musl and kernel headers' sources declared. */
    boolean plannable(Arch arch) {
        return prebuilt(arch).isPresent() || fromBase(arch)
                || sources.declares(Sources.MUSL) && sources.declares(sources.headers());
    }

    /** The sources the toolchain of {@code arch} is made from when it cannot be had without them. */
    List<String> sourceNames(Arch arch) {
        return prebuilt(arch).map(p -> List.of(p.source())).orElse(List.of(Sources.MUSL, sources.headers()));
    }

    /** The userland toolchain of an arch (see {@link ToolchainChoice}), planned once per build. */
    ToolchainChoice.Plan plan(Arch arch) throws IOException {
        ToolchainChoice.Plan p = plans.get(arch);
        if (p == null) {
            p = choice.plan(arch, new DeclaredSources(), Sources.MUSL, sources.headers(),
                    fromBase(arch) ? new BaseSysroot(arch) : null,
                    context.cache() == null ? null : new CachedSysroots(arch),
                    new ToolchainChoice.ArchWork(context.layout().arch(arch),
                            context.layout().logs(arch).resolve("toolchain.log")), context.runner(),
                    context.settings().jobs());
            ToolchainChoice.Plan known = plans.putIfAbsent(arch, p);
            p = known != null ? known : p;
        }
        return p;
    }

    /** The distro's declared sources, as the toolchain choice asks for them. */
    private final class DeclaredSources implements ToolchainChoice.Sources {
        @Override
        public List<String> likelyDigests(String name) {
            return sources.likelyDigests(name);
        }

        @Override
        public String version(String name) {
            return sources.source(name).version();
        }

        @Override
        public Fetcher.Fetched fetch(String name) throws FetchException {
            return sources.fetch(name);
        }

        @Override
        public Path kernelTree() throws IOException, FetchException {
            return sources.tree(sources.headers());
        }
    }

    /** The musl sysroot of the base's binaries, restored only when a component has to be compiled. */
    private final class BaseSysroot implements ToolchainChoice.BaseSysroot {
        private final Arch arch;

        BaseSysroot(Arch arch) {
            this.arch = arch;
        }

        @Override
        public String identity() {
            return "musl sysroot of the base " + EntryLayout.key(declared(arch));
        }

        @Override
        public Path restore() throws IOException, BuildStepException {
            Path prefix = context.layout().baseSysroot(arch);
            base.restore(arch, arch + " toolchain: musl sysroot", DistroBinaries.TOOLCHAIN, declared(arch), prefix,
                    prefix.toString());
            return prefix;
        }
    }

    /** Built musl sysroots in the build cache and its remote tier, keyed by their identity. */
    private final class CachedSysroots implements ToolchainChoice.SysrootCache {
        private final String what;

        CachedSysroots(Arch arch) {
            this.what = arch + " toolchain: musl sysroot";
        }

        private String inputs(String identity) {
            return "step=musl sysroot\n" + identity + "\n";
        }

        private CachedStep step() {
            return new CachedStep(context.cache(), context.log());
        }

        @Override
        public boolean restore(String identity, Path dir, Path prefix) {
            return step().restoreInto(what, inputs(identity), dir, prefix.toString());
        }

        @Override
        public void store(String identity, Path prefix) {
            step().keep(what, inputs(identity), prefix, prefix.toString());
        }

        @Override
        public boolean has(String identity) {
            try {
                return step().available(what, null, List.of(inputs(identity)));
            } catch (IOException e) {
                return false;
            }
        }
    }
}
