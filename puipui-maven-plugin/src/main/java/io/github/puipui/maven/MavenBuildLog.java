package io.github.puipui.maven;

import org.apache.maven.plugin.logging.Log;

import io.github.puipui.BuildLog;

/** Forwards the plain classes' reports to a mojo's log. */
final class MavenBuildLog implements BuildLog {
    private final Log log;

    MavenBuildLog(Log log) {
        this.log = log;
    }

    @Override
    public void info(String message) {
        log.info(message);
    }

    @Override
    public void warn(String message) {
        log.warn(message);
    }

    @Override
    public void debug(String message) {
        log.debug(message);
    }
}
