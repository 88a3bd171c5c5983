package io.github.puipui.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The symbols a kconfig file sets: {@code CONFIG_X=value} and {@code # CONFIG_X is not set} (value {@code "n"}).
 * Works for defconfig files and full {@code .config} files alike.
 */
public final class Kconfig {
    private static final Pattern SET = Pattern.compile("^(CONFIG_[A-Za-z0-9_]+)=(.*)$");
    private static final Pattern UNSET = Pattern.compile("^# (CONFIG_[A-Za-z0-9_]+) is not set$");
    public static final String NOT_SET = "n";

    private Kconfig() {
    }

    public static Map<String, String> parse(List<String> lines) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String raw : lines) {
            String line = raw.strip();
            Matcher m = SET.matcher(line);
            if (m.matches()) {
                out.put(m.group(1), m.group(2));
                continue;
            }
            m = UNSET.matcher(line);
            if (m.matches()) {
                out.put(m.group(1), NOT_SET);
            }
        }
        return out;
    }

    /** The symbol a kconfig line sets or unsets, or null for a comment, a blank line or anything else. */
    public static String symbol(String line) {
        Matcher m = SET.matcher(line);
        if (m.matches()) {
            return m.group(1);
        }
        m = UNSET.matcher(line);
        return m.matches() ? m.group(1) : null;
    }

    public static Map<String, String> read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /** Overrides from the environment: every variable named CONFIG_* (the seed's update-kconfig behaviour). */
    public static Map<String, String> environmentOverrides(Map<String, String> env) {
        Map<String, String> out = new java.util.TreeMap<>();
        env.forEach((k, v) -> {
            if (k.matches("CONFIG_[A-Za-z0-9_]+")) {
                out.put(k, v);
            }
        });
        return out;
    }

    public static String line(String symbol, String value) {
        return NOT_SET.equals(value) ? "# " + symbol + " is not set" : symbol + "=" + value;
    }
}
