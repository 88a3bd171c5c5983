package io.github.puipui.maven;

import java.util.Set;

import org.apache.maven.plugin.logging.Log;

import io.github.puipui.BuildLog;

/** Forwards the plain classes' reports to a mojo's log. */
final class MavenBuildLog implements BuildLog {
    private final Log log;
    private final Set<String> warned;

    /** {@code warned}: the messages warned of once in this project's build so far, shared by its goals. */
    MavenBuildLog(Log log, Set<String> warned) {
        this.log = log;
        this.warned = warned;
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
    public void warnOnce(String message) {
        if (warned.add(message)) {
            log.warn(message);
        }
    }

    @Override
    public void debug(String message) {
        log.debug(message);
    }
}
