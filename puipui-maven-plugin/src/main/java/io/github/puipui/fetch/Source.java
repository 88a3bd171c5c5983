package io.github.puipui.fetch;

import io.github.puipui.files.ConfinedPaths;
import io.github.puipui.files.Sha256;
import java.util.ArrayList;
import java.util.List;

/**
 * One upstream source archive as declared in the distro's pom: what it is, where it comes from and the digest that
 * proves it, pinned in the declaration (no digest is ever learned from a download). {@code alternatives} are other
 * files accepted for the same version (for example a distribution's repack), each with its own pinned digest; they
 * are found in the cache or on a mirror.
 */
public record Source(String name, String version, String file, String url, String sha256, String license,
        String debian, List<Alternative> alternatives) {

    public Source {
        debian = debian == null || debian.isBlank() ? null : debian.trim();
        alternatives = List.copyOf(alternatives == null ? List.of() : alternatives);
    }

    public Source(String name, String version, String file, String url, String sha256) {
        this(name, version, file, url, sha256, null, null, List.of());
    }

    /** Another file accepted for the same source version, with its own pinned digest. */
    public record Alternative(String file, String sha256) {
    }

    /**
     * This source checked: every element present, the name and version usable in file names, the URL https (plain
     * http only on loopback), the files plain names; returned with its digests in canonical form.
     */
    public Source validated() {
        String id = "source '" + (name == null ? "?" : name) + "'";
        require(name, id + ": <name>");
        require(version, id + ": <version>");
        ConfinedPaths.identifier(id + ": <version>", version); // part of directory names
        require(file, id + ": <file>");
        require(url, id + ": <url>");
        if (!isAcceptableUrl(url)) {
            throw new IllegalArgumentException(id + ": <url> must be https:// (plain http only on loopback; got " + url + ")");
        }
        requirePlainFileName(file, id + ": <file>");
        require(sha256, id + ": <sha256>");
        List<Alternative> alts = new ArrayList<>();
        for (Alternative alt : alternatives) {
            require(alt.file(), id + ": <alternative><file>");
            requirePlainFileName(alt.file(), id + ": <alternative><file>");
            alts.add(new Alternative(alt.file(), Sha256.parse(alt.sha256(), id + ": alternative " + alt.file() + " <sha256>")));
        }
        return new Source(name, version, file, url, Sha256.parse(sha256, id + ": <sha256>"), license, debian, alts);
    }

    /** https anywhere, file: for local mirrors, plain http only to this machine (test servers). */
    static boolean isAcceptableUrl(String url) {
        if (url.startsWith("https://") || url.startsWith("file:")) {
            return true;
        }
        return Transport.isLocalHttp(url) && url.indexOf('/', "http://".length()) > 0;
    }

    /** A file name looked up in caches and mirrors: no directory part, no {@code ..}, not hidden. */
    private static void requirePlainFileName(String name, String what) {
        if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new IllegalArgumentException(what + " must be a plain file name (got " + name + ")");
        }
    }

    private static void require(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is missing");
        }
    }

    /** Every accepted file with its pinned digest: the main file first, then the alternatives. */
    public List<Alternative> knownDigests() {
        List<Alternative> known = new ArrayList<>();
        known.add(new Alternative(file, sha256));
        known.addAll(alternatives);
        return known;
    }

    public Source withAlternative(String altFile, String altSha256) {
        List<Alternative> alts = new ArrayList<>(alternatives);
        alts.add(new Alternative(altFile, altSha256));
        return new Source(name, version, file, url, sha256, license, debian, alts);
    }

    public Source withLicense(String spdx) {
        return new Source(name, version, file, url, sha256, spdx, debian, alternatives);
    }

    /**
     * With {@code packageAndVersion}, the Debian source package ({@code package=version}) whose orig tarball holds
     * this source's bytes (the main file, or an alternative named {@code <package>_<version>.orig.tar.*}): machines
     * that cannot reach the upstream host seed their mirror from it.
     */
    public Source withDebian(String packageAndVersion) {
        return new Source(name, version, file, url, sha256, license, packageAndVersion, alternatives);
    }

    /**
     * The line of the Debian seeding list: {@code package=version}, the orig tarball's name in Debian's archive,
     * and the name the build looks for; null without {@link #debian}.
     */
    public String debianLine() {
        String d = debian;
        if (d == null) {
            return null;
        }
        int eq = d.indexOf('=');
        if (eq < 1 || eq == d.length() - 1) {
            throw new IllegalArgumentException("source '" + name + "': <debian> is '" + d + "'; it is package=version,"
                    + " e.g. busybox=1:1.38.0-3");
        }
        String pkg = d.substring(0, eq);
        String upstream = d.substring(eq + 1).replaceFirst("^[0-9]+:", "").replaceFirst("-[^-]*$", "");
        String prefix = pkg + "_" + upstream + ".orig.tar.";
        for (Alternative a : alternatives) {
            if (a.file().startsWith(prefix)) {
                return String.format("%-34s %-36s %s", d, a.file(), a.file());
            }
        }
        int tar = file.lastIndexOf(".tar.");
        if (tar < 0) {
            throw new IllegalArgumentException("source '" + name + "': " + file + " is not a .tar.* file, which a Debian"
                    + " orig tarball would be");
        }
        return String.format("%-34s %-36s %s", d, prefix + file.substring(tar + ".tar.".length()), file);
    }

    @Override
    public String toString() {
        return name + " " + version + " (" + file + ")";
    }
}
