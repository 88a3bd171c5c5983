package io.github.puipui.maven;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.puipui.fetch.Source;
import io.github.puipui.userland.Component;

/**
 * A {@code <component>} of the POM, as Maven fills it in: the component ({@link #toComponent}) and, when it declares
 * {@code <version>}, {@code <url>}, {@code <sha256>} (and optionally {@code <file>}, by default the url's last
 * segment, {@code <license>}, {@code <debian>}, {@code <alternatives>}), its own source, named after it
 * ({@link #inlineSource}).
 */
public class ComponentParameter {
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
    private Boolean staging;
    private String configureScript;
    private String sourceDirectory;
    private List<String> links = new ArrayList<>();
    private List<String> linkLists = new ArrayList<>();
    private String version;
    private String license;
    private String url;
    private String file;
    private String sha256;
    private String debian;
    private List<SourceParameter.Alternative> alternatives = new ArrayList<>();

    Component toComponent() {
        return new Component(name, source, recipe, config, patches, dependsOn, configureArgs, configureEnv, makeArgs,
                installs, options, staging, configureScript, sourceDirectory, links, linkLists);
    }

    /** The source declared inside the component, named after it; null when it names one of {@code <sources>}. */
    Source inlineSource() {
        if (version == null && url == null && sha256 == null && file == null) {
            return null;
        }
        if (source != null && !source.isBlank() && !source.equals(name)) {
            throw new IllegalArgumentException("component " + name + " declares its own source and names source '"
                    + source + "': one or the other");
        }
        String f = file != null ? file : url == null ? null : url.substring(url.lastIndexOf('/') + 1);
        return new Source(name, version, f, url, sha256, license, debian, SourceParameter.alternatives(alternatives));
    }
}
