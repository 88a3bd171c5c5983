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
public class Source {
    private String name;
    private String version;
    private String file;
    private String url;
    private String sha256;
    private String license;
    private String debian;
    private List<Alternative> alternatives = new ArrayList<>();

    public Source() {
    }

    public Source(String name, String version, String file, String url, String sha256) {
        this.name = name;
        this.version = version;
        this.file = file;
        this.url = url;
        this.sha256 = sha256;
    }

    /** Another file accepted for the same source version. */
    public static class Alternative {
        private String file;
        private String sha256;

        public Alternative() {
        }

        public Alternative(String file, String sha256) {
            this.file = file;
            this.sha256 = sha256;
        }

        public String getFile() {
            return file;
        }

        public String getSha256() {
            return sha256;
        }
    }

    /** Checks the declaration and normalises digests; throws with the source's name on any gap. */
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
        sha256 = Sha256.parse(sha256, id + ": <sha256>");
        for (Alternative alt : alternatives) {
            require(alt.file, id + ": <alternative><file>");
            requirePlainFileName(alt.file, id + ": <alternative><file>");
            alt.sha256 = Sha256.parse(alt.sha256, id + ": alternative " + alt.file + " <sha256>");
        }
        return this;
    }

    /** https anywhere, file: for local mirrors, plain http only to this machine (test servers). */
    static boolean isAcceptableUrl(String url) {
        if (url.startsWith("https://") || url.startsWith("file:")) {
            return true;
        }
        return url.matches("^http://(127\\.\\d+\\.\\d+\\.\\d+|localhost|\\[::1\\])(:\\d+)?/.*");
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

    public String getName() {
        return name;
    }

    public String getVersion() {
        return version;
    }

    public String getFile() {
        return file;
    }

    public String getUrl() {
        return url;
    }

    public String getSha256() {
        return sha256;
    }

    public String getLicense() {
        return license;
    }

    public List<Alternative> getAlternatives() {
        return alternatives;
    }

    public Source withAlternative(String altFile, String altSha256) {
        alternatives.add(new Alternative(altFile, altSha256));
        return this;
    }

    /**
     * The Debian source package ({@code package=version}) whose orig tarball holds this source's bytes (the main file,
     * or an alternative named {@code <package>_<version>.orig.tar.*}), or null: machines that cannot reach the
     * upstream host seed their mirror from it.
     */
    public String getDebian() {
        return debian == null || debian.isBlank() ? null : debian.trim();
    }

    public Source withDebian(String packageAndVersion) {
        this.debian = packageAndVersion;
        return this;
    }

    /**
     * The line of the Debian seeding list: {@code package=version}, the orig tarball's name in Debian's archive,
     * and the name the build looks for; null without {@link #getDebian}.
     */
    public String debianLine() {
        String d = getDebian();
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
            if (a.getFile().startsWith(prefix)) {
                return String.format("%-34s %-36s %s", d, a.getFile(), a.getFile());
            }
        }
        int tar = file.lastIndexOf(".tar.");
        if (tar < 0) {
            throw new IllegalArgumentException("source '" + name + "': " + file + " is not a .tar.* file, which a Debian"
                    + " orig tarball would be");
        }
        return String.format("%-34s %-36s %s", d, prefix + file.substring(tar + ".tar.".length()), file);
    }

    public Source withLicense(String spdx) {
        this.license = spdx;
        return this;
    }

    @Override
    public String toString() {
        return name + " " + version + " (" + file + ")";
    }
}
