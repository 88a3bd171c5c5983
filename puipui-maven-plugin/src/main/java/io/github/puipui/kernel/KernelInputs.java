package io.github.puipui.kernel;

import java.util.TreeSet;

import io.github.puipui.toolchain.HostTools;

/**
 * Everything a kernel image depends on, as the text whose digest is the kernel step's key: the forms built, the
 * kconfig file's and the source's digests, the host tools that shape the bytes (the compiler's full {@code -v}
 * identity and driver, the linker, strip for the ELF vmlinux, the image compressor), the pinned build identity, the
 * intended kconfig drops, zopfli's iterations, the commands the build runs and the version of the Java that runs them
 * ({@link KernelBuilder#VERSION}): nothing else of the plugin, whose other changes rebuild no kernel. A compiler
 * launcher and make's -j are left out: they do not change the outputs.
 */
public final class KernelInputs {
    private KernelInputs() {
    }

    /**
     * The identity of the host tools that shape a kernel build's bytes ({@code b}'s arch and compressor): probed
     * once per build and arch, then given to {@link #text}.
     */
    public static String tools(KernelBuild b) {
        String cross = b.arch().toolPrefix();
        return String.join("\n",
                "gcc=" + HostTools.output(cross + "gcc", "-v") + "\n" + HostTools.identity(cross + "gcc"),
                "ld=" + HostTools.firstLine(cross + "ld", "--version") + " " + HostTools.identity(cross + "ld"),
                "strip=" + (b.arch().elfKernel() ? HostTools.identity(cross + "strip") : "-"),
                "compressor=" + (!b.arch().gzipImage() ? HostTools.identity("xz")
                        : b.zopfli() ? HostTools.identity("zopfli") : "-"));
    }

    /** The inputs text, with the host tools' identity given as {@code tools}. */
    public static String text(KernelBuild b, String kconfigSha256, String sourceSha256, String tools) {
        return String.join("\n", "step=kernel " + b.arch().imageName() + " " + b.arch().uncompressedImageName(),
                "kconfig=" + kconfigSha256,
                "source=" + sourceSha256,
                "arch=" + b.arch().id(),
                tools,
                "identity=" + KernelBuilder.environment(b),
                "drops=" + new TreeSet<>(b.allowedDrops()),
                "zopfli=" + (b.zopfli() ? b.zopfliIterations() : 0),
                "commands=\n  " + String.join("\n  ", KernelBuilder.commands(b)),
                "recipe=" + KernelBuilder.VERSION) + "\n";
    }
}
