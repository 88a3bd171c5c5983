package io.github.puipui.maven;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Fails the build when a boot test failed, as maven-failsafe's verify goal does for integration tests: the boot-test
 * goal only records its results, so that the integration-test phase ends cleanly.
 *
 * @since 0.1.0
 */
@Mojo(name = "boot-verify", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class BootVerifyMojo extends AbstractBootMojo {
    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        Path summary = summaryFile();
        if (skipped() || !Files.isRegularFile(summary)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(summary);
        } catch (IOException e) {
            throw new MojoExecutionException("cannot read " + summary + ": " + e.getMessage(), e);
        }
        int failures = Integer.parseInt(lines.get(1).substring("failures ".length()));
        if (failures > 0) {
            throw new MojoFailureException(failures + " of " + lines.get(0).substring("checks ".length())
                    + " boot checks failed:\n  " + String.join("\n  ", lines.subList(2, lines.size()).stream()
                            .filter(l -> !l.isBlank()).toList()) + "\nreports and consoles: " + reportsDirectory);
        }
        getLog().info("boot tests: " + lines.get(0).substring("checks ".length()) + " checks passed");
    }
}
