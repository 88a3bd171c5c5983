package io.github.puipui.maven;

import java.io.File;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

import io.github.puipui.Arch;
import io.github.puipui.ArchSelection;
import io.github.puipui.OutputTimestamp;
import io.github.puipui.fetch.Fetcher;
import io.github.puipui.fetch.ProxyConfig;
import io.github.puipui.fetch.SourceCache;
import io.github.puipui.pipeline.BuildEnvironment;
import io.github.puipui.pipeline.DistroBuild;
import io.github.puipui.pipeline.Layout;
import io.github.puipui.toolchain.ToolchainChoice;

/**
 * The parameters that say how and where to build (arches, jobs, caches, mirrors, compiler launcher, toolchains),
 * and their mapping into the build core's {@link BuildEnvironment} and {@link DistroBuild.Settings}.
 */
abstract class BuildParameters extends DistroParameters {

    /**
     * Architectures to build, comma-separated: {@code aarch64}, {@code x86_64}. The profiles {@code arch-aarch64} and
     * {@code arch-x86_64} set it; in a project that does not define them (a derived distro), {@code -Parch-x86_64}
     * still selects x86_64, and {@code -Dpuipui.arches} given on the command line wins over both.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.arches", defaultValue = "aarch64,x86_64")
    protected String arches;

    /**
     * Where the build works: extracted sources, object trees, logs.
     *
     * @since 0.1.0
     */
    @Parameter(defaultValue = "${project.build.directory}/puipui", required = true)
    protected File workDirectory;

    /**
     * User-level cache of verified sources and build outputs, shared by all projects. Default
     * {@code $XDG_CACHE_HOME/puipui} or {@code ~/.cache/puipui}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.cache")
    protected File cacheDirectory;

    /**
     * Mirrors to look in before upstream, by file name: directories or URLs, comma-separated. Also read from the
     * {@code PUIPUI_MIRRORS} environment variable; the {@code mirror} directory of the cache is always consulted.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.mirrors")
    protected String mirrors;

    /**
     * Take a derived distro's steps whose declared inputs equal its base's from the base's published binaries. With
     * false, every step is built here: a check that the base's binaries are what its definition builds, or a build
     * through a compiler launcher.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.baseBinaries", defaultValue = "true")
    protected boolean baseBinaries;

    /**
     * Keep kernel and component outputs in the user-level build cache (the {@code outputs} directory of the cache)
     * and take them from there when their inputs match, so that another clone of the same sources builds nothing
     * again.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.buildCache", defaultValue = "true")
    protected boolean buildCache;

    /**
     * Size bound of the build cache in MiB; the least recently used entries are removed beyond it.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.buildCache.maxMegabytes", defaultValue = "2048")
    protected long buildCacheMaxMegabytes;

    /**
     * How many jobs make runs at once ({@code make -j}); default: the number of available processors.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.jobs")
    private Integer jobs;

    /**
     * A command put in front of every C compiler call of the kernel and the components, e.g. {@code ccache},
     * {@code sccache} or {@code distcc}, to share compile caches across machines. It does not change the outputs,
     * so it is not part of any cache key.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.compilerLauncher")
    private String compilerLauncher;

    /**
     * The zopfli iterations aarch64's Image.gz is recompressed with (about 3.5 % smaller than make's
     * gzip -9, same gzip format, a few seconds); 0 keeps make's file. Needs the zopfli program.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.kernel.zopfliIterations", defaultValue = "5")
    private int zopfliIterations;

    /**
     * The CA bundle copied to /etc/ssl/certs/ca-certificates.crt in the image (for curl).
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.caBundle", defaultValue = "/etc/ssl/certs/ca-certificates.crt")
    private File caBundle;

    /**
     * Symbols the kconfig guard may see dropped by olddefconfig (intended drops).
     *
     * @since 0.1.0
     */
    @Parameter
    protected List<String> allowedKconfigDrops = new ArrayList<>();

    /**
     * Optional prebuilt musl cross toolchains instead of the host GCC + musl sysroot: each names the {@code arch} it
     * builds for, the {@code hostArch} it runs on, a declared {@code source} (the toolchain tarball, fetched and
     * verified like any source, holding the prefixed gcc and binutils in {@code bin/}) and the tools'
     * {@code prefix} ({@code aarch64-linux-musl-}). It is used when the build host's arch is {@code hostArch}; elsewhere the host
     * GCC with a musl sysroot builds that arch. The components' keys name it, and a derived distro takes its base's
     * components only when it declares the same toolchain. See the site's "Toolchain and userland" page.
     *
     * @since 0.1.0
     */
    @Parameter
    private List<PrebuiltToolchain> prebuiltToolchains = new ArrayList<>();

    /** A prebuilt toolchain declaration. */
    public static class PrebuiltToolchain {
        String arch;
        String hostArch;
        String source;
        String prefix;
    }

    /**
     * The plugin's version, for messages and for running its goals elsewhere.
     *
     * @since 0.1.0
     */
    @Parameter(defaultValue = "${plugin.version}", readonly = true)
    protected String pluginVersion;

    /**
     * Skip the work of the build goals (fetch, kernel, userland, initramfs, package) and of boot-test.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.skip", defaultValue = "false")
    protected boolean skip;

    /** The compiler launcher, empty for none. */
    protected final String compilerLauncher() {
        return compilerLauncher == null ? "" : compilerLauncher.trim();
    }

    protected final int zopfliIterations() {
        return Math.max(0, zopfliIterations);
    }

    protected final int jobs() {
        return jobs != null && jobs > 0 ? jobs : Runtime.getRuntime().availableProcessors();
    }

    /**
     * True (and logged) when {@code <skip>} asks to skip this goal's work: {@code -Dpuipui.skip}, or a POM setting it
     * from a property of its own (the kernel lines' {@code -Dpuipui.skipLines}).
     */
    protected final boolean skipping(String what) {
        if (skip) {
            getLog().info("not " + what + ": <skip> is true (-Dpuipui.skip, or the POM's <skip>)");
        }
        return skip;
    }

    /**
     * The arches to build (see {@link ArchSelection#select}): {@code puipui.arches}, or the arches of the requested
     * {@code arch-<id>} profiles when the project does not define them. Said once per project when the profiles chose.
     */
    protected final List<Arch> archs() throws MojoFailureException {
        ArchSelection.Selection selection;
        try {
            selection = ArchSelection.select(arches, session.getUserProperties().containsKey(ARCHES)
                    || session.getSystemProperties().containsKey(ARCHES), session.getRequest().getActiveProfiles(),
                    project.getInjectedProfileIds().values().stream().flatMap(List::stream).toList());
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
        String note = selection.note();
        if (note != null && project.getContextValue(ARCHES) == null) {
            project.setContextValue(ARCHES, note);
            getLog().info(note);
        }
        return selection.arches();
    }

    private static final String ARCHES = "puipui.arches";

    protected final Layout layout() {
        return new Layout(workDirectory.toPath());
    }

    /** The user-level cache: {@code -Dpuipui.cache}, else {@code $XDG_CACHE_HOME/puipui} or {@code ~/.cache/puipui}. */
    protected final java.nio.file.Path cacheRoot() {
        return cacheDirectory != null ? cacheDirectory.toPath().toAbsolutePath() : SourceCache.defaultRoot();
    }

    /** Where the build works and what it may use, with {@code proxy} (null for none). */
    protected final BuildEnvironment environment(ProxyConfig proxy) {
        return environment(proxy, null);
    }

    /** The core's log. */
    protected abstract io.github.puipui.BuildLog buildLog();

    /** The environment, with the build cache's remote tier {@code remote} (or null). */
    protected final BuildEnvironment environment(ProxyConfig proxy, io.github.puipui.cache.HttpStore.Config remote) {
        List<URI> all = new ArrayList<>(Fetcher.parseMirrors(mirrors)); // the environment drops repeated ones
        all.addAll(Fetcher.parseMirrors(System.getenv("PUIPUI_MIRRORS")));
        if (remote != null && session.isOffline()) {
            buildLog().warnOnce("the remote cache " + remote.serverId() + " (" + remote.url() + ") is not used: Maven is"
                    + " offline (-o), and a build offline asks no server");
        }
        return new BuildEnvironment(workDirectory.toPath(), cacheRoot(), all,
                session.isOffline(), proxy, buildCache ? Math.max(1, buildCacheMaxMegabytes) << 20 : 0,
                session.isOffline() ? null : remote);
    }


    /**
     * The build cache's remote tier: the URL of a directory on an HTTP(S) server that answers HEAD and GET, and PUT
     * to write (nginx with dav_methods PUT, Apache httpd mod_dav, a raw repository of Artifactory or Nexus). Entries
     * missing from the local build cache are looked for there, with keys exactly as strict as the local ones.
     * Credentials come from the settings.xml server named by remoteCacheServerId, and the settings' proxies apply.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.remoteCache")
    protected String remoteCache;

    /**
     * The id of the settings.xml server whose user name and password the remote cache is read and written with.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.remoteCache.serverId", defaultValue = "puipui-remote-cache")
    protected String remoteCacheServerId;

    /**
     * Write to the remote cache what this build stores in the local one (the main branch's CI); reading is the
     * default, as with ccache and Gradle.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.remoteCache.push", defaultValue = "false")
    protected boolean remoteCachePush;

    /**
     * Ed25519 public keys (PEM files, comma-separated): only remote cache entries signed by one of them are used.
     * Without them, no entry is read from the remote cache (see remoteCacheAcceptUnsigned).
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.remoteCache.trustedKeys")
    protected String remoteCacheTrustedKeys;

    /**
     * Take remote cache entries that no trusted key signed, when no trusted key is named: anyone who can write to the
     * server, or change what it serves, can then change what the build runs. Warned of once per build.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.remoteCache.acceptUnsigned", defaultValue = "false")
    protected boolean remoteCacheAcceptUnsigned;

    /**
     * The Ed25519 private key (a PKCS#8 PEM file, as openssl genpkey -algorithm ed25519 writes it) that pushed entries
     * are signed with.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.remoteCache.signingKey")
    protected File remoteCacheSigningKey;

    /** How to build, for the output timestamp {@code ts}. */
    protected final DistroBuild.Settings settings(OutputTimestamp ts) {
        List<ToolchainChoice.Prebuilt> prebuilt = new ArrayList<>();
        for (PrebuiltToolchain p : prebuiltToolchains) {
            prebuilt.add(new ToolchainChoice.Prebuilt(p.arch, p.hostArch, p.source, p.prefix));
        }
        return new DistroBuild.Settings(ts, jobs(), compilerLauncher(), zopfliIterations(),
                allowedKconfigDrops, caBundle.toPath(), prebuilt);
    }
}
