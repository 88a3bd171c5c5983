package io.github.puipui.maven;

import java.nio.file.Path;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import io.github.puipui.fetch.FetchException;
import io.github.puipui.fetch.Fetcher;
import io.github.puipui.fetch.Source;

/** Downloads (or finds in the cache or on a mirror) every declared source and verifies its sha256. */
@Mojo(name = "fetch", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class FetchMojo extends AbstractPuipuiMojo {

    /**
     * A Debian seeding list kept beside the distro (see the {@code debian-sources} goal): when set, the build fails
     * while it does not match the sources' {@code <debian>} declarations.
     */
    @Parameter(property = "puipui.debianSourcesFile")
    private java.io.File debianSourcesFile;

    @Override
    public void execute() throws MojoExecutionException {
        if (skipping("fetching")) {
            return;
        }
        if (debianSourcesFile != null) {
            String expected = debianSourcesText();
            String actual;
            try {
                actual = debianSourcesFile.isFile() ? java.nio.file.Files.readString(debianSourcesFile.toPath()) : "";
            } catch (java.io.IOException e) {
                throw new MojoExecutionException("cannot read " + debianSourcesFile + ": " + e.getMessage(), e);
            }
            if (!actual.equals(expected)) {
                throw new MojoExecutionException(debianSourcesFile + " does not match the sources' <debian>"
                        + " declarations; write it again with mvn puipui:debian-sources");
            }
        }
        Fetcher fetcher = fetcher();
        getLog().info("sources: cache " + cacheRoot() + (session.isOffline() ? " (offline)" : "") + ", mirrors " + mirrorList());
        for (Source s : declaredSources()) {
            try {
                Path file = fetcher.fetch(s).file();
                getLog().info(String.format("  %-10s %-12s %s", s.getName(), s.getVersion(), file.getFileName()));
            } catch (FetchException e) {
                throw new MojoExecutionException(e.getMessage(), e);
            }
        }
    }
}
