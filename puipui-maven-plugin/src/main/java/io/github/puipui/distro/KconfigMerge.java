package io.github.puipui.distro;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.puipui.kernel.Kconfig;

/**
 * Merges kconfig fragments onto a kernel config in defconfig format: each symbol a fragment sets replaces the line
 * the config has for it (set or not set) or is added at the end; later fragments win. The result is again a kconfig
 * file, so the kconfig guard checks the fragments' symbols like the config's own.
 */
public final class KconfigMerge {
    private KconfigMerge() {
    }

    /** {@code config} with the lines of each fragment file merged onto it, in order. */
    public static String merge(String config, List<Path> fragments) throws IOException {
        if (fragments.isEmpty()) {
            return config;
        }
        Map<String, String> bySymbol = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>();
        for (String line : config.split("\n", -1)) {
            String s = Kconfig.symbol(line);
            if (s == null) {
                lines.add(line);
            } else {
                lines.add("\0" + s);
                bySymbol.put(s, line);
            }
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        for (Path fragment : fragments) {
            if (!Files.isRegularFile(fragment)) {
                throw new IllegalArgumentException("kconfig fragment " + fragment + " is not a file");
            }
            int n = 0;
            for (String line : Files.readAllLines(fragment, StandardCharsets.UTF_8)) {
                n++;
                String t = line.strip();
                String s = Kconfig.symbol(t);
                if (s == null) {
                    if (t.isEmpty() || (t.startsWith("#") && !t.startsWith("# CONFIG_"))) {
                        continue;
                    }
                    throw new IllegalArgumentException(fragment + ":" + n + ": '" + line + "' is neither"
                            + " CONFIG_X=value nor '# CONFIG_X is not set'");
                }
                if (!bySymbol.containsKey(s)) {
                    lines.add("\0" + s);
                }
                bySymbol.put(s, t);
            }
        }
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(line.startsWith("\0") ? bySymbol.get(line.substring(1)) : line).append('\n');
        }
        return out.toString();
    }
}
