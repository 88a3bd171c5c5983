package io.github.puipui.distro;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.github.puipui.Arch;
import io.github.puipui.fetch.Source;
import io.github.puipui.files.ConfinedPaths;
import io.github.puipui.userland.Component;
import io.github.puipui.userland.UserlandBuilder;

/**
 * Everything that defines a distro, with no Maven type in it: the pinned sources, the userland components (in build
 * order, their config and patch files resolved), one kconfig file per arch plus fragments merged onto it, the root
 * file system as layers (the template, then overlays) minus removed paths, file modes, and the output timestamp
 * (null: the building project's). A published distro carries its definition as an archive
 * ({@link DefinitionArchive}); a derived one is the base's changed by a {@link Derivation}.
 */
public record DistroDefinition(List<Source> sources, List<Component> components, Map<String, Path> kconfigFiles,
        List<KconfigFragment> kconfigFragments, List<Path> fsLayers, List<String> removedFiles, List<String> fileModes,
        String outputTimestamp) {

    public DistroDefinition {
        sources = List.copyOf(sources);
        components = List.copyOf(components);
        kconfigFiles = Map.copyOf(kconfigFiles);
        kconfigFragments = List.copyOf(kconfigFragments);
        fsLayers = List.copyOf(fsLayers);
        removedFiles = List.copyOf(removedFiles);
        fileModes = List.copyOf(fileModes);
    }

    /**
     * A distro declared from scratch: its sources and components, the {@code <arch>.config} files of
     * {@code kconfigDirectory} and the fs template.
     */
    public static DistroDefinition of(List<Source> sources, List<Component> components, Path kconfigDirectory,
            Path fsTemplate, List<String> fileModes) throws IOException {
        Map<String, Path> kconfig = new TreeMap<>();
        if (kconfigDirectory != null && Files.isDirectory(kconfigDirectory)) {
            try (var files = Files.list(kconfigDirectory)) {
                for (Path f : files.sorted().toList()) {
                    String n = f.getFileName().toString();
                    if (n.endsWith(".config") && Files.isRegularFile(f)) {
                        kconfig.put(n.substring(0, n.length() - ".config".length()), f);
                    }
                }
            }
        }
        if (kconfigDirectory != null) {
            for (Arch arch : Arch.values()) { // where a missing one is expected, for the message that asks for it
                kconfig.putIfAbsent(arch.id(), kconfigDirectory.resolve(arch.id() + ".config").normalize());
            }
        }
        return new DistroDefinition(sources, components, kconfig, List.of(),
                fsTemplate == null ? List.of() : List.of(fsTemplate), List.of(), fileModes, null);
    }

    /** Checks sources (complete, unique), components (order, recipes, files, sources declared) and file modes. */
    public DistroDefinition validated() {
        Set<String> names = new LinkedHashSet<>();
        List<Source> checked = new ArrayList<>();
        for (Source s : sources) {
            ConfinedPaths.identifier("source name", s.name());
            checked.add(s.validated());
            if (!names.add(s.name())) {
                throw new IllegalArgumentException("source '" + s.name() + "' is declared twice");
            }
        }
        for (Component c : components) {
            ConfinedPaths.identifier("component name", c.name());
        }
        UserlandBuilder.checkOrder(components);
        for (Component c : components) {
            if (c.sourceDirectory() == null && !names.contains(c.source())) {
                throw new IllegalArgumentException("component " + c.name() + " is built from source '"
                        + c.source() + "', which is not declared in <sources>");
            }
        }
        fileModeMap();
        return new DistroDefinition(checked, components, kconfigFiles, kconfigFragments, fsLayers, removedFiles,
                fileModes, outputTimestamp);
    }

    /** The declared source of this name. */
    public Source source(String name) {
        for (Source s : sources) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no source named '" + name + "' is declared in <sources>");
    }

    /** The fragments that apply to an arch, in order. */
    public List<Path> fragmentsFor(String archId) {
        List<Path> out = new ArrayList<>();
        for (KconfigFragment f : kconfigFragments) {
            if (f.file() == null) {
                throw new IllegalArgumentException("a <kconfigFragment> has no <file>");
            }
            if (f.appliesTo(archId)) {
                out.add(f.file());
            }
        }
        return out;
    }

    /** The kernel config of an arch: its kconfig file with the fragments merged onto it. */
    public String kconfigText(String archId) throws IOException {
        return KconfigMerge.merge(Files.readString(kconfigFile(archId), StandardCharsets.UTF_8), fragmentsFor(archId));
    }

    /** The arches this distro has a kernel config for. */
    public List<String> kconfigArches() {
        return kconfigFiles.entrySet().stream().filter(e -> Files.isRegularFile(e.getValue())).map(Map.Entry::getKey)
                .sorted().toList();
    }

    /** The kconfig file of an arch (fragments not merged), or an error with the steps to create a missing one. */
    public Path kconfigFile(String archId) {
        Path f = kconfigFiles.get(archId);
        if (f == null || !Files.isRegularFile(f)) {
            throw new IllegalArgumentException("no kernel config for " + archId + ": " + (f == null
                    ? "the distro declares none" : f + " does not exist") + ". Start from the distro's own kconfig/"
                    + archId + ".config (or make tinyconfig's .config), put it there, then run mvn"
                    + " puipui:update-kconfig -Parch-" + archId + " to resolve it for this kernel");
        }
        return f;
    }

    /** {@code fileModes} as image path → mode; throws on an entry that is not {@code /path:octal}. */
    public Map<String, Integer> fileModeMap() {
        Map<String, Integer> modes = new TreeMap<>();
        for (String m : fileModes) {
            String[] p = m.split(":");
            if (p.length != 2 || !p[0].startsWith("/") || !p[1].matches("0?[0-7]{3,4}")) {
                throw new IllegalArgumentException("fileModes entry '" + m + "' is not '/path:octal-mode'");
            }
            modes.put(ConfinedPaths.imagePath("fileModes entry '" + m + "': the path", p[0]), Integer.parseInt(p[1], 8));
        }
        return modes;
    }

    /** The components by name, in build order. */
    public Map<String, Component> componentsByName() {
        Map<String, Component> out = new LinkedHashMap<>();
        components.forEach(c -> out.put(c.name(), c));
        return out;
    }
}
