package io.github.puipui.process;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.github.puipui.Arch;

/**
 * Runs the work of each arch: in order with all of make's jobs, or all arches at once with the jobs split between
 * them. In parallel, the first failure interrupts the others (the {@link ProcessRunner} kills their make) and is
 * rethrown once they have stopped.
 */
public final class ArchRunner {
    /** The work of one arch, given make's -j. */
    public interface Task<E extends Exception> {
        void run(Arch arch, int jobs) throws E;
    }

    private final boolean parallel;
    private final int jobs;

    public ArchRunner(boolean parallel, int jobs) {
        this.parallel = parallel;
        this.jobs = Math.max(1, jobs);
    }

    /** make's -j for each arch when {@code n} arches run. */
    public int jobsEach(int n) {
        return parallel && n > 1 ? Math.max(1, (jobs + n - 1) / n) : jobs;
    }

    /** Runs {@code task} for every arch; an exception of a task is rethrown as it is (unchecked ones too). */
    @SuppressWarnings("unchecked")
    public <E extends Exception> void run(List<Arch> archs, Task<E> task) throws E, InterruptedException {
        int each = jobsEach(archs.size());
        if (!parallel || archs.size() < 2) {
            for (Arch arch : archs) {
                task.run(arch, each);
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(archs.size(), r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        });
        ExecutorCompletionService<Void> done = new ExecutorCompletionService<>(pool);
        for (Arch arch : archs) {
            done.submit(() -> {
                task.run(arch, each);
                return null;
            });
        }
        try {
            for (int i = 0; i < archs.size(); i++) {
                try {
                    done.take().get();
                } catch (ExecutionException e) {
                    pool.shutdownNow();
                    pool.awaitTermination(5, TimeUnit.MINUTES);
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException r) {
                        throw r;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw (E) cause;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
