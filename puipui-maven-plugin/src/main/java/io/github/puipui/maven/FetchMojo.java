package io.github.puipui.maven;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import io.github.puipui.fetch.Fetcher;
import io.github.puipui.pipeline.DistroBuild;

/**
 * Downloads (or finds in the cache or on a mirror) every declared source and verifies its sha256.
 *
 * @since 0.1.0
 */
@Mojo(name = "fetch", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class FetchMojo extends AbstractPuipuiMojo {

    /**
     * The distro's Debian seeding list (see the {@code debian-sources} goal): when the file is there, the build fails
     * while it does not match the sources' debian declarations.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.debianSourcesFile",
            defaultValue = "${project.basedir}/" + io.github.puipui.distro.DebianSources.FILE_NAME)
    private java.io.File debianSourcesFile;

    @Override
    public void execute() throws MojoExecutionException, org.apache.maven.plugin.MojoFailureException {
        if (skipping("fetching")) {
            return;
        }
        archs(); // a misspelt arch profile or an unknown arch fails here, at the first goal, listing the valid ones
        if (debianSourcesFile.isFile()) {
            String expected = debianSourcesText();
            boolean stale = core("reading " + debianSourcesFile,
                    () -> io.github.puipui.distro.DebianSources.isStale(debianSourcesFile.toPath(), expected));
            if (stale) {
                throw new MojoExecutionException(debianSourcesFile + " does not match the sources' <debian>"
                        + " declarations; write it again with mvn puipui:debian-sources");
            }
        }
        // only the sources of the steps that cannot be had without them: not the base's, not up to date, not in the
        // build cache or on its remote tier. Without an output timestamp no step has a key (the build goals say so):
        // every declared source.
        java.util.List<io.github.puipui.fetch.Source> needed = definition().sources();
        if (isDerived() || definition().outputTimestamp() != null) {
            DistroBuild build = distroBuild();
            java.util.List<io.github.puipui.Arch> archs = archs();
            needed = core("planning the build", () -> build.sourcesToFetch(archs));
        }
        if (needed.isEmpty()) {
            getLog().info("sources: none needed (every step is up to date, cached or the base's)");
            return;
        }
        if (needed.size() < definition().sources().size()) {
            java.util.List<String> names = needed.stream().map(io.github.puipui.fetch.Source::name).toList();
            getLog().info("sources: not fetching " + definition().sources().stream().map(
                    io.github.puipui.fetch.Source::name).filter(n -> !names.contains(n)).toList()
                    + " (their steps are up to date, cached or the base's)");
        }
        Fetcher fetcher = fetcher();
        getLog().info("sources: cache " + cacheRoot() + (session.isOffline() ? " (offline)" : "") + ", mirrors "
                + fetcher.mirrors());
        for (io.github.puipui.fetch.Source s : needed) {
            Fetcher.Fetched f = core("fetch", () -> fetcher.fetch(s));
            getLog().info(String.format("  %-10s %-12s %s", s.name(), s.version(), f.file().getFileName()));
        }
    }
}
