package io.github.puipui.userland;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.github.puipui.BuildLog;
import io.github.puipui.OutputTimestamp;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.process.ProcessRunner;
import io.github.puipui.toolchain.Toolchain;

/**
 * Builds the declared components for one arch in order, each with its recipe, then copies the declared files into
 * the image tree ({@code imageDir}), stripped, with the declared modes. Per-component logs:
 * {@code <logDir>/<component>.log}.
 */
public final class UserlandBuilder {
    private final ProcessRunner runner;
    private final BuildLog log;

    public UserlandBuilder(ProcessRunner runner, BuildLog log) {
        this.runner = runner;
        this.log = log;
    }

    /**
     * A component ready to build: its declaration, version, extracted source directory, and the digest of its inputs
     * with the stamp file that records the inputs of its last successful build.
     */
    public record Prepared(Component component, String version, Path sourceDir, String inputs, Path builtStamp) {
        boolean upToDate() throws IOException {
            return Files.isRegularFile(builtStamp) && Files.readString(builtStamp).equals(inputs);
        }
    }

    /** A file installed into the image, with its stripped size. */
    public record Installed(String component, String imagePath, long size) {
    }

    public static void checkOrder(List<Component> components) {
        Set<String> seen = new HashSet<>();
        for (Component c : components) {
            Recipe.named(c.getRecipe());
            c.parsedInstalls();
            for (String dep : c.getDependsOn()) {
                if (!seen.contains(dep)) {
                    throw new IllegalArgumentException("component " + c.getName() + " depends on " + dep
                            + ", which must be declared before it");
                }
            }
            if (!seen.add(c.getName())) {
                throw new IllegalArgumentException("component " + c.getName() + " is declared twice");
            }
        }
    }

    public List<Installed> build(Toolchain tc, List<Prepared> components, Path stagingDir, Path imageDir, Path logDir,
            int jobs, OutputTimestamp ts) throws IOException, BuildStepException {
        Files.createDirectories(stagingDir);
        Files.createDirectories(imageDir);
        List<Installed> out = new ArrayList<>();
        for (Prepared p : components) {
            long start = System.nanoTime();
            Path logFile = logDir.resolve(p.component().getName() + ".log");
            ComponentBuild b = new ComponentBuild(p.component(), p.version(), tc, p.sourceDir(), stagingDir, jobs, ts,
                    logFile, runner);
            boolean upToDate = p.upToDate();
            if (upToDate) {
                log.info(tc.arch() + " " + p.component().getName() + " " + p.version() + ": up to date (inputs unchanged)");
            } else {
                log.info(tc.arch() + " " + p.component().getName() + " " + p.version() + ": building (log: " + logFile + ")");
                Files.deleteIfExists(p.builtStamp());
                Recipe.named(p.component().getRecipe()).build(b);
            }
            for (Component.Install i : p.component().parsedInstalls()) {
                out.add(install(b, i, imageDir));
            }
            if (!upToDate) {
                Files.writeString(p.builtStamp(), p.inputs());
                log.info(String.format("%s %s: done in %.0f s", tc.arch(), p.component().getName(), (System.nanoTime() - start) / 1e9));
            }
        }
        return out;
    }

    private Installed install(ComponentBuild b, Component.Install i, Path imageDir) throws IOException, BuildStepException {
        Path from = b.sourceDir().resolve(i.from()).normalize();
        if (!from.startsWith(b.sourceDir()) || !Files.isRegularFile(from)) {
            throw new BuildStepException(b.toolchain().arch() + " " + b.component().getName() + ": declared install "
                    + i.from() + " was not built (" + from + ")");
        }
        Path to = imageDir.resolve(i.to().substring(1)).normalize();
        Files.createDirectories(to.getParent());
        Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        if (isElf(tmp)) {
            if (hasInterpreter(tmp)) {
                throw new BuildStepException(b.toolchain().arch() + " " + b.component().getName() + ": " + i.from()
                        + " is dynamically linked (it names an ELF interpreter); the image has no shared libraries");
            }
            runner.run(b.toolchain().arch() + " strip " + i.to(), List.of(b.toolchain().tool("strip"), "--strip-all",
                    "-R", ".comment", "-R", ".note", tmp.toString()), imageDir, java.util.Map.of(), b.logFile());
        }
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(modeString(i.mode())));
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        long size = Files.size(to);
        log.debug(String.format("  %-24s %,10d bytes", i.to(), size));
        return new Installed(b.component().getName(), i.to(), size);
    }

    static boolean isElf(Path f) throws IOException {
        try (var in = Files.newInputStream(f)) {
            byte[] m = in.readNBytes(4);
            return m.length == 4 && m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F';
        }
    }

    /** True if a 64-bit little-endian ELF file has a PT_INTERP program header (it is not static). */
    static boolean hasInterpreter(Path f) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(f)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        if (b.capacity() < 64 || b.get(4) != 2) {
            return false;
        }
        long phoff = b.getLong(0x20);
        int phentsize = Short.toUnsignedInt(b.getShort(0x36));
        int phnum = Short.toUnsignedInt(b.getShort(0x38));
        for (int k = 0; k < phnum; k++) {
            long at = phoff + (long) k * phentsize;
            if (at + 4 <= b.capacity() && b.getInt((int) at) == 3) {
                return true;
            }
        }
        return false;
    }

    static String modeString(int mode) {
        StringBuilder sb = new StringBuilder();
        String rwx = "rwx";
        for (int i = 8; i >= 0; i--) {
            sb.append((mode & (1 << i)) != 0 ? rwx.charAt(2 - i % 3) : '-');
        }
        return sb.toString();
    }
}
