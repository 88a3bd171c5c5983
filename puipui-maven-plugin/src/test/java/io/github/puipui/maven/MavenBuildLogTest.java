package io.github.puipui.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;

/** "Warn once" is once per project build: its goals share the set, and the next build (mvnd) warns again. */
class MavenBuildLogTest {
    private final List<String> warnings = new ArrayList<>();

    private final SystemStreamLog mojoLog = new SystemStreamLog() {
        @Override
        public void warn(CharSequence content) {
            warnings.add(content.toString());
        }
    };

    @Test
    void aWarningIsSaidOncePerBuildAndAgainInTheNext() {
        Set<String> firstBuild = ConcurrentHashMap.newKeySet();
        new MavenBuildLog(mojoLog, firstBuild).warnOnce("the cache is not private");
        new MavenBuildLog(mojoLog, firstBuild).warnOnce("the cache is not private"); // the build's next goal
        assertEquals(1, warnings.size(), warnings.toString());
        new MavenBuildLog(mojoLog, ConcurrentHashMap.newKeySet()).warnOnce("the cache is not private");
        assertEquals(2, warnings.size(), "the next build warns again: " + warnings);
    }
}
