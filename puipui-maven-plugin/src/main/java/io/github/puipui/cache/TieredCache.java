package io.github.puipui.cache;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.puipui.BuildLog;
import io.github.puipui.files.FileTrees;

/**
 * The build cache as tiers of {@link EntryStore}s, and the one place that decides what their failures mean. The first
 * tier is a {@link DirectoryStore} that steps restore from; the further ones (a remote {@link HttpStore}) are looked
 * in, in order, when it misses, and what they deliver is kept in the first before it is restored. What a step stores
 * goes to the first tier and to every further one that is written, and so does a first-tier hit that a written tier
 * lacks ("reshare", as ccache calls it).
 * <p>
 * The policy, for every tier alike (as ccache's {@code storage.cpp} has it):
 * <ul>
 * <li>A damaged entry ({@link DamagedEntryException}) is a miss, with one warning saying what was wrong; the first
 * tier removes it. The tier stays in use.</li>
 * <li>Any other failure (no connection, a deadline passed, a refused login, a redirect, a full disk) costs one warning
 * and the tier is not used again by this build. Without its first tier the cache is not used at all.</li>
 * <li>A step never fails because of the cache: it is built here.</li>
 * </ul>
 * The warnings are this cache's, once per build: one build of a project shares one tiered cache.
 * <p>
 * A distro's published binaries are a tiered cache of their own ({@link #published}): one read-only tier, never
 * stored into, whose hits are the base's.
 */
public final class TieredCache {
    private static final class Tier {
        final EntryStore store;
        final boolean read;
        final boolean write;
        final List<String> readNotices;
        final List<String> writeNotices;
        volatile boolean down;

        Tier(EntryStore store, boolean read, boolean write, List<String> readNotices, List<String> writeNotices) {
            this.store = store;
            this.read = read;
            this.write = write;
            this.readNotices = readNotices;
            this.writeNotices = writeNotices;
        }
    }

    private final DirectoryStore first;
    private final boolean published;
    private final List<Tier> further = new ArrayList<>();
    private final BuildLog log;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private volatile boolean firstDown;

    private TieredCache(DirectoryStore first, boolean published, BuildLog log) {
        this.first = first;
        this.published = published;
        this.log = log;
    }

    /** The build cache in the directory store {@code local} alone. */
    public static TieredCache of(DirectoryStore local, BuildLog log) {
        return new TieredCache(local, false, log);
    }

    /** A distro's published binaries: read only, and what they hold is the base's. */
    public static TieredCache published(DirectoryStore binaries, BuildLog log) {
        return new TieredCache(binaries, true, log);
    }

    /** Adds a remote tier behind the others: read when it can be trusted, written when it pushes. */
    public TieredCache withRemote(HttpStore remote) {
        further.add(new Tier(remote, remote.readable(), remote.writable(), remote.readNotices(),
                remote.writeNotices()));
        return this;
    }

    /** True for a distro's published binaries. */
    public boolean published() {
        return published;
    }

    /** The tier steps restore from. */
    public DirectoryStore first() {
        return first;
    }

    /** False once the first tier failed: the build goes on without the cache. */
    public boolean usable() {
        return !firstDown;
    }

    /**
     * Whether an entry for {@code key} can be had without building: in the first tier, or on a further tier that is
     * read (asked, not fetched). A plan's answer: a remote entry may still turn out unusable.
     */
    public boolean has(String what, String key) {
        if (!usable()) {
            return false;
        }
        if (first.has(key)) {
            return true;
        }
        for (Tier t : readable()) {
            try {
                if (t.store.has(key)) {
                    return true;
                }
            } catch (IOException | RuntimeException e) {
                failed(t, what, e);
            }
        }
        return false;
    }

    /**
     * Restores the entry {@code key} into {@code target} ({@link DirectoryStore#restore}), fetching it from a further
     * tier first when the first lacks it. False on a miss, or when the entry could not be used (warned).
     */
    public boolean restore(String what, String key, Path target, String relocate) {
        if (!usable()) {
            return false;
        }
        boolean local = first.has(key);
        if (!local && !bring(what, key)) {
            return false;
        }
        try {
            if (!first.restore(key, target, relocate)) {
                return false;
            }
        } catch (DamagedEntryException e) {
            warn(null, what + ": the build cache's entry " + first.root().resolve(key) + " is damaged ("
                    + e.getMessage() + "); removing it");
            try {
                first.remove(key);
            } catch (IOException | RuntimeException f) {
                failedFirst("removing a damaged entry of " + what, f);
            }
            return false;
        } catch (IOException | RuntimeException e) {
            failedFirst("restoring " + what, e);
            return false;
        }
        if (local) {
            share(what, key); // a local hit a written tier lacks is shared too
        }
        return true;
    }

    /**
     * Keeps {@code outputs} as the entry {@code key} of {@code inputs} in the first tier, and on every written
     * further tier. Nothing for published binaries, and a failing tier is left alone, never the step.
     */
    public void store(String what, String key, String inputs, Path outputs, String relocate) {
        if (published || !usable()) {
            return;
        }
        try {
            first.store(key, inputs, outputs, relocate);
        } catch (IOException | RuntimeException e) {
            failedFirst("storing " + what, e);
            return;
        }
        share(what, key);
    }

    /** Brings the entry {@code key} into the first tier from the first further tier that has it. */
    boolean bring(String what, String key) {
        for (Tier t : readable()) {
            Path scratch = null;
            try {
                scratch = first.scratch("from-" + key);
                EntryStore.Delivered got = t.store.get(key, scratch);
                if (got != null) {
                    first.put(key, got.dir(), scratch);
                    log.info(String.format("%s: fetched from %s (%,d bytes)", what, t.store.name(), got.transferred()));
                    return first.has(key);
                }
            } catch (DamagedEntryException e) {
                warn(null, what + ": " + t.store.describe() + " served an entry that cannot be used (" + e.getMessage()
                        + "); building it here");
            } catch (IOException | RuntimeException e) {
                failed(t, what, e);
            } finally {
                removeQuietly(scratch);
            }
        }
        return false;
    }

    /** Puts the first tier's entry {@code key} on every written further tier that lacks it. */
    void share(String what, String key) {
        for (Tier t : further) {
            if (!t.write || t.down || !usable() || !first.has(key)) {
                continue;
            }
            t.writeNotices.forEach(n -> warn(n, n));
            Path scratch = null;
            try {
                scratch = first.scratch("to-" + key);
                long bytes = t.store.put(key, first.get(key, scratch).dir(), scratch);
                if (bytes > 0) {
                    log.info(String.format("%s: pushed to %s (%,d bytes)", what, t.store.name(), bytes));
                }
            } catch (IOException | RuntimeException e) {
                failed(t, what, e);
            } finally {
                removeQuietly(scratch);
            }
        }
    }

    /** The further tiers that are read and not down; what a reader should know of each is said once. */
    private List<Tier> readable() {
        List<Tier> out = new ArrayList<>();
        for (Tier t : further) {
            t.readNotices.forEach(n -> warn(n, n));
            if (t.read && !t.down) {
                out.add(t);
            }
        }
        return out;
    }

    /** A further tier failed: not used again in this build. */
    private void failed(Tier t, String what, Exception e) {
        t.down = true;
        String how = e instanceof StoreRefusedException ? e.getMessage() : "cannot be reached (" + reason(e) + ")";
        warn("down " + t.store.describe(), what + ": " + t.store.describe() + " " + how + "; building without it");
    }

    /** The first tier failed (read-only, full, not writable): the build goes on without the cache. */
    private void failedFirst(String doing, Exception e) {
        firstDown = true;
        warn("down " + first.describe(), first.describe() + " failed while " + doing + " (" + e + "); building"
                + " without it");
    }

    private static String reason(Exception e) {
        return e.getMessage() != null ? e.getMessage()
                : e.getCause() != null && e.getCause() != e ? e.getClass().getSimpleName() + ": " + e.getCause()
                : e.getClass().getSimpleName();
    }

    /** Warns once per {@code once} (null: every time). */
    private void warn(String once, String message) {
        if (once == null || warned.add(once)) {
            log.warn(message);
        }
    }

    private static void removeQuietly(Path dir) {
        try {
            if (dir != null) {
                FileTrees.deleteTree(dir);
            }
        } catch (IOException ignored) {
            // removed with the store's other stale leftovers
        }
    }
}
