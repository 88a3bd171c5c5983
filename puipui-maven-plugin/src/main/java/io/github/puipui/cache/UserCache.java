package io.github.puipui.cache;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import io.github.puipui.BuildLog;
import io.github.puipui.files.PrivateDirectories;

/**
 * The user-level cache every project of a user shares ({@code ~/.cache/puipui} by default), by area:
 * {@code sha256/} and {@code tmp/} (verified source archives, downloads in progress), {@code src/} (extracted source
 * trees), {@code toolchain/} (musl sysroots, prebuilt toolchains), {@code outputs/} (the build cache) and
 * {@code mirror/}.
 * <p>
 * The build runs what it finds there, so an area is used only when it and the root are trusted
 * ({@link PrivateDirectories#problem}); missing ones are created with private modes. An area that is not trusted
 * costs one warning and a private fallback: the same area under {@code privateRoot} (in the project's work directory).
 */
public final class UserCache {
    private final Path root;
    private final Path privateRoot;
    private final BuildLog log;

    public UserCache(Path root, Path privateRoot, BuildLog log) {
        this.root = root.toAbsolutePath().normalize();
        this.privateRoot = privateRoot.toAbsolutePath().normalize();
        this.log = log;
    }

    /**
     * The root under which this build finds {@code areas}: the shared root when it and each of those areas are
     * trusted (created if missing), else the private root.
     */
    public Path rootFor(String... areas) {
        try {
            Optional<String> problem = PrivateDirectories.problem(PrivateDirectories.create(root));
            for (int i = 0; i < areas.length && problem.isEmpty(); i++) {
                problem = PrivateDirectories.problem(PrivateDirectories.create(root.resolve(areas[i])));
            }
            if (problem.isEmpty()) {
                return root;
            }
            log.warnOnce("not using " + String.join("/, ", areas) + "/ of the cache " + root + ": " + problem.get()
                    + ". Another user could put there what this build runs; using " + privateRoot + " instead."
                    + " Make it yours and private (chown, chmod go-w) or point -Dpuipui.cache at a directory of your own");
        } catch (IOException e) {
            log.warnOnce("not using " + String.join("/, ", areas) + "/ of the cache " + root + ": " + e
                    + "; using " + privateRoot + " instead");
        }
        return privateRoot;
    }
}
