package io.github.puipui.userland;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.github.puipui.fetch.Extractor;
import io.github.puipui.files.FileTrees;
import io.github.puipui.process.BuildStepException;

/**
 * Mbed TLS as a static library for later components: the declared {@code <options>} are applied to
 * {@code include/mbedtls/mbedtls_config.h} ({@code NAME} defines, {@code !NAME} undefines), {@code make -C library},
 * then its headers (with that configuration, so users see what was built) and {@code lib*.a} are copied to the
 * staging prefix. Nothing goes into the image.
 */
final class MbedtlsRecipe implements Recipe {
    @Override
    public String version() {
        return "mbedtls 1";
    }

    @Override
    public void build(ComponentBuild b) throws IOException, BuildStepException {
        if (configure(b.sourceDir().resolve("include/mbedtls/mbedtls_config.h"), b.component().options())) {
            // the library's Makefile does not track header dependencies
            b.make(List.of("-C", "library", "clean"), b.environment());
        }
        List<String> args = new ArrayList<>(List.of("-C", "library", "CC=" + b.environment().get("CC"),
                "AR=" + b.toolchain().tool("ar"), "static"));
        args.addAll(b.expandAll(b.component().makeArgs()));
        b.make(args, b.environment());
        Path include = b.stagingDir().resolve("include");
        Path lib = b.stagingDir().resolve("lib");
        Files.createDirectories(lib);
        for (String dir : List.of("mbedtls", "psa")) {
            FileTrees.deleteTree(include.resolve(dir));
            FileTrees.copyTree(b.sourceDir().resolve("include").resolve(dir), include.resolve(dir));
        }
        try (Stream<Path> libs = Files.list(b.sourceDir().resolve("library"))) {
            for (Path a : libs.filter(p -> p.getFileName().toString().matches("libmbed\\w+\\.a")).toList()) {
                Files.copy(a, lib.resolve(a.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Rewrites the config header from its pristine copy plus the options; true if it changed. */
    static boolean configure(Path header, List<String> options) throws IOException {
        Path pristine = header.resolveSibling("mbedtls_config.h.orig");
        if (!Files.exists(pristine)) {
            Files.copy(header, pristine);
        }
        StringBuilder sb = new StringBuilder(Files.readString(pristine));
        sb.append("\n/* PUI PUI Linux: options of the mbedtls component */\n");
        for (String o : options) {
            String name = o.startsWith("!") ? o.substring(1) : o;
            if (!name.matches("MBEDTLS_[A-Z0-9_]+")) {
                throw new IOException("mbedtls option '" + o + "' is not MBEDTLS_NAME or !MBEDTLS_NAME");
            }
            sb.append(o.startsWith("!") ? "#undef " + name : "#define " + name).append('\n');
        }
        String text = sb.toString();
        if (text.equals(Files.readString(header))) {
            return false;
        }
        Files.writeString(header, text);
        return true;
    }
}
