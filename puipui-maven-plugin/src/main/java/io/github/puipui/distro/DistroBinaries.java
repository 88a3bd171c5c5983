package io.github.puipui.distro;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.github.puipui.BuildLog;
import io.github.puipui.cache.DirectoryStore;
import io.github.puipui.cache.EntryLayout;
import io.github.puipui.cache.TieredCache;
import io.github.puipui.fetch.Extractor;
import io.github.puipui.files.FileTrees;
import io.github.puipui.files.ReproducibleTar;
import io.github.puipui.files.Sha256;

/**
 * The binaries a distro publishes for each arch (classifier {@code <arch>-binaries}, a {@code tar.gz}), from which a
 * derived distro takes every step whose declared inputs equal the base's instead of building it, as a Dockerfile's
 * {@code FROM} reuses the base image's layers: the kernel, the musl sysroot, each component, the CA bundle.
 * <p>
 * The archive holds, under {@code binaries/}, one build-cache entry per step ({@link EntryLayout}: files,
 * their {@code MANIFEST} of digests and modes, the {@code INPUTS} text), keyed by the digest of the step's declared
 * inputs ({@code StepInputs}). The distro's definition names, per arch, the archive's sha256 and each step's key
 * ({@link Index}): a derived distro trusts its base's definition (pinned by digest when the POM says so), so it
 * verifies the archive against it before it extracts anything, and every restored file against its entry's manifest.
 */
public final class DistroBinaries {
    public static final String TOP = "binaries";

    /** The step ids of the binaries: the kernel, the musl sysroot, the CA bundle, and one per component. */
    public static final String KERNEL = "kernel";
    public static final String TOOLCHAIN = "toolchain";
    public static final String CA_BUNDLE = "ca-bundle";

    public static String component(String name) {
        return "component:" + name;
    }

    /** What a definition says of an arch's binaries: the archive's sha256, and each step's id and key. */
    public record Index(String arch, String sha256, Map<String, String> steps) {
        public Index {
            if (!Sha256.isDigest(sha256)) {
                throw new IllegalArgumentException("the binaries of " + arch + ": '" + sha256 + "' is not a sha256");
            }
            steps = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(steps));
            for (Map.Entry<String, String> s : steps.entrySet()) {
                if (!s.getKey().matches("[a-z-]+(:[A-Za-z0-9._+-]+)?") || !Sha256.isDigest(s.getValue())) {
                    throw new IllegalArgumentException("the binaries of " + arch + ": bad step '" + s.getKey() + " "
                            + s.getValue() + "'");
                }
            }
        }

        /** A step as the definition lists it: {@code id key}. */
        public List<String> lines() {
            return steps.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList();
        }

        public static Index of(String arch, String sha256, List<String> lines) {
            Map<String, String> steps = new LinkedHashMap<>();
            for (String line : lines) {
                String[] f = line.trim().split(" ");
                if (f.length != 2 || steps.put(f[0], f[1]) != null) {
                    throw new IllegalArgumentException("the binaries of " + arch + ": bad step '" + line + "'");
                }
            }
            return new Index(arch, sha256, steps);
        }

        /** True when the binaries hold the step {@code id} with the declared inputs {@code declaredInputs}. */
        public boolean has(String id, String declaredInputs) {
            return EntryLayout.key(declaredInputs).equals(steps.get(id));
        }
    }

    /**
     * A step to publish: its id, its declared inputs, and either its outputs directory (with {@code relocate}, an
     * absolute directory its text files may name, or null) or, with {@code outputs} null, the entry of the same key
     * in {@code from} (a base's binaries this build took it from without restoring it).
     */
    public record Step(String id, String declaredInputs, Path outputs, String relocate, DistroBinaries from) {
    }

    private final Index index;
    private final DirectoryStore store;
    private final TieredCache entries;

    private DistroBinaries(Index index, DirectoryStore store, BuildLog log) {
        this.index = index;
        this.store = store;
        this.entries = TieredCache.published(store, log);
    }

    public Index index() {
        return index;
    }

    /** The entries, keyed by the digest of each step's declared inputs: a read-only cache whose hits are the base's. */
    public TieredCache entries() {
        return entries;
    }

    public boolean has(String id, String declaredInputs) {
        return index.has(id, declaredInputs);
    }

    /**
     * Writes the binaries of {@code arch} to {@code target} (staging the entries in {@code work}, emptied first), the
     * same bytes for the same steps; returns their index.
     */
    public static Index write(String arch, List<Step> steps, Path work, Path target, long mtime, BuildLog log)
            throws IOException {
        FileTrees.deleteTree(work);
        DirectoryStore out = new DirectoryStore(work.resolve(TOP), Long.MAX_VALUE, "the binaries of " + arch, log);
        Map<String, String> keys = new LinkedHashMap<>();
        for (Step s : steps) {
            String key = EntryLayout.key(s.declaredInputs());
            if (s.outputs() != null) {
                out.store(key, s.declaredInputs(), s.outputs(), s.relocate());
            } else {
                DirectoryStore.Delivered entry = s.from().store.get(key, null);
                if (entry == null) {
                    throw new IOException("the base's binaries of " + arch + " lack the step " + s.id());
                }
                out.put(key, entry.dir(), null);
            }
            keys.put(s.id(), key);
        }
        FileTrees.deleteTree(out.root().resolve("tmp"));
        Map<String, Path> tree = new TreeMap<>();
        for (FileTrees.Entry e : FileTrees.list(out.root())) {
            tree.put(e.relative(), e.path());
        }
        ReproducibleTar.write(target, TOP, tree, Map.of(), mtime);
        FileTrees.deleteTree(work);
        return new Index(arch, Sha256.of(target), keys);
    }

    /**
     * The binaries {@code index} describes, from {@code archive} (resolved from a repository): verified against the
     * index's digest, then extracted into {@code workDir} (once per archive).
     */
    public static DistroBinaries open(Index index, Path archive, Path workDir, BuildLog log) throws IOException {
        String sha = Sha256.of(archive);
        if (!sha.equals(index.sha256())) {
            throw new IOException("the base's binaries for " + index.arch() + " (" + archive + ") have sha256 " + sha
                    + ", not the " + index.sha256() + " its definition gives: they are not the base's");
        }
        if (!Extractor.isComplete(workDir, sha)) {
            log.info("base binaries " + index.arch() + ": " + archive);
        }
        Path top = new Extractor(Extractor.Kind.BINARIES).extractTree(archive, sha, workDir);
        if (!top.getFileName().toString().equals(TOP)) {
            throw new IOException(archive + " has no " + TOP + "/ directory");
        }
        return new DistroBinaries(index, new DirectoryStore(top, Long.MAX_VALUE, "the base's published binaries of "
                + index.arch(), log), log);
    }
}
