package io.github.puipui.toolchain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.puipui.Arch;

/**
 * A prebuilt musl cross toolchain (for example a {@code <triple>-cross.tgz}), declared as a source per host arch and
 * extracted like any other: {@code <root>/bin/<prefix>gcc} with its own sysroot and kernel headers.
 */
public final class PrebuiltToolchain {
    private PrebuiltToolchain() {
    }

    /** {@code prefix} is the tools' prefix, e.g. {@code aarch64-linux-musl-}. */
    public static Toolchain at(Arch arch, Path root, String prefix) throws IOException {
        Path bin = root.resolve("bin");
        Path gcc = bin.resolve(prefix + "gcc");
        if (!Files.isExecutable(gcc)) {
            throw new IOException("prebuilt toolchain " + root + " has no executable " + gcc);
        }
        String triple = prefix.endsWith("-") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return new Toolchain(arch, gcc.toString(), bin.resolve(prefix).toString(), triple, root);
    }
}
