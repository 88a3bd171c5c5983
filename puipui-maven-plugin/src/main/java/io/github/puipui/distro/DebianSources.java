package io.github.puipui.distro;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** The list's name beside a distro's POM, where the goals look for it unless told otherwise. */
    public static final String FILE_NAME = "debian-sources.txt";

    /**
     * Whether the list {@code list} is there and says other than {@code text}, the list its declarations give: then
     * the build stops until it is written again. No list is not stale: a distro need not keep one.
     */
    public static boolean isStale(Path list, String text) throws IOException {
        return Files.isRegularFile(list) && !Files.readString(list).equals(text);
    }

    /** Writes {@code text} to {@code list}, creating its directory, unless the list already says it; true if written. */
    public static boolean write(Path list, String text) throws IOException {
        if (Files.isRegularFile(list) && Files.readString(list).equals(text)) {
            return false;
        }
        Path parent = list.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(list, text);
        return true;
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
        java.util.Set<String> written = new java.util.HashSet<>(); // the kernel and its headers: one tarball, one line
        for (Source s : d.sources()) {
            if (baseSources.stream().anyMatch(b -> b.name().equals(s.name()) && b.sha256().equals(s.sha256())
                    && java.util.Objects.equals(b.debian(), s.debian()))) {
                continue;
            }
            String line = s.debianLine();
            if (line != null && written.add(line)) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }
}
