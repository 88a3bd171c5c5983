package io.github.puipui.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * After {@code make olddefconfig}, every symbol the kconfig file sets must still have the value asked. Kconfig
 * silently drops a misspelt symbol or one whose dependencies are unmet; this turns that into a build failure that
 * names each symbol, what was asked and what it became. Symbols in {@code allowedDrops} are intended drops.
 */
public final class KconfigGuard {
    private KconfigGuard() {
    }

    public record Violation(String symbol, String asked, String got) {
        @Override
        public String toString() {
            String became = got == null ? "absent (unknown symbol, or its dependencies are unmet)"
                    : Kconfig.NOT_SET.equals(got) ? "not set (a dependency is unmet, or it is selected off)" : got;
            return symbol + ": asked " + (Kconfig.NOT_SET.equals(asked) ? "not set" : asked) + ", became " + became;
        }
    }

    public static List<Violation> check(Map<String, String> asked, Map<String, String> resolved, Set<String> allowedDrops) {
        List<Violation> out = new ArrayList<>();
        asked.forEach((symbol, value) -> {
            if (allowedDrops.contains(symbol)) {
                return;
            }
            String got = resolved.get(symbol);
            boolean ok = Kconfig.NOT_SET.equals(value)
                    ? got == null || Kconfig.NOT_SET.equals(got)
                    : value.equals(got);
            if (!ok) {
                out.add(new Violation(symbol, value, got));
            }
        });
        return out;
    }
}
