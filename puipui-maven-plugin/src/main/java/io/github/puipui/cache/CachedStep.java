package io.github.puipui.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import io.github.puipui.BuildLog;
import io.github.puipui.files.FileTrees;
import io.github.puipui.process.BuildStepException;

/**
 * A build step whose outputs are one directory and whose inputs are described by a text (its key is their digest):
 * <ol>
 * <li><em>up to date</em> when the stamp next to the outputs holds the key (nothing to do);</li>
 * <li>else <em>cached</em> when the {@link OutputCache} has an entry with the key (restored, verified);</li>
 * <li>else <em>built</em>: the work writes into {@code <outputs>.partial}, which replaces the outputs only when the
 * work succeeded, and the result is stored in the cache.</li>
 * </ol>
 * The stamp is removed before anything changes the outputs and written last, so a killed or failed step is never
 * taken for up to date.
 */
public final class CachedStep {
    /** Produces the outputs into an empty directory. */
    public interface Work {
        void produce(Path outputs) throws IOException, BuildStepException;
    }

    /** How the outputs were obtained. */
    public enum How {
        UP_TO_DATE("up to date"), CACHED("cached"), BASE("the base's"), BUILT("built");

        private final String text;

        How(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private final OutputCache cache;
    private final BuildLog log;
    private final boolean base;

    /** {@code cache}: the shared build cache, or null to use only the local outputs. */
    public CachedStep(OutputCache cache, BuildLog log) {
        this(cache, log, false);
    }

    private CachedStep(OutputCache cache, BuildLog log, boolean base) {
        this.cache = cache;
        this.log = log;
        this.base = base;
    }

    /**
     * A step a derived distro takes from its base's published binaries ({@code entries}, keyed by the digest of the
     * step's declared inputs) instead of building it: up to date, or restored from them; never stored into them.
     */
    public static CachedStep fromBase(OutputCache entries, BuildLog log) {
        return new CachedStep(entries, log, true);
    }

    /**
     * Copies a step's output file to where users find it, unless the same bytes are there already (so a step that is
     * up to date leaves its published file untouched); through a temporary file and a rename. Returns whether it
     * copied.
     */
    public static boolean publish(Path from, Path to) throws IOException {
        if (Files.isRegularFile(to) && Files.mismatch(from, to) == -1) {
            return false;
        }
        FileTrees.writeAtomically(to, tmp -> Files.copy(from, tmp));
        return true;
    }

    /** The stamp recording the key of the inputs that {@code outputs} were made from. */
    public static Path stampOf(Path outputs) {
        return outputs.resolveSibling(outputs.getFileName() + ".key");
    }

    /**
     * Makes {@code outputs} match {@code inputs}. {@code relocate}: an absolute directory that text outputs may
     * name, to be replaced when restored elsewhere (or null).
     */
    public How run(String what, Path outputs, String inputs, String relocate, Work work) throws IOException, BuildStepException {
        String key = OutputCache.key(inputs);
        Path stamp = stampOf(outputs);
        if (Files.isDirectory(outputs) && Files.isRegularFile(stamp) && Files.readString(stamp).equals(key)) {
            log.info(what + ": up to date (inputs unchanged)");
            store(what, key, inputs, outputs, relocate);
            return How.UP_TO_DATE;
        }
        Files.deleteIfExists(stamp);
        log.debug(what + ": key " + key + " of the inputs\n" + inputs); // mvn -X: why a step missed the cache
        if (restore(what, key, outputs, relocate)) {
            log.info(what + (base ? ": the base's, from its published binaries (" : ": restored from the build cache (")
                    + key.substring(0, 12) + ")");
            Files.writeString(stamp, key);
            return base ? How.BASE : How.CACHED;
        }
        Path partial = outputs.resolveSibling(outputs.getFileName() + ".partial");
        FileTrees.deleteTree(partial);
        Files.createDirectories(partial);
        work.produce(partial);
        FileTrees.deleteTree(outputs);
        Files.move(partial, outputs, StandardCopyOption.ATOMIC_MOVE);
        store(what, key, inputs, outputs, relocate);
        Files.writeString(stamp, key);
        return How.BUILT;
    }

    /**
     * Restores into {@code target} the entry for {@code inputs} from the build cache or its remote tier, outside a
     * {@link #run}: false on a miss (or without a cache).
     */
    public boolean restoreInto(String what, String inputs, Path target, String relocate) {
        return restore(what, OutputCache.key(inputs), target, relocate);
    }

    /** Keeps {@code dir} in the build cache as the entry for {@code inputs} (and pushes it), outside a {@link #run}. */
    public void keep(String what, String inputs, Path dir, String relocate) {
        store(what, OutputCache.key(inputs), inputs, dir, relocate);
    }

    /** Stores the outputs in the build cache unless it has them; a failing cache is left alone, never the step. */
    private void store(String what, String key, String inputs, Path outputs, String relocate) {
        if (base || cache == null || !cache.usable()) {
            return;
        }
        if (!cache.contains(key)) {
            try {
                cache.store(key, inputs, outputs, relocate);
            } catch (IOException | RuntimeException e) {
                cache.fault("storing " + what, e);
                return;
            }
        }
        if (cache.remote() != null) {
            cache.remote().push(key, cache, what);
        }
    }

    private boolean restore(String what, String key, Path outputs, String relocate) {
        if (cache == null || !cache.usable()) {
            return false;
        }
        try {
            if (!base && cache.remote() != null && !cache.contains(key)) {
                long bytes = cache.remote().pull(key, cache, what);
                if (bytes >= 0) {
                    log.info(String.format("%s: fetched from the remote cache %s (%,d bytes)", what,
                            cache.remote().config().serverId(), bytes));
                }
            }
            return cache.restore(key, outputs, relocate);
        } catch (IOException | RuntimeException e) {
            cache.fault("restoring " + what, e);
            return false;
        }
    }
}
