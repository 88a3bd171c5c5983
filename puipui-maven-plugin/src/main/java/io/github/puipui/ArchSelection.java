package io.github.puipui;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The arches a build asked for: {@code puipui.arches} (comma-separated), checked against the known ones, and the
 * {@code -P} profiles checked too, since Maven only warns about a profile that does not exist and would build every
 * arch for a misspelt {@code -Parch-arm64}.
 */
public final class ArchSelection {
    private ArchSelection() {
    }

    private static String known() {
        return Arrays.stream(Arch.values()).map(Arch::id).collect(Collectors.joining(", "));
    }

    /** The arches of {@code arches}; {@code activeProfiles}: the profiles given with {@code -P}. */
    public static List<Arch> parse(String arches, List<String> activeProfiles) {
        for (String profile : activeProfiles) {
            String p = profile.startsWith("+") || profile.startsWith("?") ? profile.substring(1) : profile;
            if (p.startsWith("arch-") && Arrays.stream(Arch.values()).noneMatch(a -> p.equals("arch-" + a.id()))) {
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
            Arch arch = Arrays.stream(Arch.values()).filter(x -> x.id().equals(a)).findFirst().orElseThrow(
                    () -> new IllegalArgumentException("unknown arch '" + a + "' in puipui.arches (known: " + known() + ")"));
            if (!out.contains(arch)) {
                out.add(arch);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("puipui.arches is empty (known: " + known() + ")");
        }
        return out;
    }
}
