package io.github.puipui.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.puipui.Arch;
import io.github.puipui.fetch.Fetcher;
import io.github.puipui.fetch.Source;
import io.github.puipui.files.Sha256;
import io.github.puipui.files.TreeManifest;
import io.github.puipui.toolchain.ToolchainChoice;
import io.github.puipui.userland.Component;
import io.github.puipui.userland.UserlandBuilder;

/**
 * How each component of an arch is to be had, known before anything is fetched: taken from the base's binaries with
 * its declared inputs, or with its likely inputs (one per likely toolchain identity and source digest; a dependency
 * counts by the key it was obtained with, a base's one by its declared key) and how its source is had when none of
 * them is found.
 */
final class ComponentPlan {
    private final BuildContext context;
    private final Sources sources;

    ComponentPlan(BuildContext context, Sources sources) {
        this.context = context;
        this.sources = sources;
    }

    /** The declared digest of a component's source: its directory's, or its source's declared sha256. */
    String declaredDigest(Component c) throws IOException {
        return c.sourceDirectory() != null ? StepInputs.directoryDeclared(Path.of(c.sourceDirectory()))
                : sources.source(c.source()).sha256();
    }

    /** The version a component is logged and published with: its source's, or its directory's declared digest. */
    private String version(Component c) throws IOException {
        return c.sourceDirectory() != null ? "dir-" + declaredDigest(c).substring(0, 12)
                : sources.source(c.source()).version();
    }

    /**
     * The components of {@code arch} in build order: those named in {@code fromBase} with their declared inputs
     * ({@code declared}), the others made here with toolchain {@code tc}.
     */
    List<UserlandBuilder.Prepared> prepare(Arch arch, ToolchainChoice.Plan tc, Set<String> fromBase,
            Map<String, String> declared) throws IOException {
        List<UserlandBuilder.Prepared> prepared = new ArrayList<>();
        for (Component c : context.definition().components()) {
            String version = version(c);
            if (fromBase.contains(c.name())) {
                String in = declared.get(c.name());
                prepared.add(new UserlandBuilder.Prepared(c, version, true, keys -> List.of(in), null));
                continue;
            }
            List<String> digests;
            UserlandBuilder.Sourcing sourcing;
            if (c.sourceDirectory() != null) { // a directory of the project: its whole content is the source
                Path from = Path.of(c.sourceDirectory());
                String digest = Sha256.of(String.join("\n", TreeManifest.of(from)));
                digests = List.of(digest);
                sourcing = keys -> {
                    ToolchainChoice.Resolved t = tc.get();
                    return new UserlandBuilder.Sourced(from, digest, inputs(arch, c, digest, t.identity(), keys),
                            t::toolchain);
                };
            } else {
                Source s = sources.source(c.source());
                digests = sources.likelyDigests(s.name());
                sourcing = keys -> {
                    Fetcher.Fetched f = sources.fetchOrFail(s.name());
                    ToolchainChoice.Resolved t = tc.get();
                    return new UserlandBuilder.Sourced(f.file(), f.sha256(), inputs(arch, c, f.sha256(),
                            t.identity(), keys), t::toolchain);
                };
            }
            UserlandBuilder.Likely likely = keys -> {
                List<String> out = new ArrayList<>();
                for (String identity : tc.likelyIdentities()) {
                    for (String d : digests) {
                        out.add(inputs(arch, c, d, identity, keys));
                    }
                }
                return out;
            };
            prepared.add(new UserlandBuilder.Prepared(c, version, false, likely, sourcing));
        }
        return prepared;
    }

    private String inputs(Arch arch, Component c, String sourceSha256, String toolchainIdentity,
            Map<String, String> keys) throws IOException {
        return StepInputs.component(arch.id(), c, sourceSha256, toolchainIdentity, context.settings().timestamp(), keys);
    }
}
