package io.github.puipui.userland;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.github.puipui.fetch.Extractor;
import io.github.puipui.process.BuildStepException;

/**
 * Mbed TLS as a static library for later components: {@code make -C library}, then its headers and
 * {@code lib*.a} are copied to the staging prefix (nothing goes into the image).
 */
final class MbedtlsRecipe implements Recipe {
    @Override
    public void build(ComponentBuild b) throws IOException, BuildStepException {
        List<String> args = new ArrayList<>(List.of("-C", "library", "CC=" + b.environment().get("CC"),
                "AR=" + b.toolchain().tool("ar"), "static"));
        args.addAll(b.expandAll(b.component().getMakeArgs()));
        b.make(args, b.environment());
        Path include = b.stagingDir().resolve("include");
        Path lib = b.stagingDir().resolve("lib");
        Files.createDirectories(lib);
        for (String dir : List.of("mbedtls", "psa")) {
            Extractor.deleteTree(include.resolve(dir));
            copyTree(b.sourceDir().resolve("include").resolve(dir), include.resolve(dir));
        }
        try (Stream<Path> libs = Files.list(b.sourceDir().resolve("library"))) {
            for (Path a : libs.filter(p -> p.getFileName().toString().matches("libmbed\\w+\\.a")).toList()) {
                Files.copy(a, lib.resolve(a.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
