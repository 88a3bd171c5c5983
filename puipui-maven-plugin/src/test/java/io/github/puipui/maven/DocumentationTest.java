package io.github.puipui.maven;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** What the site's pages say of the code stays true to it. */
class DocumentationTest {
    private static final Path PAGES = Path.of("src/site/markdown");

    @Test
    void theInternalsPageListsEveryPackageOfThePlugin() throws Exception {
        List<String> packages;
        try (Stream<Path> dirs = Files.list(Path.of("src/main/java/io/github/puipui"))) {
            packages = dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
        }
        assertTrue(packages.contains("maven") && packages.contains("boot"), "packages: " + packages);
        String internals = Files.readString(PAGES.resolve("internals.md"));
        List<String> missing = packages.stream().filter(p -> !internals.contains("\n| `" + p + "` |")).toList();
        assertTrue(missing.isEmpty(), "internals.md has no row for the packages " + missing);
    }

    /**
     * The remote cache's setup page shows the nginx server block the remote-cache integration test runs: every
     * directive of it but those naming the test's own places (listen, server name, certificate, root, password file)
     * is in the test's configuration, word for word.
     */
    @Test
    void theRemoteCacheSetupPageShowsTheServerBlockTheIntegrationTestRuns() throws Exception {
        String page = Files.readString(PAGES.resolve("remote-cache.md"));
        Matcher block = Pattern.compile("```nginx\n(.*?)```", Pattern.DOTALL).matcher(page);
        assertTrue(block.find(), "remote-cache.md has no nginx block");
        String it = Files.readString(Path.of("../src/it/remote-cache/prebuild.groovy"));
        List<String> missing = new ArrayList<>();
        int directives = 0;
        for (String line : block.group(1).split("\n")) {
            String d = line.trim();
            if (d.isEmpty() || d.equals("}") || d.matches("(listen|server_name|ssl_certificate|ssl_certificate_key|root"
                    + "|auth_basic_user_file) .*")) {
                continue;
            }
            directives++;
            if (!it.contains(d)) {
                missing.add(d);
            }
        }
        assertTrue(missing.isEmpty(), "directives of the page that the IT's nginx does not run: " + missing);
        assertTrue(directives >= 6, directives + " directives checked");
    }

    /** What the site's copy of the README drops from its links (the site-guide execution of this module's pom). */
    private static final String SITE_PAGES = "puipui-maven-plugin/src/site/markdown/";

    /**
     * The README is read in a repository browser and, as the guide, on the plugin's site. A link works in both when it
     * names a site page by its source, {@code puipui-maven-plugin/src/site/markdown/x.md}: the site's copy drops the
     * directory and the Markdown parser turns {@code x.md} into {@code x.html}, as long as the name has no other dot and
     * the link no anchor (a repository browser's anchors are not the site's). Other repository files are not on the
     * site, and in-page anchors differ between the two.
     */
    @Test
    void theReadmesLinksWorkInARepositoryBrowserAndOnTheSite() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        assertTrue(pom.contains("<replacestring from=\"](" + SITE_PAGES + "\" to=\"](\"/>"),
                "the site's copy of the README no longer drops " + SITE_PAGES + " from its links");
        String readme = Files.readString(Path.of("../README.md"));
        Matcher links = Pattern.compile("\\]\\(([^)\\s]+)\\)").matcher(readme);
        List<String> problems = new ArrayList<>();
        int pages = 0;
        while (links.find()) {
            String target = links.group(1);
            if (target.startsWith("https://") || target.startsWith("http://")) {
                continue;
            }
            if (!target.startsWith(SITE_PAGES)) {
                problems.add(target + ": neither a site page's source nor an absolute URL");
            } else if (!target.substring(SITE_PAGES.length()).matches("[^./#]+\\.md")) {
                problems.add(target + ": the site turns only a plain x.md, without anchor, into x.html");
            } else if (!Files.isRegularFile(PAGES.resolve(target.substring(SITE_PAGES.length())))) {
                problems.add(target + ": no such page");
            } else {
                pages++;
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(pages >= 10, "the README links " + pages + " site pages");
    }
}
