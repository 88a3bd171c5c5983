package io.github.puipui.userland;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A component for tests, changed one element at a time: {@code TestComponent.from(new Component("x", "cmake"))
 * .withStaging(true).build()}. A project declares its components in its POM; only tests make them in Java.
 */
public final class TestComponent {
    private final Component c;

    private TestComponent(Component c) {
        this.c = c;
    }

    public static TestComponent from(Component c) {
        return new TestComponent(c);
    }

    public Component build() {
        return c;
    }

    private static List<String> plus(List<String> list, String... more) {
        List<String> out = new ArrayList<>(list);
        out.addAll(List.of(more));
        return out;
    }

    public TestComponent withSource(String source) {
        return from(new Component(c.name(), source, c.declaredRecipe(), c.config(), c.patches(), c.dependsOn(),
                c.configureArgs(), c.configureEnv(), c.makeArgs(), c.installs(), c.options(), c.staging(),
                c.configureScript(), c.sourceDirectory(), c.links(), c.linkLists()));
    }

    public TestComponent withStaging(boolean library) {
        return from(copy(c.config(), c.patches(), c.dependsOn(), c.configureArgs(), c.configureEnv(), c.makeArgs(),
                c.installs(), library, c.configureScript(), c.sourceDirectory(), c.links(), c.linkLists()));
    }

    public TestComponent withSourceDirectory(String dir) {
        return from(copy(c.config(), c.patches(), c.dependsOn(), c.configureArgs(), c.configureEnv(), c.makeArgs(),
                c.installs(), c.staging(), c.configureScript(), dir, c.links(), c.linkLists()));
    }

    public TestComponent withLinks(String... specs) {
        return from(copy(c.config(), c.patches(), c.dependsOn(), c.configureArgs(), c.configureEnv(), c.makeArgs(),
                c.installs(), c.staging(), c.configureScript(), c.sourceDirectory(), plus(c.links(), specs),
                c.linkLists()));
    }

    public TestComponent withLinkLists(String... specs) {
        return from(copy(c.config(), c.patches(), c.dependsOn(), c.configureArgs(), c.configureEnv(), c.makeArgs(),
                c.installs(), c.staging(), c.configureScript(), c.sourceDirectory(), c.links(),
                plus(c.linkLists(), specs)));
    }

    public TestComponent withConfigureScript(String script) {
        return from(copy(c.config(), c.patches(), c.dependsOn(), c.configureArgs(), c.configureEnv(), c.makeArgs(),
                c.installs(), c.staging(), script, c.sourceDirectory(), c.links(), c.linkLists()));
    }

    public TestComponent withConfig(String path) {
        return from(copy(path, c.patches(), c.dependsOn(), c.configureArgs(), c.configureEnv(), c.makeArgs(),
                c.installs(), c.staging(), c.configureScript(), c.sourceDirectory(), c.links(), c.linkLists()));
    }

    public TestComponent withPatches(String... paths) {
        return from(copy(c.config(), plus(c.patches(), paths), c.dependsOn(), c.configureArgs(), c.configureEnv(),
                c.makeArgs(), c.installs(), c.staging(), c.configureScript(), c.sourceDirectory(), c.links(),
                c.linkLists()));
    }

    public TestComponent withDependsOn(String... names) {
        return from(copy(c.config(), c.patches(), plus(c.dependsOn(), names), c.configureArgs(), c.configureEnv(),
                c.makeArgs(), c.installs(), c.staging(), c.configureScript(), c.sourceDirectory(), c.links(),
                c.linkLists()));
    }

    public TestComponent withConfigureArgs(String... args) {
        return from(copy(c.config(), c.patches(), c.dependsOn(), plus(c.configureArgs(), args), c.configureEnv(),
                c.makeArgs(), c.installs(), c.staging(), c.configureScript(), c.sourceDirectory(), c.links(),
                c.linkLists()));
    }

    public TestComponent withConfigureEnv(String variable, String value) {
        Map<String, String> env = new LinkedHashMap<>(c.configureEnv());
        env.put(variable, value);
        return from(copy(c.config(), c.patches(), c.dependsOn(), c.configureArgs(), env, c.makeArgs(), c.installs(),
                c.staging(), c.configureScript(), c.sourceDirectory(), c.links(), c.linkLists()));
    }

    public TestComponent withMakeArgs(String... args) {
        return from(copy(c.config(), c.patches(), c.dependsOn(), c.configureArgs(), c.configureEnv(),
                plus(c.makeArgs(), args), c.installs(), c.staging(), c.configureScript(), c.sourceDirectory(),
                c.links(), c.linkLists()));
    }

    public TestComponent withInstalls(String... specs) {
        return from(copy(c.config(), c.patches(), c.dependsOn(), c.configureArgs(), c.configureEnv(), c.makeArgs(),
                plus(c.installs(), specs), c.staging(), c.configureScript(), c.sourceDirectory(), c.links(),
                c.linkLists()));
    }

    public TestComponent withOptions(String... options) {
        return from(new Component(c.name(), c.declaredSource(), c.declaredRecipe(), c.config(), c.patches(),
                c.dependsOn(), c.configureArgs(), c.configureEnv(), c.makeArgs(), c.installs(),
                plus(c.options(), options), c.staging(), c.configureScript(), c.sourceDirectory(), c.links(),
                c.linkLists()));
    }

    /** {@code c} with every element but its name, source, recipe and options given. */
    private Component copy(String config, List<String> patches, List<String> dependsOn, List<String> configureArgs,
            Map<String, String> configureEnv, List<String> makeArgs, List<String> installs, Boolean staging,
            String configureScript, String sourceDirectory, List<String> links, List<String> linkLists) {
        return new Component(c.name(), c.declaredSource(), c.declaredRecipe(), config, patches, dependsOn,
                configureArgs, configureEnv, makeArgs, installs, c.options(), staging, configureScript,
                sourceDirectory, links, linkLists);
    }
}
