package io.github.puipui.distro;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.puipui.fetch.Source;
import io.github.puipui.files.ConfinedPaths;
import io.github.puipui.userland.Component;

/**
 * What a derived distro changes in its base:
 * <ul>
 * <li>{@code sources}: added, or replacing the base's source of the same name;</li>
 * <li>{@code components}: a new name is added after the base's components; a base component's name changes that
 * component, element by element ({@link #changed}: patches are applied after the base's);</li>
 * <li>{@code removedComponents}: base components left out (none may still depend on them);</li>
 * <li>{@code kconfigFragments}: merged onto the base's kernel config, after the base's own;</li>
 * <li>{@code overlay}: a directory laid over the base's file system (its files add to or replace the base's);</li>
 * <li>{@code removedFiles}: image paths left out (with everything under them);</li>
 * <li>{@code fileModes}: added to the base's;</li>
 * <li>{@code outputTimestamp}: the derived project's, or null to keep the base's (then an unchanged kernel has the
 * base's bytes and comes from the build cache).</li>
 * </ul>
 */
public record Derivation(List<Source> sources, List<Component> components, List<String> removedComponents,
        List<KconfigFragment> kconfigFragments, Path overlay, List<String> removedFiles, List<String> fileModes,
        String outputTimestamp) {

    /** No change at all. */
    public static Derivation none() {
        return new Derivation(List.of(), List.of(), List.of(), List.of(), null, List.of(), List.of(), null);
    }

    public DistroDefinition applyTo(DistroDefinition base) {
        Map<String, Source> sourcesByName = new LinkedHashMap<>();
        base.sources().forEach(s -> sourcesByName.put(s.name(), s));
        sources.forEach(s -> sourcesByName.put(s.name(), s));

        Map<String, Component> byName = base.componentsByName();
        for (String r : removedComponents) {
            if (byName.remove(r) == null) {
                throw new IllegalArgumentException("cannot remove component '" + r + "': the base has "
                        + String.join(", ", byName.keySet()));
            }
        }
        for (Component change : components) {
            if (change.name() == null || change.name().isBlank()) {
                throw new IllegalArgumentException("a <component> has no <name>");
            }
            Component old = byName.get(change.name());
            byName.put(change.name(), old == null ? change : changed(old, change));
        }
        for (Component c : byName.values()) {
            for (String dep : c.dependsOn()) {
                if (!byName.containsKey(dep)) {
                    throw new IllegalArgumentException("component " + c.name() + " depends on " + dep
                            + ", which " + (removedComponents.contains(dep) ? "is removed" : "is not declared"));
                }
            }
        }

        List<KconfigFragment> fragments = new ArrayList<>(base.kconfigFragments());
        fragments.addAll(kconfigFragments);
        List<Path> layers = new ArrayList<>(base.fsLayers());
        if (overlay != null && Files.isDirectory(overlay)) {
            layers.add(overlay);
        }
        List<String> removed = new ArrayList<>(base.removedFiles());
        for (String r : removedFiles) {
            removed.add(ConfinedPaths.imagePath("removeFiles entry", r));
        }
        List<String> modes = new ArrayList<>(base.fileModes());
        modes.addAll(fileModes);
        return new DistroDefinition(new ArrayList<>(sourcesByName.values()), new ArrayList<>(byName.values()),
                base.kconfigFiles(), fragments, layers, removed, modes,
                outputTimestamp != null ? outputTimestamp : base.outputTimestamp()).validated();
    }

    /**
     * The base component {@code base} changed by {@code change} (a declaration of the same name in a derived distro):
     * each element {@code change} declares replaces the base's, except {@code patches}, which are applied after the
     * base's.
     */
    static Component changed(Component base, Component change) {
        return new Component(base.name(),
                change.declaredSource() != null ? change.declaredSource() : base.declaredSource(),
                change.declaredRecipe() != null ? change.declaredRecipe() : base.declaredRecipe(),
                change.config() != null ? change.config() : base.config(),
                java.util.stream.Stream.concat(base.patches().stream(), change.patches().stream()).toList(),
                change.dependsOn().isEmpty() ? base.dependsOn() : change.dependsOn(),
                change.configureArgs().isEmpty() ? base.configureArgs() : change.configureArgs(),
                change.configureEnv().isEmpty() ? base.configureEnv() : change.configureEnv(),
                change.makeArgs().isEmpty() ? base.makeArgs() : change.makeArgs(),
                change.installs().isEmpty() ? base.installs() : change.installs(),
                change.options().isEmpty() ? base.options() : change.options(),
                change.staging() != null ? change.staging() : base.staging(),
                change.configureScript() != null ? change.configureScript() : base.configureScript(),
                change.sourceDirectory() != null ? change.sourceDirectory() : base.sourceDirectory(),
                change.links().isEmpty() ? base.links() : change.links(),
                change.linkLists().isEmpty() ? base.linkLists() : change.linkLists());
    }
}
