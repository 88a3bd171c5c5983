package io.github.puipui.userland;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.puipui.files.ConfinedPaths;

/**
 * A userland component: which source it is built from, which recipe builds it and with what arguments, and which
 * of the built files go into the image. Placeholders in arguments: {@code {staging}} (headers and libraries of
 * earlier components), {@code {host}} (the target triple), {@code {jobs}}. {@code config} and {@code patches} are
 * files; the patches are applied in order with {@code patch -p1} to the extracted source before the recipe runs.
 * <p>
 * {@code staging}: the component is a library that later components use; its recipe installs it into the staging
 * prefix ({@link #stagesLibrary}). {@code configureScript}: for the {@code make} recipe, the project's own configure
 * script (relative to the source tree), run with {@code configureArgs}. {@code sourceDirectory}: the component is built
 * from a directory of the project instead of a source archive. {@code links}: symbolic links made in the image
 * ({@code /path/in/image:target}); {@code linkLists}: files of the build tree listing image paths, one per line, each
 * made a link to a target ({@code path/in/build:/target}), such as busybox's {@code busybox.links}.
 * <p>
 * {@code declaredSource} and {@code declaredRecipe} are what was declared, null when left out ({@link #source} and
 * {@link #recipe} give what applies); empty lists are elements left out. Immutable.
 */
public record Component(String name, String declaredSource, String declaredRecipe, String config, List<String> patches,
        List<String> dependsOn, List<String> configureArgs, Map<String, String> configureEnv, List<String> makeArgs,
        List<String> installs, List<String> options, Boolean staging, String configureScript, String sourceDirectory,
        List<String> links, List<String> linkLists) {

    public Component {
        declaredSource = declaredSource == null || declaredSource.isBlank() ? null : declaredSource;
        declaredRecipe = declaredRecipe == null || declaredRecipe.isBlank() ? null : declaredRecipe;
        patches = copy(patches);
        dependsOn = copy(dependsOn);
        configureArgs = copy(configureArgs);
        configureEnv = Collections.unmodifiableMap(new LinkedHashMap<>(configureEnv == null ? Map.of() : configureEnv));
        makeArgs = copy(makeArgs);
        installs = copy(installs);
        options = copy(options);
        configureScript = configureScript == null || configureScript.isBlank() ? null : configureScript.trim();
        sourceDirectory = sourceDirectory == null || sourceDirectory.isBlank() ? null : sourceDirectory.trim();
        links = copy(links);
        linkLists = copy(linkLists);
    }

    /** A component with only a name and a recipe (null: {@code autotools}). */
    public Component(String name, String recipe) {
        this(name, null, recipe, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    private static List<String> copy(List<String> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    /** The declared source this component is built from; by default the source with the component's name. */
    public String source() {
        return declaredSource == null ? name : declaredSource;
    }

    /**
     * True when the component is a library for later components: its recipe installs it into the staging prefix
     * ({@code {staging}}), where their pkg-config and {@code -config} scripts find it.
     */
    public boolean stagesLibrary() {
        return Boolean.TRUE.equals(staging);
    }

    /** The recipe's name; {@code autotools} unless declared. */
    public String recipe() {
        return declaredRecipe == null ? "autotools" : declaredRecipe;
    }

    /** One installed file: {@code path/in/build:/path/in/image[:mode]}, mode in octal (default 0755). */
    public record Install(String from, String to, int mode) {
        public static Install parse(String component, String spec) {
            String[] p = spec.trim().split(":");
            if (p.length < 2 || p.length > 3 || p[0].isBlank() || (p.length == 3 && !p[2].matches("0?[0-7]{3,4}"))) {
                throw new IllegalArgumentException("component " + component + ": install '" + spec
                        + "' is not 'path/in/build:/path/in/image[:mode]'");
            }
            String what = "component " + component + ": install '" + spec + "': ";
            return new Install(ConfinedPaths.relative(what + "the build path", p[0]),
                    ConfinedPaths.imagePath(what + "the image path", p[1]),
                    p.length == 3 ? Integer.parseInt(p[2], 8) : 0755);
        }
    }

    /** A symbolic link in the image: {@code path} (absolute) pointing to {@code target}, as the guest resolves it. */
    public record Link(String path, String target) {
        /** {@code /path/in/image:target}: an image path, and a target that is an image path or relative to it. */
        public static Link parse(String component, String spec) {
            int colon = spec.indexOf(':');
            String what = "component " + component + ": link '" + spec + "': ";
            if (colon < 1 || colon == spec.length() - 1) {
                throw new IllegalArgumentException(what + "is not '/path/in/image:target'");
            }
            String path = ConfinedPaths.imagePath(what + "the link", spec.substring(0, colon).trim());
            String target = spec.substring(colon + 1).trim();
            String resolved = target.startsWith("/") ? target
                    : path.substring(0, path.lastIndexOf('/') + 1) + target;
            ConfinedPaths.imagePath(what + "the target", resolved);
            return new Link(path, target);
        }

        /** The target relative to the link's directory (what the image stores, so no tree it is put in is left). */
        public String relativeTarget() {
            if (!target.startsWith("/")) {
                return target;
            }
            java.nio.file.Path dir = java.nio.file.Path.of(path).getParent();
            String rel = dir.relativize(java.nio.file.Path.of(ConfinedPaths.imagePath("target", target))).toString();
            return rel.isEmpty() ? "." : rel;
        }
    }

    public List<Link> parsedLinks() {
        return links.stream().map(s -> Link.parse(name, s)).toList();
    }

    /** A list of links: a file of the build tree naming image paths, each made a link to {@code target}. */
    public record LinkList(String from, String target) {
        public static LinkList parse(String component, String spec) {
            String[] p = spec.trim().split(":");
            String what = "component " + component + ": linkList '" + spec + "': ";
            if (p.length != 2) {
                throw new IllegalArgumentException(what + "is not 'path/in/build:/target/in/image'");
            }
            return new LinkList(ConfinedPaths.relative(what + "the list", p[0]),
                    ConfinedPaths.imagePath(what + "the target", p[1]));
        }
    }

    public List<LinkList> parsedLinkLists() {
        return linkLists.stream().map(s -> LinkList.parse(name, s)).toList();
    }

    public List<Install> parsedInstalls() {
        return installs.stream().map(s -> Install.parse(name, s)).toList();
    }

    private Component withConfig(String path) {
        return new Component(name, declaredSource, declaredRecipe, path, patches, dependsOn, configureArgs,
                configureEnv, makeArgs, installs, options, staging, configureScript, sourceDirectory, links, linkLists);
    }

    private Component withSourceDirectory(String dir) {
        return new Component(name, declaredSource, declaredRecipe, config, patches, dependsOn, configureArgs,
                configureEnv, makeArgs, installs, options, staging, configureScript, dir, links, linkLists);
    }

    private Component withPatchList(List<String> list) {
        return new Component(name, declaredSource, declaredRecipe, config, list, dependsOn, configureArgs,
                configureEnv, makeArgs, installs, options, staging, configureScript, sourceDirectory, links, linkLists);
    }

    /**
     * A copy whose file references ({@code config}, {@code patches}, {@code sourceDirectory}) are resolved against
     * {@code dir}.
     */
    public Component resolvedAgainst(Path dir) {
        return withConfig(config == null ? null : dir.resolve(config).normalize().toString())
                .withSourceDirectory(sourceDirectory == null ? null
                        : dir.resolve(sourceDirectory).normalize().toString())
                .withPatchList(patches.stream().map(p -> dir.resolve(p).normalize().toString()).toList());
    }

    @Override
    public String toString() {
        return name;
    }
}
