package io.github.puipui.toolchain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.puipui.BuildLog;
import io.github.puipui.fetch.Extractor;
import io.github.puipui.files.FileTrees;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.process.ProcessRunner;

/**
 * The default toolchain: the host's GCC (native or {@code <arch>-linux-gnu-gcc}) with a musl sysroot built from the
 * pinned musl source and the Linux UAPI headers of the kernel being built ({@code headers_install}). The sysroot is
 * built into {@code <prefix>.partial-<uuid>} via DESTDIR and renamed into place when complete, so its absolute paths (the
 * {@code musl-gcc} wrapper and specs) are those of its final location.
 */
public final class MuslSysrootBuilder {
    private final ProcessRunner runner;
    private final BuildLog log;

    public MuslSysrootBuilder(ProcessRunner runner, BuildLog log) {
        this.runner = runner;
        this.log = log;
    }

    /** What a sysroot is made from. */
    public record Inputs(Arch arch, Path muslSource, Path kernelSource, Path prefix, Path workDir, int jobs, Path logFile) {
    }

    public static Toolchain toolchain(Arch arch, Path prefix) {
        return new Toolchain(arch, prefix.resolve("bin/musl-gcc").toString(), arch.crossPrefix(),
                arch.id() + "-linux-musl", prefix);
    }

    public static boolean isComplete(Path prefix) {
        return Files.isRegularFile(prefix.resolve("lib/libc.a")) && Files.isRegularFile(prefix.resolve("bin/musl-gcc"))
                && Files.isRegularFile(prefix.resolve("include/linux/vm_sockets.h"));
    }

    public Toolchain build(Inputs in) throws IOException, BuildStepException {
        Path prefix = in.prefix().toAbsolutePath();
        if (isComplete(prefix)) {
            log.info(in.arch() + " toolchain: musl sysroot " + prefix + " is up to date");
            return toolchain(in.arch(), prefix);
        }
        long start = System.nanoTime();
        // what killed builds of this sysroot left (untouched for an hour, so not a build in progress)
        Extractor.removeStale(prefix.getParent(), prefix.getFileName() + ".partial*");
        // unique per build: another build of the same sysroot may run at the same time
        Path stage = prefix.resolveSibling(prefix.getFileName() + ".partial-" + java.util.UUID.randomUUID());
        Path build = in.workDir().resolve("musl-build");
        FileTrees.deleteTree(build);
        Files.createDirectories(build);
        String gcc = in.arch().crossPrefix() + "gcc";
        Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put("CC", gcc);
        log.info(in.arch() + " toolchain: building the musl sysroot with " + gcc + " (log: " + in.logFile() + ")");
        String cross = in.arch().crossPrefix();
        List<String> configure = new ArrayList<>(List.of(in.muslSource().resolve("configure").toString(),
                "--prefix=" + prefix, "--disable-shared", "--enable-wrapper=gcc"));
        if (!cross.isEmpty()) {
            configure.add("--target=" + in.arch().id() + "-linux-musl");
            configure.add("CROSS_COMPILE=" + cross);
        }
        List<String> tools = List.of("AR=" + cross + "ar", "RANLIB=" + cross + "ranlib");
        runner.run(in.arch() + " musl configure", configure, build, env, in.logFile());
        List<String> make = new ArrayList<>(List.of("make", "-j" + in.jobs()));
        make.addAll(tools);
        runner.run(in.arch() + " musl make", make, build, env, in.logFile());
        List<String> install = new ArrayList<>(List.of("make", "install", "DESTDIR=" + stage));
        install.addAll(tools);
        runner.run(in.arch() + " musl install", install, build, env, in.logFile());
        Path staged = stage.resolve(prefix.getRoot().relativize(prefix));
        Path headersObj = in.workDir().resolve("linux-headers");
        List<String> headers = new ArrayList<>(List.of("make", "-C", in.kernelSource().toString(), "O=" + headersObj,
                "ARCH=" + in.arch().kernelArch(), "headers_install", "INSTALL_HDR_PATH=" + staged));
        if (!in.arch().crossPrefix().isEmpty()) {
            headers.add("CROSS_COMPILE=" + in.arch().crossPrefix());
        }
        runner.run(in.arch() + " linux headers_install", headers, in.workDir(), Map.of(), in.logFile());
        if (!isComplete(prefix)) { // else another build finished it first: keep theirs, which is in use
            FileTrees.deleteTree(prefix);
            Files.createDirectories(prefix.getParent());
            Files.move(staged, prefix, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        FileTrees.deleteTree(stage);
        FileTrees.deleteTree(build);
        if (!isComplete(prefix)) {
            throw new BuildStepException(in.arch() + " toolchain: " + prefix + " is incomplete after the build");
        }
        log.info(String.format("%s toolchain: musl sysroot ready in %.0f s", in.arch(), (System.nanoTime() - start) / 1e9));
        return toolchain(in.arch(), prefix);
    }
}
