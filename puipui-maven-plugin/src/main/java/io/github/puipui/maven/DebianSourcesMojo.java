package io.github.puipui.maven;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import io.github.puipui.distro.DebianSources;

/**
 * Writes the Debian seeding list ({@code debianSourcesFile}) from the sources' debian declarations: the
 * Debian source packages whose orig tarballs hold the pinned source files, for machines that reach Debian's archive
 * but not the upstream hosts. The {@code fetch} goal fails while the file is out of date.
 *
 * @since 0.1.0
 */
@Mojo(name = "debian-sources", aggregator = true, threadSafe = true)
public class DebianSourcesMojo extends AbstractKernelMojo {

    /**
     * The list to write (for this repository: {@code scripts/debian-sources.txt}, read by its seeding script).
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.debianSourcesFile")
    private File debianSourcesFile;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (forwardedToDistro("debian-sources")) {
            return;
        }
        String text = debianSourcesText();
        if (debianSourcesFile == null) {
            throw new MojoExecutionException("set <debianSourcesFile> (or -Dpuipui.debianSourcesFile=FILE): where to"
                    + " write the list");
        }
        try {
            if (debianSourcesFile.isFile() && Files.readString(debianSourcesFile.toPath()).equals(text)) {
                getLog().info(debianSourcesFile + " is up to date");
                return;
            }
            Files.createDirectories(debianSourcesFile.toPath().toAbsolutePath().getParent());
            Files.writeString(debianSourcesFile.toPath(), text);
            getLog().info("wrote " + debianSourcesFile);
        } catch (IOException e) {
            throw new MojoExecutionException("cannot write " + debianSourcesFile + ": " + e.getMessage(), e);
        }
    }
}
