package io.github.puipui.distro;

import java.util.List;

import io.github.puipui.fetch.Source;

/**
 * The Debian seeding list of a distro, derived from its sources' {@code <debian>} declarations: one line per source
 * that Debian packages, {@code package=version}, the orig tarball's name, and the name the build looks for. A seeding
 * script reads it to fill a mirror from Debian's source packages on machines that cannot reach the upstream hosts;
 * every file is still verified against the pinned digests.
 */
public final class DebianSources {
    private DebianSources() {
    }

    public static String text(DistroDefinition d) {
        return text(d, null, List.of());
    }

    /**
     * The list of a derived distro: only the sources it adds to or changes in its base {@code base} (whose own list
     * covers the rest), given the base's sources.
     */
    public static String text(DistroDefinition d, String base, List<Source> baseSources) {
        StringBuilder out = new StringBuilder();
        out.append("# Debian source packages whose orig tarballs are the pinned upstream sources (same bytes).\n")
                .append("# Generated from the sources' <debian> declarations by mvn puipui:debian-sources; do not edit.\n")
                .append(String.format("%-34s %-36s %s%n", "# package=version", "orig tarball", "name the build looks for"));
        if (base != null) {
            out.append("# Only what this distro adds to or changes in its base ").append(base)
                    .append(", whose own list has the rest.\n");
        }
        for (Source s : d.sources()) {
            if (baseSources.stream().anyMatch(b -> b.name().equals(s.name()) && b.sha256().equals(s.sha256())
                    && java.util.Objects.equals(b.debian(), s.debian()))) {
                continue;
            }
            String line = s.debianLine();
            if (line != null) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }
}
