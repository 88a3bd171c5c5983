package io.github.puipui.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.RecordingLog;

/** A running command's share done and time left, from the last run of the same command. */
class StepHistoryTest {
    @TempDir
    Path dir;

    @Test
    void theLastRunIsKeptPerCommandAndAnUnreadableOneIsNoEstimate() throws Exception {
        StepHistory h = new StepHistory(dir.resolve("history"));
        assertEquals(Optional.empty(), h.last("x86_64 kernel bzImage"));
        h.record("x86_64 kernel bzImage", 12_000, 600.4);
        assertEquals(Optional.of(new StepHistory.Last(12_000, 600.4)), h.last("x86_64 kernel bzImage"));
        assertEquals(Optional.empty(), h.last("aarch64 kernel Image.gz"), "each command has its own");
        try (var files = Files.list(dir.resolve("history"))) {
            Files.writeString(files.findFirst().orElseThrow(), "not numbers\n");
        }
        assertEquals(Optional.empty(), h.last("x86_64 kernel bzImage"));
    }

    @Test
    void theShareDoneIsTheLogLinesOfTheLastRunAndTheTimeLeftFollowsFromIt() {
        Optional<StepHistory.Last> last = Optional.of(new StepHistory.Last(1000, 600));
        assertEquals("50 % done, about 5 min 0 s left (5 min 0 s elapsed; the last run took 10 min 0 s)",
                StepHistory.progress(last, 500, 300));
        assertEquals("1 % done, about 9 min 50 s left (10 s elapsed; the last run took 10 min 0 s)",
                StepHistory.progress(last, 10, 10), "early on, the last run's time");
        assertTrue(StepHistory.progress(last, 1200, 700).contains("past the 1000 log lines of the last run"));
        assertEquals("running, 12 min 30 s elapsed (no earlier run here to estimate the time left from)",
                StepHistory.progress(Optional.empty(), 10, 750));
    }

    @Test
    void aRunningCommandReportsItsShareDoneOnceItRanBefore() throws Exception {
        RecordingLog log = new RecordingLog();
        List<String> lines = log.lines;
        StepHistory h = new StepHistory(dir.resolve("history"));
        ProcessRunner runner = new ProcessRunner(log, 1, h);
        List<String> cmd = List.of("sh", "-c", "seq 1 50; sleep 2.5; seq 51 100");
        runner.run("test make", cmd, dir, Map.of(), dir.resolve("1.log"));
        assertTrue(lines.stream().anyMatch(l -> l.contains("test make: running, ") && l.contains("no earlier run")),
                "the first run has nothing to estimate from: " + lines);
        StepHistory.Last first = h.last("test make").orElseThrow();
        assertEquals(100, first.lines(), "the command's output lines, not those of earlier commands in its log");
        lines.clear();
        runner.run("test make", cmd, dir, Map.of(), dir.resolve("1.log"));
        assertTrue(lines.stream().anyMatch(l -> l.matches("  test make: [0-9]+ % done, about .* left \\(.*")),
                "the second run estimates: " + lines);
    }
}
