package io.github.puipui.distro;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.puipui.BuildLog;
import io.github.puipui.fetch.Extractor;
import io.github.puipui.fetch.Source;
import io.github.puipui.files.ConfinedPaths;
import io.github.puipui.files.Sha256;
import io.github.puipui.userland.Component;

/**
 * What a distro project declares, as its build tool read it (the plugin's goals map their parameters into it): a
 * distro in full, or a {@code base} ({@code groupId:artifactId:version}) and what to change in it. Paths are as
 * declared; {@link #definition} resolves them against {@code basedir}, checks that they stay inside {@code tree} (the
 * project's tree: its directory, or the root of the multi-module build it belongs to), resolves the base and checks
 * the result once.
 * <ul>
 * <li>{@code sources}: the declared sources and the components' own (a component may declare its source inline);</li>
 * <li>{@code outputTimestamp}: the project's; {@code outputTimestampDeclared}: whether the project chose it (a
 * derived distro that did not keeps its base's, so that its unchanged steps are the base's).</li>
 * </ul>
 */
public record DistroDeclaration(Path basedir, Path tree, String base, List<Source> sources, List<Component> components,
        List<String> removedComponents, List<KconfigFragment> kconfigFragments, Path kconfigDirectory,
        Path fsDirectory, Path overlayDirectory, List<String> removedFiles, List<String> fileModes,
        String outputTimestamp, boolean outputTimestampDeclared) {

    public DistroDeclaration {
        base = base == null || base.isBlank() ? null : base.trim();
        sources = List.copyOf(sources);
        components = List.copyOf(components);
        removedComponents = List.copyOf(removedComponents);
        kconfigFragments = List.copyOf(kconfigFragments);
        removedFiles = List.copyOf(removedFiles);
        fileModes = List.copyOf(fileModes);
    }

    /** Finds the published definition archive of a base distro (from a Maven repository, for the plugin). */
    public interface BaseResolver {
        Path definitionArchive(String groupId, String artifactId, String version) throws IOException;
    }

    private static final String PIN = "@sha256:";

    public boolean isDerived() {
        return base != null;
    }

    /**
     * The base's coordinates, checked: {@code groupId:artifactId:version}, optionally pinned as
     * {@code groupId:artifactId:version@sha256:<digest of its definition archive>}.
     */
    private String[] baseCoordinates() {
        String gavText = base.contains(PIN) ? base.substring(0, base.indexOf(PIN)) : base;
        String[] gav = gavText.split(":");
        if (gav.length != 3 || java.util.Arrays.stream(gav).anyMatch(String::isBlank)
                || (base.contains(PIN) && !Sha256.isDigest(basePin()))) {
            throw new IllegalArgumentException("<base> is '" + base + "'; it is groupId:artifactId:version, e.g."
                    + " io.github.puipui:puipui-distro:0.1.0, or pinned to its definition's digest with"
                    + " @sha256:<64 hex digits> after the version");
        }
        return gav;
    }

    /** The digest the base is pinned to, or null. */
    private String basePin() {
        return base.contains(PIN) ? base.substring(base.indexOf(PIN) + PIN.length()) : null;
    }

    /**
     * The base's definition archive extracted into {@code workDir} (once per archive), checked against the pin; returns
     * its top directory. A pinned definition pins everything resolved from it: it names its binaries' digests.
     */
    private Path baseDefinitionTree(BaseResolver resolver, Path workDir, BuildLog log) throws IOException {
        String[] gav = baseCoordinates();
        Path file = resolver.definitionArchive(gav[0], gav[1], gav[2]);
        String sha = Sha256.of(file);
        String pin = basePin();
        if (pin != null && !pin.equals(sha)) {
            throw new IOException("the base distro " + String.join(":", gav) + " resolved to " + file + ", whose sha256"
                    + " is " + sha + ", not the " + pin + " that <base> pins: not the base this distro was written for");
        }
        if (!Extractor.isComplete(workDir, sha)) {
            log.info("base distro " + base + ": " + file);
        }
        return new Extractor(Extractor.Kind.DEFINITION).extractTree(file, sha, workDir);
    }

    /** The base's definition, resolved and extracted into {@code workDir} (once per archive). */
    public DistroDefinition baseDefinition(BaseResolver resolver, Path workDir, BuildLog log) throws IOException {
        return DefinitionArchive.read(baseDefinitionTree(resolver, workDir, log));
    }

    /** The index of each arch's binaries the base published, by arch (empty without a base, or for an older base). */
    public java.util.Map<String, DistroBinaries.Index> baseBinaries(BaseResolver resolver, Path workDir, BuildLog log)
            throws IOException {
        return isDerived() ? DefinitionArchive.readBinaries(baseDefinitionTree(resolver, workDir, log))
                : java.util.Map.of();
    }

    /** The base's {@code groupId:artifactId:version}, without a pin. */
    public String baseCoordinatesText() {
        return String.join(":", baseCoordinates());
    }

    /**
     * The distro this declaration defines, checked: the declared one, or the base's definition (resolved with
     * {@code resolver} and extracted into {@code baseWorkDir}) changed by this declaration.
     */
    public DistroDefinition definition(BaseResolver resolver, Path baseWorkDir, BuildLog log) throws IOException {
        List<Component> declared = components.stream().map(c -> c.resolvedAgainst(basedir)).toList();
        checkInsideTree(declared);
        if (!isDerived()) {
            if (sources.isEmpty()) {
                throw new IllegalArgumentException("no <sources> declared in the puipui-maven-plugin configuration"
                        + " (or a <base> distro to derive from)");
            }
            DistroDefinition start = DistroDefinition.of(sources, declared, kconfigDirectory, fsDirectory, fileModes);
            start = new DistroDefinition(start.sources(), start.components(), start.kconfigFiles(),
                    start.kconfigFragments(), start.fsLayers(), start.removedFiles(), start.fileModes(),
                    outputTimestamp);
            return new Derivation(List.of(), List.of(), removedComponents, kconfigFragments, overlayDirectory,
                    removedFiles, List.of(), null).applyTo(start);
        }
        return new Derivation(sources, declared, removedComponents, kconfigFragments, overlayDirectory, removedFiles,
                fileModes, outputTimestampDeclared ? outputTimestamp : null)
                .applyTo(baseDefinition(resolver, baseWorkDir, log));
    }

    /** Refuses a file or directory the declaration names outside the project's tree, naming the element. */
    private void checkInsideTree(List<Component> declared) throws IOException {
        for (Component c : declared) {
            if (c.config() != null) {
                ConfinedPaths.insideTree(tree, "component " + c.name() + ": <config>", Path.of(c.config()));
            }
            for (String patch : c.patches()) {
                ConfinedPaths.insideTree(tree, "component " + c.name() + ": <patch>", Path.of(patch));
            }
            if (c.sourceDirectory() != null) {
                ConfinedPaths.insideTree(tree, "component " + c.name() + ": <sourceDirectory>",
                        Path.of(c.sourceDirectory()));
            }
        }
        for (KconfigFragment f : kconfigFragments) {
            if (f.file() != null) {
                ConfinedPaths.insideTree(tree, "<kconfigFragment>", basedir.resolve(f.file()));
            }
        }
        checkDirectoryInsideTree("<kconfigDirectory>", kconfigDirectory);
        checkDirectoryInsideTree("<fsDirectory>", fsDirectory);
        checkDirectoryInsideTree("<overlayDirectory>", overlayDirectory);
    }

    private void checkDirectoryInsideTree(String element, Path dir) throws IOException {
        if (dir != null) {
            ConfinedPaths.insideTree(tree, element, basedir.resolve(dir));
        }
    }

    /** The Debian seeding list of this distro (of a derived one: what it adds to or changes in its base). */
    public String debianSources(DistroDefinition definition, BaseResolver resolver, Path baseWorkDir, BuildLog log)
            throws IOException {
        return isDerived() ? DebianSources.text(definition, base, baseDefinition(resolver, baseWorkDir, log).sources())
                : DebianSources.text(definition);
    }

    /** The declared sources and the components' own, which must not share a name. */
    public static List<Source> merged(List<Source> declared, List<Source> componentSources) {
        List<Source> all = new ArrayList<>(declared);
        for (Source inline : componentSources) {
            if (all.stream().anyMatch(s -> s.name().equals(inline.name()))) {
                throw new IllegalArgumentException("component " + inline.name() + " declares its own source, and"
                        + " <sources> has one of the same name");
            }
            all.add(inline);
        }
        return all;
    }
}
