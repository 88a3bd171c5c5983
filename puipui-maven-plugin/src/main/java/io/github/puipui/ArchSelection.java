package io.github.puipui;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The arches a build asked for: {@code puipui.arches} (comma-separated), checked against the known ones, and the
 * {@code -P} profiles checked too, since Maven only warns about a profile that does not exist and would build every
 * arch for a misspelt {@code -Parch-arm64}.
 *
 * <p>The {@code arch-<id>} profiles that set {@code puipui.arches} are the base distro's (its parent POM's): a derived
 * distro does not inherit them. {@link #select} gives {@code -Parch-x86_64} the same meaning there, so that the
 * commands of the base work in any distro.
 */
public final class ArchSelection {
    private ArchSelection() {
    }

    /**
     * The arches to build, and the requested arch profiles that the project does not define, which chose them (empty
     * when {@code puipui.arches} did).
     */
    public record Selection(List<Arch> arches, List<String> undefinedProfiles) {
        public Selection {
            arches = List.copyOf(arches);
            undefinedProfiles = List.copyOf(undefinedProfiles);
        }

        /** What to tell the user when undefined arch profiles chose the arches, or null when they did not. */
        public String note() {
            if (undefinedProfiles.isEmpty()) {
                return null;
            }
            String ids = arches.stream().map(Arch::id).collect(Collectors.joining(","));
            return "-P" + String.join(",", undefinedProfiles) + ": this project defines no such profile (a derived"
                    + " distro does not inherit its base's), so puipui builds " + ids + " as the base's profile"
                    + " would, and Maven's warning that the profile does not exist can be ignored. Maven 4 fails on a"
                    + " missing profile unless it is asked for as -P?" + undefinedProfiles.get(0)
                    + "; -Dpuipui.arches=" + ids + " works with every Maven";
        }
    }

    /** A profile as given with {@code -P}, without the {@code +} or {@code ?} (optional, Maven 4) before it. */
    private static String profileId(String profile) {
        return profile.startsWith("+") || profile.startsWith("?") ? profile.substring(1) : profile;
    }

    /** The arches of {@code arches}; {@code activeProfiles}: the profiles given with {@code -P}. */
    public static List<Arch> parse(String arches, List<String> activeProfiles) {
        for (String profile : activeProfiles) {
            String p = profileId(profile);
            if (p.startsWith("arch-") && Arch.find(p.substring("arch-".length())).isEmpty()) {
                throw new IllegalArgumentException("there is no profile " + p + ": the arch profiles are "
                        + Arrays.stream(Arch.values()).map(a -> "-Parch-" + a.id()).collect(Collectors.joining(", "))
                        + " (none builds every arch)");
            }
        }
        List<Arch> out = new ArrayList<>();
        for (String a : (arches == null ? "" : arches).split("[,\\s]+")) {
            if (a.isBlank()) {
                continue;
            }
            Arch arch = Arch.find(a).orElseThrow(() -> new IllegalArgumentException("unknown arch '" + a
                    + "' in puipui.arches (known: " + Arch.ids() + ")"));
            if (!out.contains(arch)) {
                out.add(arch);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("puipui.arches is empty (known: " + Arch.ids() + ")");
        }
        return out;
    }

    /**
     * The arches of a build. {@code arches}: the value of {@code puipui.arches} the goal was given; {@code archesGiven}:
     * whether {@code -Dpuipui.arches} set it, which always wins; {@code requestedProfiles}: the profiles given with
     * {@code -P}; {@code projectProfiles}: the ids of the profiles active in the project, its parents and the settings.
     * When an {@code arch-<id>} profile was asked for that the project does not define, Maven applied none of the
     * requested arch profiles' {@code puipui.arches}: the arches are then those the requested arch profiles name.
     */
    public static Selection select(String arches, boolean archesGiven, List<String> requestedProfiles,
            Collection<String> projectProfiles) {
        List<Arch> declared = parse(arches, requestedProfiles);
        List<Arch> fromProfiles = new ArrayList<>();
        List<String> undefined = new ArrayList<>();
        for (String profile : requestedProfiles) {
            String p = profileId(profile);
            Arch arch = p.startsWith("arch-") ? Arch.find(p.substring("arch-".length())).orElse(null) : null;
            if (arch == null) {
                continue;
            }
            if (!fromProfiles.contains(arch)) {
                fromProfiles.add(arch);
            }
            if (!projectProfiles.contains(p)) {
                undefined.add(p);
            }
        }
        if (archesGiven || undefined.isEmpty()) {
            return new Selection(declared, List.of());
        }
        return new Selection(fromProfiles, undefined);
    }
}
