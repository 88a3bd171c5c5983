package io.github.puipui.userland;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.puipui.BuildLog;
import io.github.puipui.OutputTimestamp;
import io.github.puipui.cache.CachedStep;
import io.github.puipui.cache.TieredCache;
import io.github.puipui.fetch.Extractor;
import io.github.puipui.files.FileTrees;
import io.github.puipui.files.PosixModes;
import io.github.puipui.files.Sha256;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.process.ProcessRunner;
import io.github.puipui.Arch;
import io.github.puipui.toolchain.Toolchain;
import io.github.puipui.toolchain.ToolchainChoice;

/**
 * Builds the declared components for one arch in order, each with its recipe, and copies their declared files into
 * the image tree ({@code imageDir}), stripped, with the declared modes.
 * <p>
 * Each component's outputs are collected in {@code <workDir>/<name>.out/}: {@code image/} (the installed files) and
 * {@code staging/} (what it added to the staging prefix: headers and libraries for later components), obtained
 * through a {@link CachedStep}: up to date, restored from the {@link TieredCache}, or built from a freshly extracted
 * source tree (never from a tree a killed or failed build may have left half-written), with a staging prefix holding
 * exactly what its declared dependencies staged. Per-component logs: {@code <logDir>/<component>.log}.
 */
public final class UserlandBuilder {
    /**
     * The version of what this class does to every component besides its recipe (extract, patch, stage, install,
     * strip, links), part of every component's key: a change to that gives a new version.
     */
    public static final String VERSION = "userland 2";

    private final ProcessRunner runner;
    private final BuildLog log;
    private final TieredCache cache;
    private final TieredCache base;

    /**
     * {@code cache}: the shared output cache, or null to build everything here; {@code base}: the entries of a base
     * distro's binaries, or null.
     */
    public UserlandBuilder(ProcessRunner runner, BuildLog log, TieredCache cache, TieredCache base) {
        this.runner = runner;
        this.log = log;
        this.cache = cache;
        this.base = base;
    }

    /**
     * A component to get: its declaration and version, and either {@code fromBase} (taken from the base's binaries,
     * its likely inputs being its declared ones) or made here: its likely inputs, known without fetching anything,
     * and how its source and actual inputs are had when the cache has none of them.
     */
    public record Prepared(Component component, String version, boolean fromBase, Likely likely, Sourcing sourcing) {
        /** A component made here from a source had already: one likely inputs, those of the source and toolchain. */
        public static Prepared of(Component c, String version, Path archive, String archiveSha256, String inputs,
                Toolchain toolchain) {
            Sourced sourced = new Sourced(archive, archiveSha256, inputs, () -> toolchain);
            return new Prepared(c, version, false, keys -> List.of(inputs), keys -> sourced);
        }
    }

    /** A component's likely inputs, most likely first, given the keys its dependencies were obtained with. */
    public interface Likely {
        List<String> inputs(Map<String, String> dependencyKeys) throws IOException;
    }

    /** A component's source and toolchain, had (fetched, built) when it has to be compiled. */
    public interface Sourcing {
        Sourced source(Map<String, String> dependencyKeys) throws IOException, BuildStepException;
    }

    /**
     * A component's verified source archive (or the directory of the project it is built from) and its digest, its
     * actual inputs, and the toolchain they name.
     */
    public record Sourced(Path archive, String archiveSha256, String inputs, ToolchainChoice.Supplier toolchain) {
    }

    /** A file installed into the image, with its stripped size, and how the component was obtained. */
    public record Installed(String component, String imagePath, long size, String how) {
    }

    public static void checkOrder(List<Component> components) {
        Set<String> seen = new HashSet<>();
        for (Component c : components) {
            Recipe.named(c.recipe());
            c.parsedInstalls();
            for (String patch : c.patches()) {
                if (!Files.isRegularFile(Path.of(patch))) {
                    throw new IllegalArgumentException("component " + c.name() + ": patch " + patch + " is not a file");
                }
            }
            if (c.sourceDirectory() != null && !Files.isDirectory(Path.of(c.sourceDirectory()))) {
                throw new IllegalArgumentException("component " + c.name() + ": sourceDirectory " + c.sourceDirectory()
                        + " is not a directory");
            }
            c.parsedLinks();
            c.parsedLinkLists();
            if (c.config() != null && !Files.isRegularFile(Path.of(c.config()))) {
                throw new IllegalArgumentException("component " + c.name() + ": config " + c.config() + " is not a file");
            }
            for (String dep : c.dependsOn()) {
                if (!seen.contains(dep)) {
                    throw new IllegalArgumentException("component " + c.name() + " depends on " + dep
                            + ", which must be declared before it");
                }
            }
            if (!seen.add(c.name())) {
                throw new IllegalArgumentException("component " + c.name() + " is declared twice");
            }
        }
    }

    /** The directory holding a component's outputs ({@code image/}, {@code staging/}). */
    public static Path outputsOf(Path workDir, String component) {
        return workDir.resolve(component + ".out");
    }

    /**
     * Gets each component in order (up to date, restored, taken from the base, or compiled) and copies its declared
     * files into {@code imageDir}; a component's key is that of the inputs it was obtained with, which its dependents
     * name.
     */
    public List<Installed> build(Arch arch, List<Prepared> components, Path workDir, Path stagingDir, Path imageDir,
            Path logDir, int jobs, OutputTimestamp ts) throws IOException, BuildStepException {
        Files.createDirectories(workDir);
        Files.createDirectories(imageDir);
        Map<String, Component> byName = new java.util.LinkedHashMap<>();
        Map<String, String> keys = new java.util.HashMap<>();
        List<Installed> out = new ArrayList<>();
        CachedStep step = new CachedStep(cache, log);
        CachedStep fromBase = base == null ? null : new CachedStep(base, log);
        for (Prepared p : components) {
            Component c = p.component();
            byName.put(c.name(), c);
            long start = System.nanoTime();
            Path outputs = outputsOf(workDir, c.name());
            String what = arch + " " + c.name() + " " + p.version();
            List<String> deps = transitiveDependencies(c, byName);
            if (p.fromBase() && fromBase == null) {
                throw new IllegalArgumentException(what + ": no base binaries to take it from");
            }
            List<String> likely = p.likely().inputs(keys);
            CachedStep.Result got;
            if (p.fromBase()) {
                got = fromBase.run(what, outputs, likely, stagingDir.toString(), () -> likely.get(0), partial -> {
                    throw new IOException(what + ": the base's binaries lack it or it is damaged there; build again");
                });
            } else {
                Sourced[] sourced = new Sourced[1];
                got = step.run(what, outputs, likely, stagingDir.toString(), () -> {
                    sourced[0] = p.sourcing().source(keys);
                    return sourced[0].inputs();
                }, partial -> {
                    Path logFile = logDir.resolve(c.name() + ".log");
                    log.info(what + ": building (log: " + logFile + ")");
                    compile(p, sourced[0], deps, workDir, stagingDir, logFile, jobs, ts, partial);
                    log.info(String.format("%s: done in %.0f s", what, (System.nanoTime() - start) / 1e9));
                });
            }
            keys.put(c.name(), got.key());
            CachedStep.How how = got.how();
            Path image = outputs.resolve("image");
            for (Component.Install i : c.parsedInstalls()) {
                Path from = image.resolve(i.to().substring(1));
                Path to = imageDir.resolve(i.to().substring(1));
                Files.createDirectories(to.getParent());
                Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                PosixModes.set(to, i.mode());
                out.add(new Installed(c.name(), i.to(), Files.size(to), how.toString()));
            }
            if (Files.isDirectory(image)) {
                for (FileTrees.Entry e : FileTrees.list(image)) {
                    if (e.isLink()) {
                        putLink(imageDir.resolve(e.relative()), Files.readSymbolicLink(e.path()));
                    }
                }
            }
        }
        return out;
    }

    /** Builds one component from a fresh source tree; its outputs go to {@code partial}. */
    private void compile(Prepared p, Sourced sourced, List<String> deps, Path workDir, Path stagingDir, Path logFile,
            int jobs, OutputTimestamp ts, Path partial) throws IOException, BuildStepException {
        Toolchain tc = sourced.toolchain().get();
        String name = p.component().name();
        FileTrees.deleteTree(stagingDir);
        Files.createDirectories(stagingDir);
        for (String dep : deps) {
            Path staged = outputsOf(workDir, dep).resolve("staging");
            if (Files.isDirectory(staged)) { // a restored entry has no empty directories
                FileTrees.copyTree(staged, stagingDir);
            }
        }
        Map<String, String> before = digests(stagingDir);
        Path buildDir = workDir.resolve(name);
        FileTrees.deleteTree(buildDir);
        Path sourceDir;
        if (Files.isDirectory(sourced.archive())) { // a directory of the project: a copy, so the build cannot change it
            sourceDir = buildDir.resolve(name);
            FileTrees.copyTree(sourced.archive(), sourceDir);
        } else {
            sourceDir = new Extractor(Extractor.Kind.SOURCE).extractTree(sourced.archive(), sourced.archiveSha256(),
                    buildDir);
        }
        ComponentBuild b = new ComponentBuild(p.component(), p.version(), tc, sourceDir, stagingDir, jobs, ts, logFile, runner);
        for (String patch : p.component().patches()) {
            b.run("patch " + Path.of(patch).getFileName(), List.of("patch", "-p1", "--forward", "--batch",
                    "--no-backup-if-mismatch", "-i", Path.of(patch).toAbsolutePath().toString()), Map.of());
        }
        Recipe.named(p.component().recipe()).build(b);
        Files.createDirectories(partial.resolve("image"));
        Files.createDirectories(partial.resolve("staging"));
        for (Component.Install i : p.component().parsedInstalls()) {
            install(b, i, partial.resolve("image"));
        }
        for (Component.Link l : links(p.component(), sourceDir)) {
            putLink(partial.resolve("image").resolve(l.path().substring(1)), Path.of(l.relativeTarget()));
        }
        for (Map.Entry<String, String> e : digests(stagingDir).entrySet()) {
            if (!e.getValue().equals(before.get(e.getKey()))) {
                Path to = partial.resolve("staging").resolve(e.getKey());
                Files.createDirectories(to.getParent());
                Files.copy(stagingDir.resolve(e.getKey()), to, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    /** Makes {@code at} a symbolic link to {@code target}, replacing what was there. */
    private static void putLink(Path at, Path target) throws IOException {
        Files.createDirectories(at.getParent());
        Files.deleteIfExists(at);
        Files.createSymbolicLink(at, target);
    }

    /** The links of a component: those it declares, and those its link lists in the build tree name. */
    static List<Component.Link> links(Component c, Path sourceDir) throws IOException {
        List<Component.Link> out = new ArrayList<>(c.parsedLinks());
        for (Component.LinkList list : c.parsedLinkLists()) {
            Path file = sourceDir.resolve(list.from());
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("component " + c.name() + ": link list " + list.from() + " was not built");
            }
            for (String line : Files.readAllLines(file)) {
                String path = line.strip();
                if (!path.isEmpty() && !path.equals(list.target())) {
                    out.add(Component.Link.parse(c.name(), path + ":" + list.target()));
                }
            }
        }
        return out;
    }

    /** The declared dependencies of {@code c} and theirs, in declaration order. */
    static List<String> transitiveDependencies(Component c, Map<String, Component> byName) {
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(c.dependsOn());
        while (!todo.isEmpty()) {
            String d = todo.pop();
            if (out.add(d) && byName.containsKey(d)) {
                todo.addAll(byName.get(d).dependsOn());
            }
        }
        List<String> ordered = new ArrayList<>();
        for (String name : byName.keySet()) {
            if (out.contains(name)) {
                ordered.add(name);
            }
        }
        return ordered;
    }

    /** Relative path → sha256 (or link target) of the files under {@code dir}. */
    private static Map<String, String> digests(Path dir) throws IOException {
        Map<String, String> out = new java.util.TreeMap<>();
        for (FileTrees.Entry e : FileTrees.list(dir)) {
            if (e.isLink()) {
                out.put(e.relative(), "-> " + Files.readSymbolicLink(e.path()));
            } else if (e.isFile()) {
                out.put(e.relative(), Sha256.of(e.path()));
            }
        }
        return out;
    }

    private void install(ComponentBuild b, Component.Install i, Path imageDir) throws IOException, BuildStepException {
        Path from = b.sourceDir().resolve(i.from()).normalize();
        if (!from.startsWith(b.sourceDir()) || !Files.isRegularFile(from)) {
            throw new BuildStepException(b.toolchain().arch() + " " + b.component().name() + ": declared install "
                    + i.from() + " was not built (" + from + ")");
        }
        Path to = imageDir.resolve(i.to().substring(1)).normalize();
        Files.createDirectories(to.getParent());
        Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        if (isElf(tmp)) {
            if (hasInterpreter(tmp)) {
                throw new BuildStepException(b.toolchain().arch() + " " + b.component().name() + ": " + i.from()
                        + " is dynamically linked (it names an ELF interpreter); the image has no shared libraries");
            }
            runner.run(b.toolchain().arch() + " strip " + i.to(), List.of(b.toolchain().tool("strip"), "--strip-all",
                    "-R", ".comment", "-R", ".note", tmp.toString()), imageDir, java.util.Map.of(), b.logFile());
        }
        PosixModes.set(tmp, i.mode());
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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
}
