package io.github.puipui.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Why kconfig dropped a symbol: the {@code depends on} expressions of its definitions in the kernel tree's Kconfig
 * files (and the {@code if} blocks around them in the same file), each symbol shown with its value in a resolved
 * configuration, as menuconfig shows them: {@code NF_CONNTRACK [=n] && (NF_TABLES_IPV4 [=y] || NF_TABLES_IPV6 [=y])}.
 */
public final class KconfigDependencies {
    private static final Pattern ENTRY = Pattern.compile("^\\s*(?:menu)?config\\s+(\\w+)\\s*$");
    private static final Pattern DEPENDS = Pattern.compile("^\\s+depends\\s+on\\s+(.+?)\\s*(?:#.*)?$");
    private static final Pattern IF = Pattern.compile("^if\\s+(.+?)\\s*(?:#.*)?$");
    private static final Pattern ENDIF = Pattern.compile("^endif\\b.*");
    private static final Pattern SYMBOL = Pattern.compile("\\b([A-Z0-9_]*[A-Z][A-Z0-9_]*)\\b");

    private KconfigDependencies() {
    }

    /** The dependency expressions of {@code symbol} (without its {@code CONFIG_} prefix), one per definition. */
    public static List<String> of(Path kernelTree, String symbol) throws IOException {
        List<String> out = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(kernelTree)) {
            files = s.filter(p -> p.getFileName().toString().startsWith("Kconfig") && Files.isRegularFile(p)).sorted().toList();
        }
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            Deque<String> ifs = new ArrayDeque<>();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                Matcher m;
                if ((m = IF.matcher(line)).matches()) {
                    ifs.push(m.group(1));
                } else if (ENDIF.matcher(line).matches() && !ifs.isEmpty()) {
                    ifs.pop();
                } else if ((m = ENTRY.matcher(line)).matches() && m.group(1).equals(symbol)) {
                    List<String> terms = new ArrayList<>();
                    ifs.descendingIterator().forEachRemaining(c -> terms.add(paren(c)));
                    for (int j = i + 1; j < lines.size(); j++) {
                        String l = lines.get(j);
                        if (!l.isBlank() && !Character.isWhitespace(l.charAt(0))) {
                            break; // the next entry
                        }
                        Matcher d = DEPENDS.matcher(l);
                        if (d.matches()) {
                            terms.add(paren(d.group(1)));
                        }
                    }
                    if (!terms.isEmpty()) {
                        out.add(String.join(" && ", terms));
                    }
                }
            }
        }
        return out;
    }

    private static String paren(String expr) {
        return expr.contains("||") ? "(" + expr + ")" : expr;
    }

    /** {@code expression} with each symbol followed by its value in {@code resolved}: {@code X [=y]}. */
    public static String withValues(String expression, Map<String, String> resolved) {
        Matcher m = SYMBOL.matcher(expression);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = resolved.get("CONFIG_" + m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + " [=" + (v == null ? "n" : v) + "]"));
        }
        return m.appendTail(sb).toString();
    }
}
