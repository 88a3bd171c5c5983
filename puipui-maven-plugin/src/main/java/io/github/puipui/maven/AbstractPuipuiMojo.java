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

import io.github.puipui.Arch;
import io.github.puipui.BuildLog;
import io.github.puipui.fetch.FetchException;
import io.github.puipui.fetch.Fetcher;
import io.github.puipui.fetch.ProxyConfig;
import io.github.puipui.fetch.Source;
import io.github.puipui.fetch.SourceCache;
import io.github.puipui.fetch.Transport;
import io.github.puipui.pipeline.DistroBuild;
import io.github.puipui.pipeline.Layout;

/** Parameters every puipui goal shares: the declared sources, the arches, the cache and mirrors. */
abstract class AbstractPuipuiMojo extends AbstractMojo {

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    protected MavenSession session;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    protected MavenProject project;

    /**
     * The distro this one derives from, as {@code groupId:artifactId:version}: its published definition
     * ({@code ARTIFACTID-VERSION-definition.tar.gz}) is resolved from the local or a remote repository and is
     * the starting point; everything below then changes it. Without a base, the distro is declared here in full.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.base")
    protected String base;

    /**
     * The source archives: name, version, license, file, url, sha256, alternatives. In a derived distro, a source
     * of a base source's name replaces it.
     *
     * @since 0.1.0
     */
    @Parameter
    protected List<SourceParameter> sources = new ArrayList<>();

    /**
     * The userland components, built in this order (see Component). In a derived distro, a component of a base
     * component's name changes the elements it declares (its patches are applied after the base's), and a new name
     * is built after the base's components.
     *
     * @since 0.1.0
     */
    @Parameter
    protected List<ComponentParameter> components = new ArrayList<>();

    /**
     * Base components a derived distro leaves out, by name.
     *
     * @since 0.1.0
     */
    @Parameter
    protected List<String> removeComponents = new ArrayList<>();

    /**
     * Kconfig fragments merged onto the kernel config: each has a {@code file} of {@code CONFIG_X=value} and
     * {@code # CONFIG_X is not set} lines and an optional {@code arch} it is limited to.
     *
     * @since 0.1.0
     */
    @Parameter
    protected List<KconfigFragmentParameter> kconfigFragments = new ArrayList<>();

    /**
     * The root file system template: init, etc/inittab, etc/init.d/rcS, … (a derived distro has its base's).
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.fsDirectory", defaultValue = "${project.basedir}/fs")
    protected File fsDirectory;

    /**
     * Files laid over the file system template, when the directory exists: they add to or replace its files.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.overlayDirectory", defaultValue = "${project.basedir}/overlay")
    protected File overlayDirectory;

    /**
     * Image paths to leave out of the initramfs (with everything under them), e.g. {@code /usr/bin/alpine-chroot-install}.
     *
     * @since 0.1.0
     */
    @Parameter
    protected List<String> removeFiles = new ArrayList<>();

    /**
     * Modes that differ from the template's: {@code /path:octal}, e.g. {@code /etc/shadow:0600}.
     *
     * @since 0.1.0
     */
    @Parameter
    protected List<String> fileModes = new ArrayList<>();

    /**
     * Symbols the kconfig guard may see dropped by olddefconfig (intended drops).
     *
     * @since 0.1.0
     */
    @Parameter
    protected List<String> allowedKconfigDrops = new ArrayList<>();

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
     * Optional prebuilt musl cross toolchains instead of the host GCC + musl sysroot: each names the arch, the host
     * arch it runs on, a declared source (the toolchain tarball) and the tools' prefix.
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

    @Component
    private org.eclipse.aether.RepositorySystem repositorySystem;

    private DistroBuild distroBuild;

    private io.github.puipui.distro.DistroDefinition definition;

    /**
     * Architectures to build, comma-separated: {@code aarch64}, {@code x86_64}. The arch-* profiles set it.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.arches", defaultValue = "aarch64,x86_64")
    protected String arches;

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
     * Where the build works: extracted sources, object trees, logs.
     *
     * @since 0.1.0
     */
    @Parameter(defaultValue = "${project.build.directory}/puipui", required = true)
    protected File workDirectory;

    /**
     * The kconfig files, one per arch: {@code aarch64.config}, {@code x86_64.config} (defconfig format).
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.kconfigDirectory", defaultValue = "${project.basedir}/kconfig", required = true)
    protected File kconfigDirectory;

    /**
     * Reproducible builds: pinned into the kernel, the cpio and the tarballs. A derived distro without one has its
     * base's, so that its unchanged kernel and components are the base's, from the build cache.
     *
     * @since 0.1.0
     */
    @Parameter(defaultValue = "${project.build.outputTimestamp}")
    protected String outputTimestamp;

    /**
     * The plugin's version, for messages and for running its goals elsewhere.
     *
     * @since 0.1.0
     */
    @Parameter(defaultValue = "${plugin.version}", readonly = true)
    protected String pluginVersion;

    /**
     * The plugin itself: its jar's digest is part of every step's key ({@link #pluginIdentity}).
     *
     * @since 0.1.0
     */
    @Parameter(defaultValue = "${plugin}", readonly = true)
    private org.apache.maven.plugin.descriptor.PluginDescriptor pluginDescriptor;

    private String pluginIdentity;

    /**
     * Skip the work of the build goals (fetch, kernel, userland, initramfs, package).
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.skip", defaultValue = "false")
    protected boolean skip;

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

    @Component
    private SettingsDecrypter settingsDecrypter;

    private Fetcher fetcher;

    /**
     * What every step's key says of the plugin: its version and the sha256 of its jar. The jar is built
     * reproducibly, so a change of any recipe, flag or class gives a new digest (a SNAPSHOT version alone would not),
     * and rebuilding the same sources gives the same one.
     */
    protected final synchronized String pluginIdentity() throws MojoExecutionException, MojoFailureException {
        if (pluginIdentity == null) {
            java.io.File jar = pluginDescriptor == null || pluginDescriptor.getPluginArtifact() == null ? null
                    : pluginDescriptor.getPluginArtifact().getFile();
            if (jar == null || !jar.isFile()) {
                throw new MojoExecutionException("cannot find the plugin's own jar to key the build steps on (" + jar + ")");
            }
            pluginIdentity = core("reading " + jar, () -> DistroBuild.pluginIdentity(pluginVersion, jar.toPath()));
        }
        return pluginIdentity;
    }

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

    /** True (and logged) when {@code -Dpuipui.skip} asks to skip this goal's work. */
    protected final boolean skipping(String what) {
        if (skip) {
            getLog().info("puipui.skip: not " + what);
        }
        return skip;
    }

    /**
     * The {@code project.build.outputTimestamp} the project chose (in its POM, a parent's or with {@code -D}), or null.
     * Maven 4's super POM gives every project one, 1980-02-01T00:00:00Z; that one is nobody's choice, and a derived
     * distro without a timestamp of its own keeps its base's.
     */
    private String declaredOutputTimestamp() {
        String property = "project.build.outputTimestamp";
        if (session != null && session.getUserProperties().containsKey(property)) {
            return outputTimestamp;
        }
        for (MavenProject p = project; p != null; p = p.getParent()) {
            if (p.getOriginalModel() != null && p.getOriginalModel().getProperties().containsKey(property)) {
                return outputTimestamp;
            }
        }
        return null;
    }

    /** {@code project.build.outputTimestamp}, parsed. */
    protected final io.github.puipui.OutputTimestamp timestamp() throws MojoExecutionException, MojoFailureException {
        String declared = definition().outputTimestamp();
        return core("output timestamp", () -> io.github.puipui.OutputTimestamp.parse(declared));
    }

    protected final List<Arch> archs() throws MojoFailureException {
        try {
            return io.github.puipui.ArchSelection.parse(arches, session.getRequest().getActiveProfiles());
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
    }

    /** The kernel config of an arch (see {@link DistroBuild#kconfigFile}). */
    protected final Path kconfigFile(Arch arch) throws MojoExecutionException, MojoFailureException {
        DistroBuild build = distroBuild();
        return core("kernel config", () -> build.kconfigFile(arch));
    }

    /** True when this distro derives from a base. */
    protected final boolean isDerived() {
        return base != null && !base.isBlank();
    }

    /** Where an arch's finished pieces (kernel image, initramfs) are collected. */
    protected final Path outputDirectory(Arch arch) {
        return layout().out(arch);
    }

    protected final Layout layout() {
        return new Layout(workDirectory.toPath());
    }

    protected final BuildLog buildLog() {
        return new MavenBuildLog(getLog());
    }

    protected final Path cacheRoot() {
        return cacheDirectory != null ? cacheDirectory.toPath().toAbsolutePath() : SourceCache.defaultRoot();
    }

    /** The user-level cache, by area, each checked before use (a private fallback under the work directory). */
    protected final io.github.puipui.cache.UserCache userCache() {
        return new io.github.puipui.cache.UserCache(cacheRoot(), layout().work().resolve("private-cache"), buildLog());
    }

    /** The user-level cache of build outputs, or null when {@code -Dpuipui.buildCache=false}. */
    protected final io.github.puipui.cache.OutputCache outputCache() {
        if (!buildCache) {
            return null;
        }
        return new io.github.puipui.cache.OutputCache(userCache().rootFor("outputs").resolve("outputs"),
                Math.max(1, buildCacheMaxMegabytes) << 20, buildLog());
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
            fetcher = new Fetcher(new SourceCache(userCache().rootFor("sha256", "tmp"), buildLog()), new Transport(proxy()), mirrorList(),
                    session.isOffline(), buildLog());
        }
        return fetcher;
    }

    /** The POM's declarations, mapped into the build core's record. */
    private io.github.puipui.distro.DistroDeclaration declaration() {
        List<Source> inline = new ArrayList<>();
        for (ComponentParameter c : components) {
            Source s = c.inlineSource();
            if (s != null) {
                inline.add(s);
            }
        }
        return new io.github.puipui.distro.DistroDeclaration(project.getBasedir().toPath(), base,
                io.github.puipui.distro.DistroDeclaration.merged(sources.stream().map(SourceParameter::toSource).toList(),
                        inline),
                components.stream().map(ComponentParameter::toComponent).toList(), removeComponents,
                kconfigFragments.stream().map(KconfigFragmentParameter::toFragment).toList(),
                kconfigDirectory.toPath(), fsDirectory == null ? null : fsDirectory.toPath(),
                overlayDirectory == null ? null : overlayDirectory.toPath(), removeFiles, fileModes,
                outputTimestamp, declaredOutputTimestamp() != null);
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
        org.eclipse.aether.artifact.Artifact wanted = new org.eclipse.aether.artifact.DefaultArtifact(groupId,
                artifactId, "definition", "tar.gz", version);
        try {
            return repositorySystem.resolveArtifact(session.getRepositorySession(),
                    new org.eclipse.aether.resolution.ArtifactRequest(wanted, project.getRemoteProjectRepositories(), null))
                    .getArtifact().getFile().toPath();
        } catch (org.eclipse.aether.resolution.ArtifactResolutionException e) {
            throw new java.io.IOException("cannot resolve the base distro " + base + " (its definition " + wanted
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
            List<io.github.puipui.toolchain.ToolchainChoice.Prebuilt> prebuilt = new ArrayList<>();
            for (PrebuiltToolchain p : prebuiltToolchains) {
                prebuilt.add(new io.github.puipui.toolchain.ToolchainChoice.Prebuilt(p.arch, p.hostArch, p.source,
                        p.prefix));
            }
            distroBuild = new DistroBuild(definition(), layout(), userCache().rootFor("src", "toolchain"), fetcher(),
                    outputCache(),
                    new DistroBuild.Settings(timestamp(), pluginIdentity(), jobs(), compilerLauncher(),
                            Math.max(0, zopfliIterations), allowedKconfigDrops, caBundle.toPath(), prebuilt),
                    buildLog());
        }
        return distroBuild;
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
