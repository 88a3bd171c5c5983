package io.github.puipui.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.github.puipui.BuildLog;
import io.github.puipui.files.FileTrees;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.process.ProcessRunner;

/**
 * Configures and builds a Linux kernel out of tree: kconfig file → {@code .config}, {@code make olddefconfig},
 * the {@link KconfigGuard}, then the image target with the build identity pinned.
 */
public final class KernelBuilder {
    /**
     * The version of what this class does besides the commands in the kernel's key ({@link #commands}): the guard,
     * the files it publishes. A change to either gives a new version (the recipe pins in the tests guard it).
     */
    public static final String VERSION = "kernel 1";

    /** Present in the object tree while make builds the image. */
    public static final String MAKE_IN_PROGRESS = ".puipui-make-in-progress";

    private final ProcessRunner runner;
    private final BuildLog log;

    public KernelBuilder(ProcessRunner runner, BuildLog log) {
        this.runner = runner;
        this.log = log;
    }

    /**
     * The environment of every kernel make: the pinned build identity (the locale, the time zone and the rest are
     * {@link ProcessRunner#environment}'s).
     */
    public static Map<String, String> environment(KernelBuild b) {
        return environment(b.timestamp());
    }

    /** The environment of every kernel make for this output timestamp. */
    public static Map<String, String> environment(io.github.puipui.OutputTimestamp timestamp) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KBUILD_BUILD_USER", KernelBuild.BUILD_USER);
        env.put("KBUILD_BUILD_HOST", KernelBuild.BUILD_HOST);
        env.put("KBUILD_BUILD_VERSION", KernelBuild.BUILD_VERSION);
        env.put("KBUILD_BUILD_TIMESTAMP", timestamp.kbuildFormat());
        env.put("SOURCE_DATE_EPOCH", Long.toString(timestamp.epochSecond()));
        return env;
    }

    public static List<String> make(KernelBuild b, String... targets) {
        List<String> cmd = new ArrayList<>(List.of("make", "-C", b.sourceDir().toString(),
                "O=" + b.objectDir(), "ARCH=" + b.arch().kernelArch()));
        cmd.add("CROSS_COMPILE=" + b.arch().toolPrefix()); // on the build host too: see Arch.toolPrefix
        if (b.compilerLauncher() != null && !b.compilerLauncher().isBlank()) {
            cmd.add("CC=" + b.compilerLauncher().trim() + " " + b.arch().toolPrefix() + "gcc");
        }
        cmd.addAll(List.of(targets));
        return cmd;
    }

    private static List<String> zopfli(KernelBuild b, Path file) {
        return List.of("zopfli", "--i" + b.zopfliIterations(), "--gzip", file.toString());
    }

    private static List<String> strip(KernelBuild b, Path made, Path stripped) {
        return List.of(b.arch().toolPrefix() + "strip", "--strip-all", "-o", stripped.toString(), made.toString());
    }

    /**
     * The commands a build of {@code b} runs, as the kernel's key names them: the source and object trees as
     * {@code {src}} and {@code {obj}}, without make's {@code -j} or a compiler launcher, which change no byte of the
     * outputs. {@link #build} and {@link #uncompressedImage} run exactly these.
     */
    public static List<String> commands(KernelBuild b) {
        KernelBuild plain = new KernelBuild(b.arch(), Path.of("{src}"), Path.of("{obj}"), b.kconfigFile(),
                b.allowedDrops(), b.timestamp(), 1, b.logFile(), null, b.zopfliIterations());
        List<String> out = new ArrayList<>();
        out.add(String.join(" ", make(plain, "olddefconfig")));
        out.add(String.join(" ", make(plain, plain.arch().imageTarget())));
        if (plain.zopfli()) {
            String gz = plain.image().getFileName().toString();
            out.add(String.join(" ", zopfli(plain, plain.objectDir().resolve("puipui-zopfli")
                    .resolve(gz.substring(0, gz.length() - ".gz".length())))));
        }
        if (plain.arch().elfKernel()) {
            out.add(String.join(" ", strip(plain, plain.objectDir().resolve(plain.arch().uncompressedImagePath()),
                    plain.objectDir().resolve("puipui-" + plain.arch().uncompressedImageName()))));
        }
        return out;
    }

    /**
     * Compresses the uncompressed image beside make's gzip image again with zopfli, a deflate encoder that finds
     * smaller streams than gzip -9 in the same format (any gunzip reads it), deterministically.
     */
    private Path recompress(KernelBuild b, Path gzipImage) throws IOException, BuildStepException {
        String name = gzipImage.getFileName().toString();
        Path raw = gzipImage.resolveSibling(name.substring(0, name.length() - ".gz".length()));
        Path dir = b.objectDir().resolve("puipui-zopfli");
        FileTrees.deleteTree(dir);
        Files.createDirectories(dir);
        Path copy = dir.resolve(raw.getFileName());
        Files.copy(raw, copy);
        runner.run(b.arch() + " kernel zopfli", zopfli(b, copy), dir, Map.of(), b.logFile());
        Path out = dir.resolve(name);
        log.info(String.format("%s kernel: %s recompressed with zopfli --i%d: %,d -> %,d bytes", b.arch(), name,
                b.zopfliIterations(), Files.size(gzipImage), Files.size(out)));
        return out;
    }

    /**
     * The uncompressed kernel of a finished build, as published: arm64's {@code Image} as make left it; x86's ELF
     * {@code vmlinux} without its symbol tables ({@code strip} keeps the allocated sections, the PVH entry note among
     * them), which VMMs do not read and which make up a tenth of the file.
     */
    public Path uncompressedImage(KernelBuild b) throws IOException, BuildStepException {
        Path made = b.objectDir().resolve(b.arch().uncompressedImagePath());
        if (!Files.isRegularFile(made)) {
            throw new BuildStepException(b.arch() + " kernel: " + made + " is missing after make");
        }
        if (!b.arch().elfKernel()) {
            return made;
        }
        Path stripped = b.objectDir().resolve("puipui-" + b.arch().uncompressedImageName());
        Files.deleteIfExists(stripped);
        runner.run(b.arch() + " kernel strip", strip(b, made, stripped), b.objectDir(), Map.of(), b.logFile());
        return stripped;
    }

    /** Writes the kconfig file as {@code .config} and resolves it; returns the guard's violations (empty = fine). */
    public List<KconfigGuard.Violation> configure(KernelBuild b) throws IOException, BuildStepException {
        Files.createDirectories(b.objectDir());
        Files.copy(b.kconfigFile(), b.dotConfig(), StandardCopyOption.REPLACE_EXISTING);
        runner.run(b.arch() + " kernel olddefconfig", make(b, "olddefconfig"), b.objectDir(), environment(b), b.logFile(),
                lock(b));
        return KconfigGuard.check(Kconfig.read(b.kconfigFile()), Kconfig.read(b.dotConfig()), b.allowedDrops());
    }

    /**
     * The lock that every make in the object tree holds while it runs (see {@link ProcessRunner#run(String, List, Path,
     * Map, Path, Path)}): beside the tree, so that removing the tree keeps it.
     */
    public static Path lock(KernelBuild b) {
        Path obj = b.objectDir().toAbsolutePath();
        return obj.resolveSibling(obj.getFileName() + ".lock");
    }

    /**
     * Configures, guards and builds; returns the image. The object tree is reused (make rebuilds what changed),
     * unless the previous make was killed: a marker present while make runs shows that, and the tree, which may
     * hold truncated object files that make would take for up to date, is then removed first.
     */
    public Path build(KernelBuild b) throws IOException, BuildStepException {
        long start = System.nanoTime();
        Files.createDirectories(b.objectDir().toAbsolutePath().getParent());
        // before the tree is touched: a make left running by a killed build may still write into it
        runner.run(b.arch() + " kernel", List.of("true"), b.objectDir().toAbsolutePath().getParent(), Map.of(),
                b.logFile(), lock(b));
        Path marker = b.objectDir().resolve(MAKE_IN_PROGRESS);
        if (Files.exists(marker)) {
            log.warn(b.arch() + " kernel: the previous make in " + b.objectDir() + " did not finish (killed?);"
                    + " building from a clean object tree");
            FileTrees.deleteTree(b.objectDir());
        }
        log.info(b.arch() + " kernel: configuring from " + b.kconfigFile() + " (log: " + b.logFile() + ")");
        List<KconfigGuard.Violation> violations = configure(b);
        if (!violations.isEmpty()) {
            throw new BuildStepException(b.arch() + " kernel: " + b.kconfigFile().getFileName() + " asks for "
                    + violations.size() + " value(s) that kconfig did not keep:\n"
                    + violations.stream().map(v -> "    " + v).collect(Collectors.joining("\n"))
                    + "\n  Fix the kconfig file (a typo or a missing dependency), or list intended drops in"
                    + " <allowedKconfigDrops>.");
        }
        log.info(b.arch() + " kernel: make -j" + b.jobs() + " " + b.arch().imageTarget());
        Files.writeString(marker, "make " + b.arch().imageTarget() + "\n");
        try {
            // its time left estimated from the last build of the same config: another config is other work
            String step = b.arch() + " kernel " + b.arch().imageTarget();
            runner.run(step, step + " " + io.github.puipui.files.Sha256.of(b.kconfigFile()).substring(0, 12),
                    make(b, "-j" + b.jobs(), b.arch().imageTarget()), b.objectDir(), environment(b), b.logFile(),
                    lock(b));
        } catch (BuildStepException e) {
            // only a make that ended by itself (exit 1..127) removed its partial targets; one killed by a signal
            // (exit 128+n: the shutdown hook's SIGKILL when Maven is stopped) or an interrupted step did not
            if (e.exitCode() > 0 && e.exitCode() < 128) {
                Files.deleteIfExists(marker);
            }
            throw e;
        }
        Files.delete(marker);
        Path image = b.image();
        if (!Files.isRegularFile(image)) {
            throw new BuildStepException(b.arch() + " kernel: make succeeded but " + image + " is missing");
        }
        if (b.zopfli()) {
            image = recompress(b, image);
        }
        log.info(String.format("%s kernel: %s %,d bytes in %.0f s", b.arch(), b.arch().imageName(), Files.size(image),
                (System.nanoTime() - start) / 1e9));
        return image;
    }
}
