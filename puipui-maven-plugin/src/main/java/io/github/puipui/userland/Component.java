package io.github.puipui.userland;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.puipui.files.ConfinedPaths;
import io.github.puipui.files.Sha256;

/**
 * A userland component, as declared in the pom: which source it is built from, which recipe builds it and with
 * what arguments, and which of the built files go into the image. Placeholders in arguments: {@code {staging}}
 * (headers and libraries of earlier components), {@code {host}} (the target triple), {@code {jobs}}.
 * {@code config} and {@code patches} are files; the patches are applied in order with {@code patch -p1} to the
 * extracted source before the recipe runs.
 */
public class Component {
    private String name;
    private String source;
    private String recipe;
    private String config;
    private List<String> patches = new ArrayList<>();
    private List<String> dependsOn = new ArrayList<>();
    private List<String> configureArgs = new ArrayList<>();
    private Map<String, String> configureEnv = new LinkedHashMap<>();
    private List<String> makeArgs = new ArrayList<>();
    private List<String> installs = new ArrayList<>();
    private List<String> options = new ArrayList<>();
    // the component's own source, declared inline (then its name is the component's)
    private String version;
    private String license;
    private String url;
    private String file;
    private String sha256;
    private String debian;
    private List<io.github.puipui.fetch.Source.Alternative> alternatives = new ArrayList<>();

    public Component() {
    }

    public Component(String name, String recipe) {
        this.name = name;
        this.recipe = recipe;
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

    public List<Install> parsedInstalls() {
        return installs.stream().map(s -> Install.parse(name, s)).toList();
    }

    public String getName() {
        return name;
    }

    /** The declared source this component is built from; by default the source with the component's name. */
    public String getSource() {
        return source == null || source.isBlank() ? name : source;
    }

    /** The recipe's name; {@code autotools} unless declared. */
    public String getRecipe() {
        return recipe == null || recipe.isBlank() ? "autotools" : recipe;
    }

    /** The patch files applied to the source, in order. */
    public List<String> getPatches() {
        return patches;
    }

    public String getConfig() {
        return config;
    }

    public List<String> getDependsOn() {
        return dependsOn;
    }

    public List<String> getConfigureArgs() {
        return configureArgs;
    }

    public Map<String, String> getConfigureEnv() {
        return configureEnv;
    }

    public List<String> getMakeArgs() {
        return makeArgs;
    }

    public List<String> getInstalls() {
        return installs;
    }

    /** Recipe-specific options (for mbedtls: config symbols to define, or with a leading '!' to undefine). */
    public List<String> getOptions() {
        return options;
    }

    public Component withConfigureArgs(String... args) {
        configureArgs.addAll(List.of(args));
        return this;
    }

    public Component withMakeArgs(String... args) {
        makeArgs.addAll(List.of(args));
        return this;
    }

    public Component withInstalls(String... specs) {
        installs.addAll(List.of(specs));
        return this;
    }

    public Component withConfig(String path) {
        this.config = path;
        return this;
    }

    public Component withDependsOn(String... names) {
        dependsOn.addAll(List.of(names));
        return this;
    }

    public Component withPatches(String... paths) {
        patches.addAll(List.of(paths));
        return this;
    }

    /** A copy whose file references ({@code config}, {@code patches}) are resolved against {@code dir}. */
    public Component resolvedAgainst(java.nio.file.Path dir) {
        Component c = copy();
        c.config = config == null ? null : dir.resolve(config).normalize().toString();
        c.patches = patches.stream().map(p -> dir.resolve(p).normalize().toString()).collect(
                java.util.stream.Collectors.toCollection(ArrayList::new));
        return c;
    }

    /**
     * This component changed by {@code change} (a declaration of the same name in a derived distro): each element
     * {@code change} declares replaces this one's, except {@code patches}, which are applied after this one's.
     */
    public Component changedBy(Component change) {
        if (!name.equals(change.name)) {
            throw new IllegalArgumentException("cannot change component " + name + " with " + change.name);
        }
        Component c = copy();
        c.source = change.source != null ? change.source : source;
        c.recipe = change.recipe != null ? change.recipe : recipe;
        c.config = change.config != null ? change.config : config;
        c.dependsOn = change.dependsOn.isEmpty() ? c.dependsOn : new ArrayList<>(change.dependsOn);
        c.configureArgs = change.configureArgs.isEmpty() ? c.configureArgs : new ArrayList<>(change.configureArgs);
        c.configureEnv = change.configureEnv.isEmpty() ? c.configureEnv : new LinkedHashMap<>(change.configureEnv);
        c.makeArgs = change.makeArgs.isEmpty() ? c.makeArgs : new ArrayList<>(change.makeArgs);
        c.installs = change.installs.isEmpty() ? c.installs : new ArrayList<>(change.installs);
        c.options = change.options.isEmpty() ? c.options : new ArrayList<>(change.options);
        c.patches.addAll(change.patches);
        return c;
    }

    /** A deep copy. */
    public Component copy() {
        Component c = new Component(name, recipe);
        c.source = source;
        c.config = config;
        c.patches = new ArrayList<>(patches);
        c.dependsOn = new ArrayList<>(dependsOn);
        c.configureArgs = new ArrayList<>(configureArgs);
        c.configureEnv = new LinkedHashMap<>(configureEnv);
        c.makeArgs = new ArrayList<>(makeArgs);
        c.installs = new ArrayList<>(installs);
        c.options = new ArrayList<>(options);
        c.version = version;
        c.license = license;
        c.url = url;
        c.file = file;
        c.sha256 = sha256;
        c.debian = debian;
        c.alternatives = new ArrayList<>(alternatives);
        return c;
    }

    public void setSource(String source) {
        this.source = source;
    }

    /**
     * The source declared inside the component ({@code <version>}, {@code <url>}, {@code <sha256>}, optionally
     * {@code <file>} (default: the url's last segment), {@code <license>}, {@code <debian>}, {@code <alternatives>}),
     * named after the component; null when the component names a source of {@code <sources>} instead.
     */
    public io.github.puipui.fetch.Source inlineSource() {
        if (version == null && url == null && sha256 == null && file == null) {
            return null;
        }
        if (source != null && !source.equals(name)) {
            throw new IllegalArgumentException("component " + name + " declares its own source and names source '"
                    + source + "': one or the other");
        }
        String f = file != null ? file : url == null ? null : url.substring(url.lastIndexOf('/') + 1);
        io.github.puipui.fetch.Source s = new io.github.puipui.fetch.Source(name, version, f, url, sha256);
        if (license != null) {
            s.withLicense(license);
        }
        if (debian != null) {
            s.withDebian(debian);
        }
        alternatives.forEach(a -> s.withAlternative(a.getFile(), a.getSha256()));
        return s;
    }

    /** A copy without the inline source (its source is then found by name among the distro's sources). */
    public Component withoutInlineSource() {
        Component c = copy();
        c.version = c.license = c.url = c.file = c.sha256 = c.debian = null;
        c.alternatives = new ArrayList<>();
        return c;
    }

    /** The declared source name as written (null when it defaults to the component's name). */
    public String getDeclaredSource() {
        return source;
    }

    /**
     * Everything declared, in a fixed order, files by their content's digest (not their path): a change of any of
     * it means a clean rebuild.
     */
    public String declaration() throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("name=").append(name).append("\nsource=").append(getSource()).append("\nrecipe=").append(getRecipe());
        if (config != null) {
            sb.append("\nconfig=").append(Sha256.of(java.nio.file.Path.of(config)));
        }
        for (String p : patches) {
            sb.append("\npatch=").append(Sha256.of(java.nio.file.Path.of(p)));
        }
        sb.append("\ndependsOn=").append(dependsOn).append("\nconfigureArgs=").append(configureArgs)
                .append("\nconfigureEnv=").append(new java.util.TreeMap<>(configureEnv)).append("\nmakeArgs=").append(makeArgs)
                .append("\ninstalls=").append(installs).append("\noptions=").append(options);
        return sb.toString();
    }

    @Override
    public String toString() {
        return name;
    }
}
