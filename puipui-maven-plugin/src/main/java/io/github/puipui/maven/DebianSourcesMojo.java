package io.github.puipui.maven;

import java.io.File;
import java.io.IOException;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import io.github.puipui.distro.DebianSources;

/**
 * Writes the Debian seeding list ({@code debianSourcesFile}, by default {@code debian-sources.txt} beside the POM) from
 * the sources' debian declarations: the Debian source packages whose orig tarballs hold the pinned source files, for
 * machines that reach Debian's archive but not the upstream hosts ({@code scripts/seed-debian-sources.sh --list FILE}
 * fills a mirror from it). A derived distro's list holds only what it adds to or changes in its base. The
 * {@code fetch} goal fails while the list is out of date.
 *
 * @since 0.1.0
 */
@Mojo(name = "debian-sources", aggregator = true, threadSafe = true)
public class DebianSourcesMojo extends AbstractKernelMojo {

    /**
     * The list to write. This repository's distro writes {@code scripts/debian-sources.txt}, which its seeding
     * script reads by default.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.debianSourcesFile", defaultValue = "${project.basedir}/" + DebianSources.FILE_NAME)
    private File debianSourcesFile;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (forwardedToDistro("debian-sources")) {
            return;
        }
        String text = debianSourcesText();
        try {
            getLog().info(DebianSources.write(debianSourcesFile.toPath(), text) ? "wrote " + debianSourcesFile
                    : debianSourcesFile + " is up to date");
        } catch (IOException e) {
            throw new MojoExecutionException("cannot write " + debianSourcesFile + ": " + e.getMessage(), e);
        }
    }
}
