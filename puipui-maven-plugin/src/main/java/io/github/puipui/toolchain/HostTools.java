package io.github.puipui.toolchain;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import io.github.puipui.Arch;
import io.github.puipui.files.Sha256;
import io.github.puipui.process.ProcessRunner;

/**
 * Checks that the host has the programs (and headers) a step needs, before the step starts, and names the
 * Debian/Ubuntu package for each missing one in a single error.
 */
public final class HostTools {
    private final String path;

    public HostTools() {
        this(System.getenv("PATH"));
    }

    /** The tools found on {@code pathVariable} (a PATH value) instead of this process's PATH. */
    public HostTools(String pathVariable) {
        this.path = pathVariable == null ? "" : pathVariable;
    }

    public boolean has(String program) {
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** A requirement: a program on PATH, or a file (a header) that must exist. */
    public record Requirement(String what, String debianPackage, boolean isFile) {
        public static Requirement program(String name, String pkg) {
            return new Requirement(name, pkg, false);
        }

        public static Requirement file(String path, String pkg) {
            return new Requirement(path, pkg, true);
        }
    }

    /** Throws one message listing every missing requirement and the packages to install. */
    public void require(String forWhat, List<Requirement> requirements) throws MissingHostToolException {
        List<String> missing = new ArrayList<>();
        TreeSet<String> packages = new TreeSet<>();
        for (Requirement r : requirements) {
            boolean ok = r.isFile() ? Files.exists(Path.of(r.what())) : has(r.what());
            if (!ok) {
                missing.add(r.what() + " (Debian/Ubuntu package " + r.debianPackage() + ")");
                packages.add(r.debianPackage());
            }
        }
        if (!missing.isEmpty()) {
            throw new MissingHostToolException(forWhat + " needs " + String.join(", ", missing)
                    + ". Install with: sudo apt-get install " + String.join(" ", packages));
        }
    }

    /** The first line a program prints for {@code args} (e.g. {@code gcc -dumpfullversion}); empty if it fails. */
    public static String firstLine(String... command) {
        return output(command).lines().findFirst().orElse("").trim();
    }

    /** Everything a program prints for {@code args} (e.g. {@code gcc -v}), trimmed; empty if it fails. */
    public static String output(String... command) {
        return ProcessRunner.probe(List.of(command));
    }

    /**
     * What identifies a host program in a step's key: the file {@code PATH} resolves it to and that file's sha256, so
     * that an upgraded or replaced tool (xz, zopfli, strip, a compiler driver) is a new input even when its
     * version line stays the same. {@code "absent"} when it is not on the {@code PATH}.
     */
    public static String identity(String program) {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "" : path).split(java.io.File.pathSeparator)) {
            java.nio.file.Path p = java.nio.file.Path.of(dir.isEmpty() ? "." : dir, program);
            if (java.nio.file.Files.isExecutable(p) && java.nio.file.Files.isRegularFile(p)) {
                try {
                    java.nio.file.Path real = p.toRealPath();
                    return real + " sha256 " + Sha256.of(real);
                } catch (java.io.IOException e) {
                    return p + " unreadable";
                }
            }
        }
        return "absent";
    }

    /** What a kernel build needs on the host for {@code arch}, with zopfli for a gzip image when asked. */
    public static List<Requirement> forKernel(Arch arch, boolean zopfli) {
        List<Requirement> r = forKernel(arch);
        if (zopfli && arch.gzipImage()) {
            r.add(Requirement.program("zopfli", "zopfli"));
        }
        return r;
    }

    /** What a kernel build needs on the host for {@code arch}. */
    public static List<Requirement> forKernel(Arch arch) {
        List<Requirement> r = new ArrayList<>(List.of(
                Requirement.program("make", "make"),
                Requirement.program("gcc", "gcc"),
                Requirement.program("flex", "flex"),
                Requirement.program("bison", "bison"),
                Requirement.program("bc", "bc"),
                Requirement.program("perl", "perl"),
                Requirement.program("gzip", "gzip"),
                Requirement.program("rsync", "rsync"),
                Requirement.program("flock", "util-linux")));
        // the kernel is built with the triplet-named tools on every host (Arch.toolPrefix)
        r.add(Requirement.program(arch.toolPrefix() + "gcc", arch.crossGccPackage()));
        r.add(Requirement.program(arch.toolPrefix() + "ld", binutilsPackage(arch)));
        if (arch.elfKernel()) {
            r.add(strip(arch));
        }
        if (arch == Arch.X86_64) { // xz for bzImage, libelf for objtool
            r.add(Requirement.program("xz", "xz-utils"));
            r.add(Requirement.file("/usr/include/gelf.h", "libelf-dev"));
        }
        return r;
    }

    /** What the userland build needs besides the kernel's tools. */
    public static List<Requirement> forUserland(Arch arch) {
        List<Requirement> r = new ArrayList<>(forKernel(arch));
        if (!r.contains(strip(arch))) {
            r.add(strip(arch));
        }
        r.add(Requirement.program("patch", "patch"));
        return r;
    }

    private static Requirement strip(Arch arch) {
        return Requirement.program(arch.toolPrefix() + "strip", binutilsPackage(arch));
    }

    private static String binutilsPackage(Arch arch) {
        return arch.crossPrefix().isEmpty() ? "binutils" : arch.crossGccPackage().replace("gcc-", "binutils-");
    }
}
