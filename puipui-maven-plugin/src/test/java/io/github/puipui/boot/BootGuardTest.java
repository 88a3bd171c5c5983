package io.github.puipui.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootGuardTest {
    private static final String MACHINE = "2 cores, Test CPU @ 2.00GHz";

    @TempDir
    Path tmp;

    private static List<Double> runs(double median) {
        return List.of(median * 0.97, median * 1.02, median, median * 0.99, median * 1.05);
    }

    @Test
    void aRunFifteenPercentSlowerThanTheRecordedFigureFails() throws Exception {
        Path figures = Files.writeString(tmp.resolve("boot-figures.tsv"),
                "# machine\tform\tmedian seconds\n" + MACHINE + "\tx86_64 microvm\t0.900\n" + "8 cores, Other\tx86_64 microvm\t0.400\n");
        List<BootGuard.Verdict> v = BootGuard.check(figures, MACHINE, Map.of("x86_64 microvm", runs(0.9 * 1.15)));
        assertEquals(BootGuard.Status.SLOWER, v.get(0).status(), v.get(0).describe());
        assertTrue(v.get(0).describe().contains("+15.0 %, more than 10 % SLOWER"), v.get(0).describe());
    }

    @Test
    void aRunWithinTenPercentPassesAndAFasterOneToo() throws Exception {
        Path figures = Files.writeString(tmp.resolve("boot-figures.tsv"), MACHINE + "\taarch64 vz\t1.000\n");
        assertEquals(BootGuard.Status.WITHIN, BootGuard.check(figures, MACHINE, Map.of("aarch64 vz", runs(1.09))).get(0).status());
        assertEquals(BootGuard.Status.WITHIN, BootGuard.check(figures, MACHINE, Map.of("aarch64 vz", runs(0.5))).get(0).status());
    }

    @Test
    void withNoFigureForThisMachineTheMedianIsRecordedAndThenHeldAgainst() throws Exception {
        Path figures = Files.writeString(tmp.resolve("boot-figures.tsv"), "8 cores, Other\tx86_64 vz\t0.400\n");
        Map<String, List<Double>> first = new LinkedHashMap<>();
        first.put("x86_64 vz", List.of(2.0, 2.2, 2.1, 2.4, 2.0));
        List<BootGuard.Verdict> v = BootGuard.check(figures, MACHINE, first);
        assertEquals(BootGuard.Status.RECORDED, v.get(0).status());
        assertTrue(v.get(0).describe().contains("no figure for this machine; recorded the median 2.10 s"), v.get(0).describe());
        assertTrue(Files.readString(figures).contains(MACHINE + "\tx86_64 vz\t2.100\n"));
        assertEquals(BootGuard.Status.SLOWER,
                BootGuard.check(figures, MACHINE, Map.of("x86_64 vz", runs(2.1 * 1.15))).get(0).status());
    }

    @Test
    void fewerThanFiveRunsAreNeitherComparedNorRecorded() throws Exception {
        Path figures = tmp.resolve("boot-figures.tsv");
        List<BootGuard.Verdict> v = BootGuard.check(figures, MACHINE, Map.of("x86_64 full", List.of(9.0, 9.0, 9.0, 9.0)));
        assertEquals(BootGuard.Status.TOO_FEW_RUNS, v.get(0).status());
        assertTrue(Files.notExists(figures));
        assertEquals(2.5, BootGuard.median(List.of(4.0, 1.0, 2.0, 3.0)));
        assertEquals(3.0, BootGuard.median(Collections.nCopies(5, 3.0)));
    }

    @Test
    void theMachineIsItsCoresAndCpuModel() throws Exception {
        assertTrue(BootGuard.machine().startsWith(Runtime.getRuntime().availableProcessors() + " cores, "));
    }
}
