package io.github.puipui.maven;

import java.nio.file.Path;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Proxy;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

import io.github.puipui.Arch;
import io.github.puipui.BuildLog;
import io.github.puipui.fetch.FetchException;
import io.github.puipui.fetch.Fetcher;
import io.github.puipui.fetch.ProxyConfig;
import io.github.puipui.pipeline.BuildEnvironment;
import io.github.puipui.pipeline.DistroBuild;

/**
 * What every puipui goal shares beyond its parameters: Maven's services (a base's resolution, the proxies of
 * {@code settings.xml}, the plugin's own jar), the definition and the build core made from the parameters, and the
 * mapping of the core's failures to Maven's.
 */
abstract class AbstractPuipuiMojo extends BuildParameters {
    @Component
    private org.eclipse.aether.RepositorySystem repositorySystem;

    @Component
    private SettingsDecrypter settingsDecrypter;

    private io.github.puipui.distro.DistroDefinition definition;

    private DistroBuild distroBuild;

    /** The time each arch's steps took in this project build, shared by its goals. */
    protected final ArchTimes archTimes() {
        synchronized (project) {
            if (project.getContextValue(ArchTimes.class.getName()) instanceof ArchTimes known) {
                return known;
            }
            ArchTimes times = new ArchTimes();
            project.setContextValue(ArchTimes.class.getName(), times);
            return times;
        }
    }

    /** {@code project.build.outputTimestamp}, parsed. */
    protected final io.github.puipui.OutputTimestamp timestamp() throws MojoExecutionException, MojoFailureException {
        String declared = definition().outputTimestamp();
        return core("output timestamp", () -> io.github.puipui.OutputTimestamp.parse(declared));
    }

    /** The kernel config of an arch (see {@link DistroBuild#kconfigFile}). */
    protected final Path kconfigFile(Arch arch) throws MojoExecutionException, MojoFailureException {
        DistroBuild build = distroBuild();
        return core("kernel config", () -> build.kconfigFile(arch));
    }

    /** The goal's fetcher, for goals that only fetch (no build settings, so no output timestamp, needed). */
    protected final Fetcher fetcher() {
        return environment(proxy()).fetcher(buildLog());
    }

    /** Where an arch's finished pieces (kernel image, initramfs) are collected. */
    protected final Path outputDirectory(Arch arch) {
        return layout().out(arch);
    }

    /** The core's log: the mojo's, with the warnings said once per project build (shared by its goals). */
    protected final BuildLog buildLog() {
        String key = MavenBuildLog.class.getName() + ".warned";
        synchronized (project) {
            if (!(project.getContextValue(key) instanceof java.util.Set<?>)) {
                project.setContextValue(key, java.util.concurrent.ConcurrentHashMap.<String>newKeySet());
            }
            @SuppressWarnings("unchecked")
            java.util.Set<String> warned = (java.util.Set<String>) project.getContextValue(key);
            return new MavenBuildLog(getLog(), warned);
        }
    }

    /**
     * The distro this project builds: the declared one, or the base's definition changed by this project's
     * declarations. Checked once per goal.
     */
    protected final synchronized io.github.puipui.distro.DistroDefinition definition() throws MojoExecutionException,
            MojoFailureException {
        if (definition == null) {
            definition = core("reading the distro definition",
                    () -> declaration().definition(this::resolveBase, layout().base(), buildLog()));
        }
        return definition;
    }

    /** The Debian seeding list of this distro (of a derived one: what it adds to or changes in its base). */
    protected final String debianSourcesText() throws MojoExecutionException, MojoFailureException {
        io.github.puipui.distro.DistroDefinition d = definition();
        return core("reading the base distro's definition",
                () -> declaration().debianSources(d, this::resolveBase, layout().base(), buildLog()));
    }

    /** Resolves a base distro's definition artifact from the local repository or the project's repositories. */
    private Path resolveBase(String groupId, String artifactId, String version) throws java.io.IOException {
        return resolveBaseArtifact(groupId, artifactId, version, "definition");
    }

    /** Resolves an artifact of the base distro (its definition, an arch's binaries) like a dependency. */
    private Path resolveBaseArtifact(String groupId, String artifactId, String version, String classifier)
            throws java.io.IOException {
        org.eclipse.aether.artifact.Artifact wanted = new org.eclipse.aether.artifact.DefaultArtifact(groupId,
                artifactId, classifier, "tar.gz", version);
        try {
            return repositorySystem.resolveArtifact(session.getRepositorySession(),
                    new org.eclipse.aether.resolution.ArtifactRequest(wanted, project.getRemoteProjectRepositories(), null))
                    .getArtifact().getFile().toPath();
        } catch (org.eclipse.aether.resolution.ArtifactResolutionException e) {
            throw new java.io.IOException("cannot resolve the base distro " + base + " (its " + classifier + " " + wanted
                    + "): " + e.getMessage() + ". A distro publishes it with mvn install or mvn deploy.", e);
        }
    }

    /** Fetches, verifies and extracts a declared source; returns its top directory. */
    protected final Path sourceTree(String name) throws MojoExecutionException, MojoFailureException {
        DistroBuild build = distroBuild();
        return core("extracting " + name, () -> build.sourceTree(name));
    }

    /** A call into the build core. */
    protected interface CoreCall<T> {
        T call() throws java.io.IOException, io.github.puipui.process.BuildStepException, FetchException,
                io.github.puipui.toolchain.MissingHostToolException;
    }

    /**
     * Runs a call into the build core and gives its failures to Maven: a failed build step or a missing host tool
     * is a build failure (the user's to fix), the rest an execution error, each with the core's message.
     */
    protected final <T> T core(String what, CoreCall<T> call) throws MojoExecutionException, MojoFailureException {
        try {
            return call.call();
        } catch (io.github.puipui.process.BuildStepException | io.github.puipui.toolchain.MissingHostToolException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (FetchException | IllegalArgumentException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new MojoExecutionException(what + ": " + e.getMessage(), e);
        }
    }

    /** The build core of this distro, set up from the goal's parameters (one per goal execution). */
    protected final synchronized DistroBuild distroBuild() throws MojoExecutionException, MojoFailureException {
        if (distroBuild == null) {
            BuildEnvironment env = environment(proxy(), remoteCacheConfig());
            DistroBuild build = DistroBuild.open(definition(), env, buildCache(env), settings(timestamp()), buildLog());
            if (isDerived() && !baseBinaries) {
                getLog().info("base distro " + base + ": its binaries are not used (puipui.baseBinaries=false):"
                        + " every step is built here");
            } else if (isDerived()) {
                io.github.puipui.distro.DistroDeclaration d = declaration();
                java.util.Map<String, io.github.puipui.distro.DistroBinaries.Index> indexes = core(
                        "reading the base distro's definition", () -> d.baseBinaries(this::resolveBase, layout().base(),
                                buildLog()));
                if (indexes.isEmpty()) {
                    getLog().info("base distro " + base + " publishes no binaries: every step is built here");
                }
                String[] gav = d.baseCoordinatesText().split(":");
                build.withBase(new DistroBuild.Base(indexes, archId -> resolveBaseArtifact(gav[0], gav[1], gav[2],
                        archId + "-binaries")));
            }
            distroBuild = build;
        }
        return distroBuild;
    }

    /**
     * The build cache of {@code env}, one per project build: its goals share what it learnt (a tier that failed is
     * asked no more, and warned of once). Null when the build cache is off.
     */
    private io.github.puipui.cache.TieredCache buildCache(BuildEnvironment env) {
        String key = io.github.puipui.cache.TieredCache.class.getName();
        String id = env.userCache() + " " + env.buildCacheBytes() + " " + env.remoteCache();
        synchronized (project) {
            if (project.getContextValue(key) instanceof SharedCache known && known.id().equals(id)) {
                return known.cache();
            }
            io.github.puipui.cache.TieredCache cache = env.buildCache(buildLog());
            project.setContextValue(key, new SharedCache(id, cache));
            return cache;
        }
    }

    /** A project build's build cache, and the settings it was made from. */
    private record SharedCache(String id, io.github.puipui.cache.TieredCache cache) {
    }

    /** The remote tier of the build cache, with its settings.xml server's credentials, or null when none is set. */
    private io.github.puipui.cache.HttpStore.Config remoteCacheConfig() throws MojoExecutionException {
        if (remoteCache == null || remoteCache.isBlank()) {
            return null;
        }
        java.net.URI url;
        try {
            url = new java.net.URI(remoteCache.trim());
        } catch (java.net.URISyntaxException e) {
            throw new MojoExecutionException("puipui.remoteCache is not a URL: " + remoteCache);
        }
        String user = null;
        String password = null;
        org.apache.maven.settings.Server server = session.getSettings().getServer(remoteCacheServerId);
        if (server != null) {
            SettingsDecryptionResult r = settingsDecrypter.decrypt(new DefaultSettingsDecryptionRequest(server));
            org.apache.maven.settings.Server s = r.getServer() != null ? r.getServer() : server;
            user = s.getUsername();
            password = s.getPassword();
        }
        java.util.List<java.security.PublicKey> trusted = new java.util.ArrayList<>();
        java.security.PrivateKey signing = null;
        try {
            if (remoteCacheTrustedKeys != null) {
                for (String f : remoteCacheTrustedKeys.split(",")) {
                    if (!f.isBlank()) {
                        trusted.add(io.github.puipui.cache.EntrySigning.readPublicKey(Path.of(f.trim())));
                    }
                }
            }
            if (remoteCacheSigningKey != null) {
                signing = io.github.puipui.cache.EntrySigning.readPrivateKey(remoteCacheSigningKey.toPath());
            }
        } catch (java.io.IOException e) {
            throw new MojoExecutionException("remote cache keys: " + e.getMessage(), e);
        }
        try {
            return new io.github.puipui.cache.HttpStore.Config(remoteCacheServerId, url, user, password,
                    remoteCachePush, new io.github.puipui.cache.EntrySigning(trusted, signing),
                    remoteCacheAcceptUnsigned);
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException("puipui.remoteCache: " + e.getMessage(), e);
        }
    }

    private ProxyConfig proxy() {
        for (Proxy p : session.getSettings().getProxies()) {
            if (!p.isActive() || !("https".equalsIgnoreCase(p.getProtocol()) || "http".equalsIgnoreCase(p.getProtocol()))) {
                continue;
            }
            SettingsDecryptionResult r = settingsDecrypter.decrypt(new DefaultSettingsDecryptionRequest(p));
            Proxy d = r.getProxy() != null ? r.getProxy() : p;
            return new ProxyConfig(d.getHost(), d.getPort(), d.getUsername(), d.getPassword(), d.getNonProxyHosts());
        }
        return null;
    }
}
