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
    /** The version of what this class does besides its {@link #commands}, part of every sysroot's identity. */
    public static final String VERSION = "musl sysroot 1";

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

    /** The environment of musl's configure, make and install: the host compiler for the arch. */
    public static Map<String, String> environment(Arch arch) {
        return Map.of("CC", arch.crossPrefix() + "gcc");
    }

    /**
     * The commands a sysroot build runs, in order (musl's configure, make without {@code -j}, install, then the kernel's
     * {@code headers_install}), for the given places: a step's identity names them with placeholders for the places,
     * and {@link #build} runs exactly these.
     */
    public static List<List<String>> commands(Arch arch, String muslSource, String kernelSource, String prefix,
            String stage, String headersObj, String staged) {
        String cross = arch.crossPrefix();
        List<String> configure = new ArrayList<>(List.of(muslSource + "/configure", "--prefix=" + prefix,
                "--disable-shared", "--enable-wrapper=gcc"));
        if (!cross.isEmpty()) {
            configure.add("--target=" + arch.id() + "-linux-musl");
            configure.add("CROSS_COMPILE=" + cross);
        }
        List<String> tools = List.of("AR=" + cross + "ar", "RANLIB=" + cross + "ranlib");
        List<String> make = new ArrayList<>(List.of("make"));
        make.addAll(tools);
        List<String> install = new ArrayList<>(List.of("make", "install", "DESTDIR=" + stage));
        install.addAll(tools);
        List<String> headers = new ArrayList<>(List.of("make", "-C", kernelSource, "O=" + headersObj,
                "ARCH=" + arch.kernelArch(), "headers_install", "INSTALL_HDR_PATH=" + staged));
        if (!cross.isEmpty()) {
            headers.add("CROSS_COMPILE=" + cross);
        }
        return List.of(configure, make, install, headers);
    }

    /**
     * What a sysroot's identity says of how it is built: this class's version (what it does besides the commands:
     * the manifest, the modes, publishing) and the commands with placeholders for the places.
     */
    public static String recipe(Arch arch) {
        StringBuilder sb = new StringBuilder(VERSION);
        for (List<String> c : commands(arch, "{musl}", "{linux}", "{prefix}", "{stage}", "{headers}",
                "{stage}{prefix}")) {
            sb.append(" ; ").append(String.join(" ", c));
        }
        return sb.append(" ; env ").append(new java.util.TreeMap<>(environment(arch))).toString();
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
        Map<String, String> env = environment(in.arch());
        log.info(in.arch() + " toolchain: building the musl sysroot with " + env.get("CC") + " (log: " + in.logFile()
                + ")");
        Path staged = stage.resolve(prefix.getRoot().relativize(prefix));
        List<List<String>> commands = commands(in.arch(), in.muslSource().toString(), in.kernelSource().toString(),
                prefix.toString(), stage.toString(), in.workDir().resolve("linux-headers").toString(),
                staged.toString());
        List<String> make = new ArrayList<>(commands.get(1));
        make.add(1, "-j" + in.jobs());
        runner.run(in.arch() + " musl configure", commands.get(0), build, env, in.logFile());
        runner.run(in.arch() + " musl make", make, build, env, in.logFile());
        runner.run(in.arch() + " musl install", commands.get(2), build, env, in.logFile());
        runner.run(in.arch() + " linux headers_install", commands.get(3), in.workDir(), Map.of(), in.logFile());
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
