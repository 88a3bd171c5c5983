package io.github.puipui.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.github.puipui.BuildLog;
import io.github.puipui.files.FileTrees;
import io.github.puipui.process.BuildStepException;

/**
 * A build step whose outputs are one directory and whose inputs are described by a text (its key is their digest):
 * <ol>
 * <li><em>up to date</em> when the stamp next to the outputs holds the key (nothing to do);</li>
 * <li>else <em>cached</em> when the {@link TieredCache} has an entry with the key (restored, verified);</li>
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

    private final TieredCache cache;
    private final BuildLog log;

    /**
     * {@code cache}: the build cache, or a distro's published binaries (whose hits are the base's, and which are never
     * stored into), or null to use only the local outputs.
     */
    public CachedStep(TieredCache cache, BuildLog log) {
        this.cache = cache;
        this.log = log;
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

    /** What a step's inputs are once its sources are had: computed only when no likely inputs were found. */
    public interface Inputs {
        String get() throws IOException, BuildStepException;
    }

    /** How the outputs were obtained, and the inputs they match (their digest is the key dependents name). */
    public record Result(How how, String inputs) {
        public String key() {
            return EntryLayout.key(inputs);
        }
    }

    /**
     * Makes {@code outputs} match {@code inputs}. {@code relocate}: an absolute directory that text outputs may
     * name, to be replaced when restored elsewhere (or null).
     */
    public How run(String what, Path outputs, String inputs, String relocate, Work work) throws IOException, BuildStepException {
        return run(what, outputs, List.of(inputs), relocate, () -> inputs, work).how();
    }

    /**
     * Makes {@code outputs} match one of the {@code likely} inputs (most likely first), known without fetching
     * anything: up to date, or restored from the cache. Only when none is found are the {@code actual} inputs
     * computed (which may fetch a source: on a cache hit no source is fetched) and the outputs made from them by
     * {@code work}, unless the cache has them.
     */
    public Result run(String what, Path outputs, List<String> likely, String relocate, Inputs actual, Work work)
            throws IOException, BuildStepException {
        Path stamp = stampOf(outputs);
        if (Files.isDirectory(outputs) && Files.isRegularFile(stamp)) {
            String stamped = Files.readString(stamp);
            for (String inputs : likely) {
                if (EntryLayout.key(inputs).equals(stamped)) {
                    log.info(what + ": up to date (inputs unchanged)");
                    store(what, stamped, inputs, outputs, relocate);
                    return new Result(How.UP_TO_DATE, inputs);
                }
            }
        }
        Files.deleteIfExists(stamp);
        Set<String> tried = new HashSet<>();
        for (String inputs : likely) {
            Result r = restored(what, outputs, inputs, relocate);
            if (r != null) {
                return r;
            }
            tried.add(EntryLayout.key(inputs));
        }
        String inputs = actual.get();
        String key = EntryLayout.key(inputs);
        if (!tried.contains(key)) {
            Result r = restored(what, outputs, inputs, relocate);
            if (r != null) {
                return r;
            }
        }
        Path partial = outputs.resolveSibling(outputs.getFileName() + ".partial");
        FileTrees.deleteTree(partial);
        Files.createDirectories(partial);
        work.produce(partial);
        FileTrees.deleteTree(outputs);
        Files.move(partial, outputs, StandardCopyOption.ATOMIC_MOVE);
        store(what, key, inputs, outputs, relocate);
        Files.writeString(stamp, key);
        return new Result(How.BUILT, inputs);
    }

    /** The outputs restored from the cache's entry for {@code inputs} (stamped), or null on a miss. */
    private Result restored(String what, Path outputs, String inputs, String relocate) throws IOException {
        String key = EntryLayout.key(inputs);
        log.debug(what + ": key " + key + " of the inputs\n" + inputs); // mvn -X: why a step missed the cache
        if (!restore(what, key, outputs, relocate)) {
            return null;
        }
        boolean base = cache.published();
        log.info(what + (base ? ": the base's, from its published binaries (" : ": restored from the build cache (")
                + key.substring(0, 12) + ")");
        Files.writeString(stampOf(outputs), key);
        return new Result(base ? How.BASE : How.CACHED, inputs);
    }

    /**
     * Whether {@code outputs} (null: a step kept only in the cache) can be made from one of the {@code likely} inputs
     * without building: up to date, in the cache, or on its remote tier (asked, not fetched). A plan's answer: a
     * remote entry may still turn out unusable.
     */
    public boolean available(String what, Path outputs, List<String> likely) throws IOException {
        return availableInputs(what, outputs, likely) != null;
    }

    /** The first of the {@code likely} inputs that {@link #available} finds, or null. */
    public String availableInputs(String what, Path outputs, List<String> likely) throws IOException {
        Path stamp = outputs == null ? null : stampOf(outputs);
        String stamped = stamp != null && Files.isDirectory(outputs) && Files.isRegularFile(stamp)
                ? Files.readString(stamp) : null;
        for (String inputs : likely) {
            String key = EntryLayout.key(inputs);
            if (key.equals(stamped) || cache != null && cache.has(what, key)) {
                return inputs;
            }
        }
        return null;
    }

    /**
     * Restores into {@code target} the entry for {@code inputs} from the build cache or its remote tier, outside a
     * {@link #run}: false on a miss (or without a cache).
     */
    public boolean restoreInto(String what, String inputs, Path target, String relocate) {
        return restore(what, EntryLayout.key(inputs), target, relocate);
    }

    /** Keeps {@code dir} in the build cache as the entry for {@code inputs} (and pushes it), outside a {@link #run}. */
    public void keep(String what, String inputs, Path dir, String relocate) {
        store(what, EntryLayout.key(inputs), inputs, dir, relocate);
    }

    /** Stores the outputs in the build cache unless it has them; a failing cache is left alone, never the step. */
    private void store(String what, String key, String inputs, Path outputs, String relocate) {
        if (cache != null) {
            cache.store(what, key, inputs, outputs, relocate);
        }
    }

    private boolean restore(String what, String key, Path outputs, String relocate) {
        return cache != null && cache.restore(what, key, outputs, relocate);
    }
}
