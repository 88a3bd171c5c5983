package io.github.puipui.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.github.puipui.Arch;

class ArchRunnerTest {
    private static final List<Arch> BOTH = List.of(Arch.AARCH64, Arch.X86_64);

    @Test
    void serialRunsInOrderWithAllJobs() throws Exception {
        StringBuilder order = new StringBuilder();
        new ArchRunner(false, 4).run(BOTH, (arch, jobs) -> order.append(arch.id()).append(" -j").append(jobs).append(';'));
        assertEquals("aarch64 -j4;x86_64 -j4;", order.toString());
    }

    @Test
    void parallelRunsTheArchesAtOnceWithTheJobsSplit() throws Exception {
        CountDownLatch bothRunning = new CountDownLatch(2);
        ConcurrentHashMap<Arch, Integer> jobs = new ConcurrentHashMap<>();
        new ArchRunner(true, 3).run(BOTH, (arch, j) -> {
            jobs.put(arch, j);
            bothRunning.countDown();
            assertTrue(bothRunning.await(10, TimeUnit.SECONDS), "the other arch runs at the same time");
        });
        assertEquals(2, jobs.get(Arch.AARCH64));
        assertEquals(2, jobs.get(Arch.X86_64));
        assertEquals(1, new ArchRunner(true, 1).jobsEach(2));
    }

    @Test
    void theFirstFailureStopsTheOtherArchAndIsRethrown() {
        AtomicBoolean otherInterrupted = new AtomicBoolean();
        IOException e = assertThrows(IOException.class, () -> new ArchRunner(true, 2).run(BOTH, (arch, j) -> {
            if (arch == Arch.X86_64) {
                throw new IOException("x86_64 make failed");
            }
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException stopped) {
                otherInterrupted.set(true);
            }
        }));
        assertEquals("x86_64 make failed", e.getMessage());
        assertTrue(otherInterrupted.get(), "the aarch64 work was interrupted (its make is killed)");
    }
}
