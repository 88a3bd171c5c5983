package io.github.puipui.maven;

import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.settings.Proxy;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

import io.github.puipui.BuildLog;
import io.github.puipui.fetch.Extractor;
import io.github.puipui.fetch.FetchException;
import io.github.puipui.fetch.Fetcher;
import io.github.puipui.fetch.ProxyConfig;
import io.github.puipui.fetch.Source;
import io.github.puipui.fetch.SourceCache;
import io.github.puipui.fetch.Transport;
import io.github.puipui.toolchain.Arch;

/** Parameters every puipui goal shares: the declared sources, the arches, the cache and mirrors. */
abstract class AbstractPuipuiMojo extends AbstractMojo {

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    protected MavenSession session;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    protected MavenProject project;

    /** The source archives of the distro: name, version, file, url, sha256 (or sha256sums), alternatives. */
    @Parameter
    protected List<Source> sources = new ArrayList<>();

    /** Architectures to build, comma-separated: {@code aarch64}, {@code x86_64}. The arch-* profiles set it. */
    @Parameter(property = "puipui.arches", defaultValue = "aarch64,x86_64")
    protected String arches;

    /**
     * User-level cache of verified sources and build outputs, shared by all projects. Default
     * {@code $XDG_CACHE_HOME/puipui} or {@code ~/.cache/puipui}.
     */
    @Parameter(property = "puipui.cache")
    protected File cacheDirectory;

    /**
     * Mirrors to look in before upstream, by file name: directories or URLs, comma-separated. Also read from the
     * {@code PUIPUI_MIRRORS} environment variable; {@code <cache>/mirror} is always consulted.
     */
    @Parameter(property = "puipui.mirrors")
    protected String mirrors;

    /** Where the build works: extracted sources, object trees, logs. */
    @Parameter(defaultValue = "${project.build.directory}/puipui", required = true)
    protected File workDirectory;

    /** The kconfig files, one per arch: {@code aarch64.config}, {@code x86_64.config} (defconfig format). */
    @Parameter(property = "puipui.kconfigDirectory", defaultValue = "${project.basedir}/kconfig", required = true)
    protected File kconfigDirectory;

    /** Reproducible builds: pinned into the kernel, the cpio and the tarballs. */
    @Parameter(defaultValue = "${project.build.outputTimestamp}")
    protected String outputTimestamp;

    /** The plugin's version, for messages and for running its goals elsewhere. */
    @Parameter(defaultValue = "${plugin.version}", readonly = true)
    protected String pluginVersion;

    /** The plugin itself: its jar's digest is part of every step's key ({@link #pluginIdentity}). */
    @Parameter(defaultValue = "${plugin}", readonly = true)
    private org.apache.maven.plugin.descriptor.PluginDescriptor pluginDescriptor;

    private String pluginIdentity;

    /** Skip the work of the build goals (fetch, kernel, userland, initramfs, package). */
    @Parameter(property = "puipui.skip", defaultValue = "false")
    protected boolean skip;

    /**
     * Keep kernel and component outputs in the user-level build cache ({@code <cache>/outputs}) and take them from
     * there when their inputs match, so that another clone of the same sources builds nothing again.
     */
    @Parameter(property = "puipui.buildCache", defaultValue = "true")
    protected boolean buildCache;

    /** Size bound of the build cache in MiB; the least recently used entries are removed beyond it. */
    @Parameter(property = "puipui.buildCache.maxMegabytes", defaultValue = "2048")
    protected long buildCacheMaxMegabytes;

    @Component
    private SettingsDecrypter settingsDecrypter;

    /** Serializes extractions into the shared work directory (the arches may run in parallel). */
    private static final Object EXTRACTION_LOCK = new Object();

    private Fetcher fetcher;

    /**
     * What every step's key says of the plugin: its version and the sha256 of its jar. The jar is built
     * reproducibly, so a change of any recipe, flag or class gives a new digest (a SNAPSHOT version alone would not),
     * and rebuilding the same sources gives the same one.
     */
    protected final synchronized String pluginIdentity() throws MojoExecutionException {
        if (pluginIdentity == null) {
            java.io.File jar = pluginDescriptor == null || pluginDescriptor.getPluginArtifact() == null ? null
                    : pluginDescriptor.getPluginArtifact().getFile();
            if (jar == null || !jar.isFile()) {
                throw new MojoExecutionException("cannot find the plugin's own jar to key the build steps on (" + jar + ")");
            }
            try {
                pluginIdentity = pluginVersion + " sha256 " + io.github.puipui.fetch.Sha256.of(jar.toPath());
            } catch (java.io.IOException e) {
                throw new MojoExecutionException("cannot read " + jar + ": " + e.getMessage(), e);
            }
        }
        return pluginIdentity;
    }

    /** True (and logged) when {@code -Dpuipui.skip} asks to skip this goal's work. */
    protected final boolean skipping(String what) {
        if (skip) {
            getLog().info("puipui.skip: not " + what);
        }
        return skip;
    }

    /** {@code project.build.outputTimestamp}, parsed. */
    protected final io.github.puipui.OutputTimestamp timestamp() throws MojoExecutionException {
        try {
            return io.github.puipui.OutputTimestamp.parse(outputTimestamp);
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
    }

    protected final List<Arch> archs() throws MojoFailureException {
        try {
            return io.github.puipui.toolchain.ArchSelection.parse(arches, session.getRequest().getActiveProfiles());
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
    }

    protected final Path kconfigFile(Arch arch) throws MojoExecutionException {
        Path f = kconfigDirectory.toPath().resolve(arch.id() + ".config").normalize();
        if (!java.nio.file.Files.isRegularFile(f)) {
            throw new MojoExecutionException("no kernel config for " + arch + ": " + f + " does not exist. Start from"
                    + " the distro's own kconfig/" + arch.id() + ".config (or make tinyconfig's .config), put it there,"
                    + " then run mvn puipui:update-kconfig -Parch-" + arch.id() + " to resolve it for this kernel");
        }
        return f;
    }

    /** Where an arch's finished pieces (kernel image, initramfs) are collected. */
    protected final Path outputDirectory(Arch arch) {
        return workDirectory.toPath().resolve(arch.id()).resolve("out");
    }

    protected final BuildLog buildLog() {
        return new MavenBuildLog(getLog());
    }

    protected final Path cacheRoot() {
        return cacheDirectory != null ? cacheDirectory.toPath().toAbsolutePath() : SourceCache.defaultRoot();
    }

    /** The user-level cache of build outputs, or null when {@code -Dpuipui.buildCache=false}. */
    protected final io.github.puipui.cache.OutputCache outputCache() {
        if (!buildCache) {
            return null;
        }
        Path root = cacheRoot().resolve("outputs");
        try {
            java.util.Optional<String> unsafe = io.github.puipui.cache.OutputCache.unsafeRoot(root);
            if (unsafe.isPresent()) {
                getLog().warn("not using the build cache: " + unsafe.get());
                return null;
            }
        } catch (java.io.IOException e) {
            getLog().warn("not using the build cache: cannot read the permissions of " + root + ": " + e.getMessage());
            return null;
        }
        return new io.github.puipui.cache.OutputCache(root, Math.max(1, buildCacheMaxMegabytes) << 20, buildLog());
    }

    protected final List<URI> mirrorList() {
        Set<URI> all = new LinkedHashSet<>(Fetcher.parseMirrors(mirrors));
        all.addAll(Fetcher.parseMirrors(System.getenv("PUIPUI_MIRRORS")));
        all.add(cacheRoot().resolve("mirror").toUri());
        return new ArrayList<>(all);
    }

    /** The goal's one fetcher (one HTTP client, one cache). */
    protected final synchronized Fetcher fetcher() {
        if (fetcher == null) {
            fetcher = new Fetcher(new SourceCache(cacheRoot(), buildLog()), new Transport(proxy()), mirrorList(),
                    session.isOffline(), buildLog());
        }
        return fetcher;
    }

    /** The declared sources, checked. */
    protected final List<Source> declaredSources() throws MojoExecutionException {
        if (sources == null || sources.isEmpty()) {
            throw new MojoExecutionException("no <sources> declared in the puipui-maven-plugin configuration");
        }
        Set<String> names = new LinkedHashSet<>();
        for (Source s : sources) {
            try {
                s.validated();
            } catch (IllegalArgumentException e) {
                throw new MojoExecutionException(e.getMessage(), e);
            }
            if (!names.add(s.getName())) {
                throw new MojoExecutionException("source '" + s.getName() + "' is declared twice");
            }
        }
        return sources;
    }

    protected final Source source(String name) throws MojoExecutionException {
        for (Source s : declaredSources()) {
            if (s.getName().equals(name)) {
                return s;
            }
        }
        throw new MojoExecutionException("no source named '" + name + "' is declared in <sources>");
    }

    /** Fetches, verifies and extracts a declared source under {@code <work>/src}; returns its top directory. */
    protected final Path sourceTree(String name) throws MojoExecutionException {
        synchronized (EXTRACTION_LOCK) {
            return extractedSourceTree(name);
        }
    }

    private Path extractedSourceTree(String name) throws MojoExecutionException {
        Source s = source(name);
        try {
            Fetcher.Fetched f = fetcher().fetch(s);
            Path target = workDirectory.toPath().resolve("src").resolve(s.getName() + "-" + s.getVersion());
            if (!Extractor.isComplete(target, f.sha256())) {
                getLog().info("extracting " + f.file().getFileName() + " to " + target);
            }
            return new Extractor().extractTree(f.file(), f.sha256(), target);
        } catch (FetchException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new MojoExecutionException("cannot extract " + s + ": " + e.getMessage(), e);
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
