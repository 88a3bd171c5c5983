package io.github.puipui;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import io.github.puipui.cache.DirectoryStore;
import io.github.puipui.fetch.Extractor;
import io.github.puipui.fetch.Fetcher;
import io.github.puipui.fetch.Source;
import io.github.puipui.fetch.SourceCache;
import io.github.puipui.fetch.Transport;
import io.github.puipui.kernel.KernelBuild;
import io.github.puipui.kernel.KernelBuilder;
import io.github.puipui.process.ProcessRunner;
import io.github.puipui.Arch;
import io.github.puipui.toolchain.Toolchain;
import io.github.puipui.userland.FakeComponents;
import io.github.puipui.userland.UserlandBuilder;

/** A step of the build run in a JVM of its own, for {@link CrashSafetyTest} to kill with SIGKILL. */
public final class CrashChild {
    private CrashChild() {
    }

    public static void main(String[] a) throws Exception {
        switch (a[0]) {
            case "store" -> new DirectoryStore(Path.of(a[1]), Long.MAX_VALUE, BuildLog.SILENT).store(a[3], "crash", Path.of(a[2]), null);
            case "extract" -> new Extractor(Extractor.Kind.SOURCE).extract(Path.of(a[1]), a[2], Path.of(a[3]));
            case "fetch" -> new Fetcher(new SourceCache(Path.of(a[1]), BuildLog.SILENT), new Transport(null), List.of(),
                    false, BuildLog.SILENT).fetch(new Source("big", "1", "big.bin", URI.create(a[2]).toString(), a[3]));
            case "userland" -> {
                // a[1] clone, a[2] archive, a[3] its sha256, a[4] counter, a[5] hold file
                Toolchain tc = new Toolchain(Arch.X86_64, "cc", "", "x86_64-linux-musl", Path.of(a[1]));
                Path clone = Path.of(a[1]);
                new UserlandBuilder(new ProcessRunner(BuildLog.SILENT), BuildLog.SILENT, null, null).build(Arch.X86_64,
                        List.of(UserlandBuilder.Prepared.of(FakeComponents.component("hello", Path.of(a[4]), Path.of(a[5])),
                                "1.0", Path.of(a[2]), a[3], "v1", tc)),
                        clone.resolve("build"), clone.resolve("staging"), clone.resolve("userland"), clone.resolve("logs"), 1,
                        OutputTimestamp.parse("2026-11-25T00:00:00Z"));
            }
            case "kernel" -> new KernelBuilder(new ProcessRunner(BuildLog.SILENT), BuildLog.SILENT).build(kernel(a[1], a[2]));
            default -> throw new IllegalArgumentException(a[0]);
        }
    }

    /** A kernel build of the fake kernel source {@code src} into {@code obj}. */
    public static KernelBuild kernel(String src, String obj) {
        Path o = Path.of(obj);
        return new KernelBuild(Arch.X86_64, Path.of(src), o, Path.of(src).resolve("tiny.config"), Set.of(),
                OutputTimestamp.parse("2026-11-25T00:00:00Z"), 1, o.resolveSibling("kernel.log"), "", 0);
    }
}
