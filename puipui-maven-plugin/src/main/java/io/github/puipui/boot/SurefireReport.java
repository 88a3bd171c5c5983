package io.github.puipui.boot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import io.github.puipui.files.FileTrees;

/**
 * A test boot's checks as a Surefire-format XML report ({@code TEST-<suite>.xml}), which CI systems and
 * maven-surefire-report-plugin read: one test suite per kernel form, one test case per check and per declared test,
 * and the console log's path with each failure.
 */
final class SurefireReport {
    private SurefireReport() {
    }

    /** The suite's name for a form: {@code puipui.boot.x86_64.bzImage}. */
    static String suite(BootForm form) {
        return "puipui.boot." + form.arch().id() + "." + form.kernel().replace('.', '_');
    }

    static Path write(Path dir, BootForm form, List<CheckResult> results, Path console) throws IOException {
        String suite = suite(form);
        long failures = results.stream().filter(r -> !r.passed()).count();
        double total = results.stream().mapToDouble(CheckResult::seconds).sum();
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append(String.format(Locale.ROOT, "<testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"0\""
                + " skipped=\"0\" time=\"%.3f\">%n", escape(suite), results.size(), failures, total));
        x.append("  <properties>\n    <property name=\"machine\" value=\"").append(escape(form.machine()))
                .append("\"/>\n    <property name=\"cpus\" value=\"").append(form.cpus())
                .append("\"/>\n    <property name=\"console\" value=\"").append(escape(console.toString()))
                .append("\"/>\n  </properties>\n");
        for (CheckResult r : results) {
            x.append(String.format(Locale.ROOT, "  <testcase classname=\"%s\" name=\"%s\" time=\"%.3f\"", escape(suite),
                    escape(r.name()), r.seconds()));
            if (r.passed()) {
                x.append("/>\n");
            } else {
                String first = r.failure().lines().findFirst().orElse("");
                x.append(">\n    <failure message=\"").append(escape(first)).append("\">")
                        .append(escape(r.failure() + "\nconsole: " + console)).append("</failure>\n  </testcase>\n");
            }
        }
        x.append("</testsuite>\n");
        Path file = dir.resolve("TEST-" + suite + ".xml");
        Files.createDirectories(dir);
        FileTrees.writeAtomically(file, tmp -> Files.writeString(tmp, x, StandardCharsets.UTF_8));
        return file;
    }

    /** XML text: the five entities, and no control character XML 1.0 cannot hold. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> b.append(c < 0x20 && c != '\n' && c != '\t' && c != '\r' ? '?' : c);
            }
        }
        return b.toString();
    }
}
