package io.github.puipui.pipeline;

import java.nio.file.Path;

import io.github.puipui.BuildLog;
import io.github.puipui.cache.TieredCache;
import io.github.puipui.distro.DistroDefinition;
import io.github.puipui.fetch.Fetcher;
import io.github.puipui.process.ProcessRunner;

/**
 * What the steps of one distro build share: the definition, where the build works ({@link Layout}), the user cache's
 * trusted areas for sources and toolchains ({@code cacheRoot}), the fetcher (one HTTP client), the build cache (null:
 * build everything here), the settings, the log, and one process runner for every command.
 */
record BuildContext(DistroDefinition definition, Layout layout, Path cacheRoot, Fetcher fetcher, TieredCache cache,
        DistroBuild.Settings settings, BuildLog log, ProcessRunner runner) {
}
