package io.github.puipui.maven;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.logging.Log;

import io.github.puipui.process.BuildStepException;
import io.github.puipui.process.ProcessRunner;

/**
 * Runs a goal of this plugin in the puipui-distro project below an aggregator (where the distro cannot be a reactor
 * module, see the top-level pom), as a second Maven invocation with the same profiles, properties and offline flag,
 * attached to this terminal.
 */
final class DistroForwarder {
    private DistroForwarder() {
    }

    static void run(MavenSession session, File distroDirectory, String pluginVersion, String goal, String from, Log log)
            throws MojoExecutionException {
        if (distroDirectory == null || !Files.isRegularFile(distroDirectory.toPath().resolve("pom.xml"))) {
            throw new MojoExecutionException(goal + " works on a project with packaging puipui-distro; " + from
                    + " is not one and names no <distroDirectory>");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("maven.home"), "bin", "mvn").toString());
        cmd.addAll(List.of("-B", "-f", distroDirectory.toPath().resolve("pom.xml").toString()));
        if (session.isOffline()) {
            cmd.add("-o");
        }
        List<String> profiles = session.getRequest().getActiveProfiles();
        if (!profiles.isEmpty()) {
            cmd.add("-P" + String.join(",", profiles));
        }
        new TreeMap<>(session.getUserProperties()).forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("io.github.puipui:puipui-maven-plugin:" + pluginVersion + ":" + goal);
        log.info("running " + goal + " in " + distroDirectory);
        int code;
        try {
            code = new ProcessRunner(new MavenBuildLog(log, java.util.concurrent.ConcurrentHashMap.newKeySet())).runInteractive(goal + " in " + distroDirectory, cmd, 0);
        } catch (BuildStepException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
        if (code != 0) {
            throw new MojoExecutionException(goal + " in " + distroDirectory + " failed (exit " + code + ")");
        }
    }
}
