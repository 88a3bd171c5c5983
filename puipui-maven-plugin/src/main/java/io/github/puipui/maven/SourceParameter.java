package io.github.puipui.maven;

import java.util.ArrayList;
import java.util.List;

import io.github.puipui.fetch.Source;

/** A {@code <source>} of the POM, as Maven fills it in; {@link #toSource} gives the build's own record. */
public class SourceParameter {
    private String name;
    private String version;
    private String license;
    private String file;
    private String url;
    private String sha256;
    private String debian;
    private List<Alternative> alternatives = new ArrayList<>();

    /** An {@code <alternative>}: another file accepted for the same version, with its own digest. */
    public static class Alternative {
        private String file;
        private String sha256;
    }

    static List<Source.Alternative> alternatives(List<Alternative> declared) {
        return declared == null ? List.of()
                : declared.stream().map(a -> new Source.Alternative(a.file, a.sha256)).toList();
    }

    Source toSource() {
        return new Source(name, version, file, url, sha256, license, debian, alternatives(alternatives));
    }
}
