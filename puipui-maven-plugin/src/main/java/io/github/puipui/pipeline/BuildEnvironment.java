package io.github.puipui.pipeline;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.github.puipui.BuildLog;
import io.github.puipui.cache.DirectoryStore;
import io.github.puipui.cache.HttpStore;
import io.github.puipui.cache.TieredCache;
import io.github.puipui.cache.UserCache;
import io.github.puipui.fetch.Fetcher;
import io.github.puipui.fetch.ProxyConfig;
import io.github.puipui.fetch.SourceCache;
import io.github.puipui.fetch.Transport;

/**
 * Where a build works and what it may use: its work directory ({@code target/puipui}), the user cache, the mirrors
 * to look in before upstream (the user cache's {@code mirror/} is added), whether it may use the network, the
 * proxy, and the build cache's size bound in bytes (0: no build cache).
 */
public record BuildEnvironment(Path workDirectory, Path userCache, List<URI> mirrors, boolean offline,
        ProxyConfig proxy, long buildCacheBytes, HttpStore.Config remoteCache) {
    public BuildEnvironment(Path workDirectory, Path userCache, List<URI> mirrors, boolean offline,
            ProxyConfig proxy, long buildCacheBytes) {
        this(workDirectory, userCache, mirrors, offline, proxy, buildCacheBytes, null);
    }

    /** The user cache's areas this build may trust, with a private fallback under the work directory. */
    public UserCache trustedCache(BuildLog log) {
        return new UserCache(userCache, new Layout(workDirectory).privateCache(), log);
    }

    /**
     * The build cache: the user cache's {@code outputs/}, bounded to {@link #buildCacheBytes}, and behind it the remote
     * cache when one is set; null when the build cache is off. One build of a project shares one.
     */
    public TieredCache buildCache(BuildLog log) {
        if (buildCacheBytes <= 0) {
            return null;
        }
        TieredCache cache = TieredCache.of(new DirectoryStore(trustedCache(log).rootFor("outputs").resolve("outputs"),
                buildCacheBytes, log), log);
        return remoteCache == null ? cache
                : cache.withRemote(new HttpStore(remoteCache, new Transport(proxy), buildCacheBytes));
    }

    /** The mirrors, then the user cache's {@code mirror/}. */
    public List<URI> allMirrors() {
        Set<URI> all = new LinkedHashSet<>(mirrors);
        all.add(userCache.resolve("mirror").toUri());
        return new ArrayList<>(all);
    }

    /** A fetcher (one HTTP client) over the user cache's verified sources, the mirrors and upstream. */
    public Fetcher fetcher(BuildLog log) {
        return new Fetcher(new SourceCache(trustedCache(log).rootFor("sha256", "tmp"), log), new Transport(proxy),
                allMirrors(), offline, log);
    }
}
