package io.github.puipui.maven;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
}
