package io.github.puipui.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.puipui.Arch;
import io.github.puipui.cache.CachedStep;
import io.github.puipui.cache.EntryLayout;
import io.github.puipui.cache.TieredCache;
import io.github.puipui.distro.DistroBinaries;
import io.github.puipui.files.FileTrees;
import io.github.puipui.files.Sha256;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.toolchain.HostTools;
import io.github.puipui.toolchain.ToolchainChoice;
import io.github.puipui.userland.Component;
import io.github.puipui.userland.Recipe;
import io.github.puipui.userland.UserlandBuilder;

/**
 * The userland of each arch: its components in build order, each the base's, up to date, restored from the build
 * cache or compiled ({@link UserlandBuilder}, with the plan {@link ComponentPlan} makes), and the CA bundle the
 * image carries (the base's for a derived distro, else the host's).
 */
final class UserlandStep {
    private static final String CA_BUNDLE = "ca-certificates.crt";

    private final BuildContext context;
    private final BaseReuse base;
    private final ToolchainStep toolchain;
    private final ComponentPlan plan;
    private final Map<Arch, Map<String, String>> declared = new ConcurrentHashMap<>();

    UserlandStep(BuildContext context, Sources sources, BaseReuse base, ToolchainStep toolchain) {
        this.context = context;
        this.base = base;
        this.toolchain = toolchain;
        this.plan = new ComponentPlan(context, sources);
    }

    /** Each component's declared inputs (see {@link StepInputs#componentDeclared}) by name, in build order. */
    Map<String, String> declared(Arch arch) throws IOException {
        Map<String, String> known = declared.get(arch);
        if (known == null) {
            String tc = EntryLayout.key(toolchain.declared(arch));
            Map<String, String> keys = new HashMap<>();
            Map<String, String> out = new LinkedHashMap<>();
            for (Component c : context.definition().components()) {
                String in = StepInputs.componentDeclared(arch.id(), c, plan.declaredDigest(c), tc,
                        context.settings().timestamp(), keys);
                keys.put(c.name(), EntryLayout.key(in));
                out.put(c.name(), in);
            }
            known = Collections.unmodifiableMap(out);
            declared.put(arch, known);
        }
        return known;
    }

    /** The components of {@code arch} a derived distro takes from its base's binaries: none of them is compiled. */
    Set<String> fromBase(Arch arch) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        if (base.index(arch) == null) {
            return out;
        }
        for (Map.Entry<String, String> e : declared(arch).entrySet()) {
            if (base.has(arch, DistroBinaries.component(e.getKey()), e.getValue())) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** True when every component of {@code arch} comes from the base's binaries: no toolchain, no compiler. */
    boolean compilesNothing(Arch arch) throws IOException {
        return fromBase(arch).size() == context.definition().components().size();
    }

    /** The components of an arch, in build order, as {@link ComponentPlan} prepares them. */
    List<UserlandBuilder.Prepared> plan(Arch arch, ToolchainChoice.Plan tc) throws IOException {
        Set<String> fromBase = fromBase(arch);
        return plan.prepare(arch, tc, fromBase, fromBase.isEmpty() ? Map.of() : declared(arch));
    }

    /**
     * The sources the userland of {@code arch} needs: those of the components to compile (a component whose
     * dependency is compiled is compiled too, its key being known only then) and, when a component is compiled or
     * the musl sysroot is to be published, the toolchain's unless it can be had without them.
     */
    List<String> sourcesToFetch(Arch arch) throws IOException {
        if (compilesNothing(arch)) {
            return List.of();
        }
        if (!toolchain.plannable(arch)) {
            // no toolchain to plan with: every source, as before any plan (the userland goal says what is missing)
            List<String> all = new ArrayList<>(toolchain.sourceNames(arch));
            context.definition().components().stream().map(Component::source).filter(Objects::nonNull)
                    .forEach(all::add);
            return all;
        }
        ToolchainChoice.Plan tc = toolchain.plan(arch);
        Set<String> names = new LinkedHashSet<>();
        Set<String> compiled = new HashSet<>();
        Map<String, String> keys = new HashMap<>();
        CachedStep step = new CachedStep(context.cache(), context.log());
        for (UserlandBuilder.Prepared p : plan(arch, tc)) {
            Component c = p.component();
            if (p.fromBase()) {
                keys.put(c.name(), EntryLayout.key(declared(arch).get(c.name())));
                continue;
            }
            String found = c.dependsOn().stream().anyMatch(compiled::contains) ? null
                    : step.availableInputs(arch + " " + c.name(), UserlandBuilder.outputsOf(
                            context.layout().componentWork(arch), c.name()), p.likely().inputs(keys));
            if (found != null) {
                keys.put(c.name(), EntryLayout.key(found));
                continue;
            }
            compiled.add(c.name());
            if (c.source() != null) {
                names.add(c.source());
            }
        }
        if ((!compiled.isEmpty() || toolchain.publishesSysroot(arch)) && !tc.availableWithoutSources()) {
            names.addAll(toolchain.sourceNames(arch));
        }
        return new ArrayList<>(names);
    }

    /**
     * What the userland of an arch needs on the host: the C toolchain's tools and those of the recipes in use; nothing
     * when every component comes from the base's binaries.
     */
    List<HostTools.Requirement> hostTools(Arch arch) throws IOException {
        if (compilesNothing(arch)) {
            return List.of();
        }
        List<HostTools.Requirement> r = new ArrayList<>(HostTools.forUserland(arch));
        for (Component c : context.definition().components()) {
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
    List<UserlandBuilder.Installed> run(Arch arch, int jobs) throws IOException, BuildStepException {
        Path caOutputs = caBundle(arch);
        ToolchainChoice.Plan tc = compilesNothing(arch) ? null : toolchain.plan(arch);
        List<UserlandBuilder.Prepared> prepared = plan(arch, tc);
        Layout layout = context.layout();
        Path imageDir = layout.userland(arch);
        FileTrees.deleteTree(imageDir);
        TieredCache baseEntries = base.index(arch) == null ? null : base.binaries(arch).entries();
        List<UserlandBuilder.Installed> installed = new UserlandBuilder(context.runner(), context.log(),
                context.cache(), baseEntries).build(arch, prepared, layout.componentWork(arch), layout.staging(arch),
                imageDir, layout.logs(arch), jobs, context.settings().timestamp());
        Path ca = imageDir.resolve("etc/ssl/certs/" + CA_BUNDLE);
        Files.createDirectories(ca.getParent());
        Files.copy(caOutputs.resolve(CA_BUNDLE), ca, StandardCopyOption.REPLACE_EXISTING);
        return installed;
    }

    /** The CA bundle of an arch's image in {@link Layout#caBundleOutputs}: the base's, else the host's. */
    private Path caBundle(Arch arch) throws IOException, BuildStepException {
        Path outputs = context.layout().caBundleOutputs(arch);
        if (base.has(arch, DistroBinaries.CA_BUNDLE, StepInputs.caBundleDeclared())) {
            base.restore(arch, arch + " CA bundle", DistroBinaries.CA_BUNDLE, StepInputs.caBundleDeclared(), outputs,
                    null);
            return outputs;
        }
        Path host = context.settings().caBundle();
        if (!Files.isRegularFile(host)) {
            throw new IllegalArgumentException("CA bundle " + host + " not found (Debian/Ubuntu package"
                    + " ca-certificates), or set -Dpuipui.caBundle=FILE");
        }
        new CachedStep(null, context.log()).run(arch + " CA bundle", outputs, "step=CA bundle\nsha256="
                + Sha256.of(host) + "\n", null, partial -> Files.copy(host, partial.resolve(CA_BUNDLE)));
        return outputs;
    }
}
