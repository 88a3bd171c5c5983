package io.github.puipui.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.BuildLog;

class ProcessRunnerTest {
    @TempDir
    Path dir;

    @Test
    void outputGoesToTheLogAndTheEnvironmentIsPassed() throws Exception {
        Path log = dir.resolve("logs/step.log");
        Map<String, String> env = new HashMap<>();
        env.put("PUIPUI_TEST", "hello");
        new ProcessRunner(BuildLog.SILENT).run("echo", List.of("sh", "-c", "echo $PUIPUI_TEST; echo err >&2"), dir, env, log);
        String text = Files.readString(log);
        assertTrue(text.contains("hello\n") && text.contains("err\n"), text);
        assertTrue(text.matches("(?s)\\$ sh -c .*\n# exit 0 after [0-9]+\\.[0-9]{2} s\n"), text);
    }

    @Test
    void onlyAllowListedVariablesOfMavensEnvironmentReachACommand() {
        Map<String, String> maven = new HashMap<>();
        for (String k : List.of("KCFLAGS", "HOSTCFLAGS", "CONFIG_NFT_NAT", "CPPFLAGS", "LIBS", "CPATH", "CFLAGS", "MAKEFLAGS",
                "AWS_SECRET_ACCESS_KEY", "LANG", "LC_ALL", "TZ")) {
            maven.put(k, "from maven");
        }
        maven.putAll(Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/u", "TMPDIR", "/tmp/x", "CCACHE_DIR", "/c",
                "DISTCC_HOSTS", "localhost", "SCCACHE_DIR", "/s"));
        Map<String, String> overrides = new HashMap<>(Map.of("SOURCE_DATE_EPOCH", "1", "CC", "gcc"));
        overrides.put("TMPDIR", null);
        Map<String, String> e = ProcessRunner.environment(maven, overrides);
        assertEquals(Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/u", "CCACHE_DIR", "/c", "DISTCC_HOSTS", "localhost",
                "SCCACHE_DIR", "/s", "LC_ALL", "C", "TZ", "UTC", "SOURCE_DATE_EPOCH", "1", "CC", "gcc"), e);
        maven.put("SOME_UNRELATED", "changed");
        assertEquals(e, ProcessRunner.environment(maven, overrides), "an unrelated variable changes nothing");
    }

    @Test
    void aCommandSeesTheBuildEnvironmentOnly() throws Exception {
        Path log = dir.resolve("env.log");
        new ProcessRunner(BuildLog.SILENT).run("env", List.of("sh", "-c", "env | sort"), dir, Map.of("X", "1"), log);
        String text = Files.readString(log);
        assertTrue(text.contains("\nX=1\n") && text.contains("\nLC_ALL=C\n") && text.contains("\nTZ=UTC\n"), text);
        assertFalse(text.contains("JAVA_HOME=") || text.contains("MAVEN_"), "nothing else of the JVM's environment: " + text);
    }

    @Test
    void failureNamesStepExitCodeLogAndEndsWithTheTail() throws Exception {
        Path log = dir.resolve("fail.log");
        BuildStepException e = assertThrows(BuildStepException.class, () -> new ProcessRunner(BuildLog.SILENT).run(
                "busybox make", List.of("sh", "-c", "for i in $(seq 1 100); do echo line$i; done; exit 3"), dir, Map.of(), log));
        assertTrue(e.getMessage().startsWith("busybox make failed (exit 3)"), e.getMessage());
        assertTrue(e.getMessage().contains(log.toString()), e.getMessage());
        assertTrue(e.getMessage().endsWith("line100"), e.getMessage());
        assertFalse(e.getMessage().contains("line50\n"), "only the tail");
        String text = Files.readString(log);
        assertTrue(text.matches("(?s).*\nline100\n# exit 3 after [0-9]+\\.[0-9]{2} s\n"), text);
    }
}
