package io.github.puipui.toolchain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.puipui.Arch;
import io.github.puipui.BuildLog;
import io.github.puipui.files.FileTrees;
import io.github.puipui.files.PrivateDirectories;
import io.github.puipui.files.TreeManifest;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.process.ProcessRunner;

/**
 * The default toolchain: the host's GCC (native or {@code <arch>-linux-gnu-gcc}) with a musl sysroot built from the
 * pinned musl source and the Linux UAPI headers of the kernel being built ({@code headers_install}). The sysroot is
 * built into a staging directory beside {@code <prefix>} via DESTDIR, so its absolute paths (the {@code musl-gcc} wrapper and
 * specs) are those of its final location. Its {@link TreeManifest} is written last, naming the inputs it was made
 * from; then it is put in place with {@link FileTrees#publish}, so that two builds finishing it at the same time keep
 * one result. It is used only while it matches its manifest: a sysroot in the user cache is trusted no more than a
 * build cache entry.
 */
public final class MuslSysrootBuilder {
    private final ProcessRunner runner;
    private final BuildLog log;

    public MuslSysrootBuilder(ProcessRunner runner, BuildLog log) {
        this.runner = runner;
        this.log = log;
    }

    /** What a sysroot is made from. */
    public record Inputs(Arch arch, String identity, Path muslSource, Path kernelSource, Path prefix, Path workDir,
            int jobs, Path logFile) {
    }

    public static Toolchain toolchain(Arch arch, Path prefix) {
        return new Toolchain(arch, prefix.resolve("bin/musl-gcc").toString(), arch.crossPrefix(),
                arch.id() + "-linux-musl", prefix);
    }

    /** Why the sysroot at {@code prefix} cannot be used for {@code identity}, or empty when it can. */
    public static Optional<String> problem(Path prefix, String identity) throws IOException {
        if (!Files.isRegularFile(prefix.resolve("lib/libc.a")) || !Files.isRegularFile(prefix.resolve("bin/musl-gcc"))
                || !Files.isRegularFile(prefix.resolve("include/linux/vm_sockets.h"))) {
            return Optional.of(Files.exists(prefix) ? "it lacks libc.a, musl-gcc or the Linux headers"
                    : "it does not exist");
        }
        Optional<String> untrusted = PrivateDirectories.problem(prefix);
        if (untrusted.isPresent()) {
            return untrusted; // its manifest could be another user's too
        }
        return TreeManifest.mismatch(prefix, identity);
    }

    public Toolchain build(Inputs in) throws IOException, BuildStepException {
        Path prefix = in.prefix().toAbsolutePath();
        Optional<String> problem = problem(prefix, in.identity());
        if (problem.isEmpty()) {
            log.info(in.arch() + " toolchain: musl sysroot " + prefix + " is up to date");
            return toolchain(in.arch(), prefix);
        }
        if (Files.exists(prefix, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            log.warn(in.arch() + " toolchain: musl sysroot " + prefix + " cannot be used (" + problem.get()
                    + "); building it again");
        }
        long start = System.nanoTime();
        FileTrees.removeAbandonedStaging(prefix);
        Path stage = FileTrees.stagingPath(prefix); // another build of the same sysroot may run at the same time
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
        PrivateDirectories.restrictTree(stage); // nobody else may change the sysroot, whatever the umask
        TreeManifest.write(staged, in.identity());
        // if another build finished it first, theirs is kept: it may be in use
        FileTrees.publish(staged, prefix, d -> problem(d, in.identity()).isEmpty());
        FileTrees.deleteTree(stage);
        FileTrees.deleteTree(build);
        problem = problem(prefix, in.identity());
        if (problem.isPresent()) {
            throw new BuildStepException(in.arch() + " toolchain: " + prefix + " is not usable after the build ("
                    + problem.get() + ")");
        }
        log.info(String.format("%s toolchain: musl sysroot ready in %.0f s", in.arch(), (System.nanoTime() - start) / 1e9));
        return toolchain(in.arch(), prefix);
    }
}
