package io.github.puipui.distpackage;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code MANIFEST} at the root of each tarball: what was built from what, one {@code key: value} line each,
 * in a fixed order. Sources carry their version, file, sha256 and license.
 */
public final class Manifest {
    private final List<String> lines = new ArrayList<>();

    public Manifest put(String key, String value) {
        if (key.contains(":") || key.contains("\n") || value.contains("\n")) {
            throw new IllegalArgumentException("manifest line " + key + ": " + value);
        }
        lines.add(key + ": " + value);
        return this;
    }

    public String text() {
        return String.join("\n", lines) + "\n";
    }
}
