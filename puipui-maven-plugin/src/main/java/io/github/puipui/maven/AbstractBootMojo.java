package io.github.puipui.maven;

import java.nio.file.Path;

import org.apache.maven.plugins.annotations.Parameter;

/** What the boot-test and boot-verify goals share: when they are skipped, and where the results go. */
abstract class AbstractBootMojo extends AbstractPuipuiMojo {
    /**
     * Skip the boot tests, as -DskipTests skips every test.
     *
     * @since 0.1.0
     */
    @Parameter(property = "skipTests", defaultValue = "false")
    protected boolean skipTests;

    /**
     * Skip the boot tests, as -DskipITs skips maven-failsafe's integration tests.
     *
     * @since 0.1.0
     */
    @Parameter(property = "skipITs", defaultValue = "false")
    protected boolean skipITs;

    /**
     * Skip the boot tests only.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.bootTest.skip", defaultValue = "false")
    protected boolean skipBootTests;

    /**
     * Where the Surefire-format reports go.
     *
     * @since 0.1.0
     */
    @Parameter(property = "puipui.bootTest.reportsDirectory", defaultValue = "${project.build.directory}/puipui-boot-reports")
    protected java.io.File reportsDirectory;

    /** The summary boot-test writes and boot-verify reads. */
    protected final Path summaryFile() {
        return reportsDirectory.toPath().resolve("boot-test-summary.txt");
    }

    /** True when the boot tests are skipped: -DskipTests, -DskipITs, -Dpuipui.bootTest.skip or -Dpuipui.skip. */
    protected final boolean skipped() {
        return skipTests || skipITs || skipBootTests || skip;
    }

    /** The property that skipped them. */
    protected final String skippedBy() {
        return skipTests ? "-DskipTests" : skipITs ? "-DskipITs" : skipBootTests ? "-Dpuipui.bootTest.skip" : "-Dpuipui.skip";
    }
}
