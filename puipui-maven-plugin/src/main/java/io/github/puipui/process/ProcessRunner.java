package io.github.puipui.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.puipui.BuildLog;

/**
 * Runs the external commands of the build (make, configure, …). Output goes to a per-step log file, never to the
 * Maven log; the Maven log gets a line when a step starts, a progress line every {@code progressSeconds} and, on
 * failure, the last lines of the log with its path.
 */
public final class ProcessRunner {
    private static final int TAIL_LINES = 40;

    /**
     * The commands running now. Each runs in a process group of its own ({@code setsid}), so that it and everything
     * it starts (make's compilers, configure's tests) can be ended together: when the build is interrupted, and when
     * the JVM is asked to stop (SIGTERM from an IDE or a CI cancel, SIGINT from Ctrl-C), whose shutdown hook ends
     * every group still running instead of leaving orphans writing into the next build's trees.
     */
    private static final java.util.Set<Process> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(ProcessRunner::killGroup),
                "puipui-end-build-commands"));
    }

    /** Ends the process group that {@code p} leads (SIGKILL to all its members), then {@code p} itself. */
    static void killGroup(Process p) {
        try {
            Process kill = new ProcessBuilder("kill", "-KILL", "--", "-" + p.pid()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        p.destroyForcibly();
    }

    private final BuildLog log;
    private final long progressSeconds;
    private final Recorder recorder;
    private final StepHistory history;

    public ProcessRunner(BuildLog log, long progressSeconds) {
        this(log, progressSeconds, null, null);
    }

    /**
     * A runner whose progress lines give each command's share done and time left, from the last successful run of
     * a command of the same name that {@code history} recorded (see {@link StepHistory}).
     */
    public ProcessRunner(BuildLog log, StepHistory history) {
        this(log, 30, history);
    }

    ProcessRunner(BuildLog log, long progressSeconds, StepHistory history) {
        this(log, progressSeconds, null, history);
    }

    private ProcessRunner(BuildLog log, long progressSeconds, Recorder recorder, StepHistory history) {
        this.log = log;
        this.progressSeconds = progressSeconds;
        this.recorder = recorder;
        this.history = history;
    }

    /** What a step would run: its name, the command, where, and the variables it sets. */
    public interface Recorder {
        void command(String step, List<String> command, Path workDir, Map<String, String> env);
    }

    /**
     * A runner that runs nothing and hands each command to {@code recorder} instead: for the tests that pin what
     * each kind of step runs under its recipe's version.
     */
    public static ProcessRunner recording(Recorder recorder) {
        return new ProcessRunner(BuildLog.SILENT, 30, recorder, null);
    }

    public ProcessRunner(BuildLog log) {
        this(log, 30);
    }

    /** Variables of Maven's environment that reach the build's commands: where programs and files are, who runs. */
    static final java.util.Set<String> PASSED = java.util.Set.of("PATH", "HOME", "TMPDIR", "USER", "LOGNAME");

    /** Prefixes of the compiler launchers' own settings (cache directories, distcc hosts), which do not change outputs. */
    static final List<String> PASSED_PREFIXES = List.of("CCACHE_", "DISTCC_", "SCCACHE_");

    /**
     * The environment of a build command: from {@code inherited} only {@link #PASSED} and the launchers' variables,
     * the locale and time zone pinned ({@code LC_ALL=C}, {@code TZ=UTC}), then {@code overrides} (a {@code null}
     * value removes a variable). Nothing else of Maven's environment gets through: {@code CFLAGS}, {@code KCFLAGS},
     * {@code CONFIG_*}, {@code MAKEFLAGS} would change outputs without changing any step's key, and CI secrets have
     * no business in upstream configure scripts.
     */
    public static Map<String, String> environment(Map<String, String> inherited, Map<String, String> overrides) {
        Map<String, String> e = new java.util.TreeMap<>();
        inherited.forEach((k, v) -> {
            if (PASSED.contains(k) || PASSED_PREFIXES.stream().anyMatch(k::startsWith)) {
                e.put(k, v);
            }
        });
        e.put("LC_ALL", "C");
        e.put("TZ", "UTC");
        overrides.forEach((k, v) -> {
            if (v == null) {
                e.remove(k);
            } else {
                e.put(k, v);
            }
        });
        return e;
    }

    /**
     * Runs {@code command} in {@code workDir} with the {@link #environment} made of this process's environment and
     * {@code env}, appending all output to {@code logFile}: the command line first, the output, then
     * {@code # exit <code> after <seconds> s} (which the benchmark reads to tell make's time from the plugin's own).
     */
    public void run(String step, List<String> command, Path workDir, Map<String, String> env, Path logFile)
            throws BuildStepException {
        run(step, command, workDir, env, logFile, null);
    }

    /** {@code flock}'s exit code when the lock is held by another process. */
    static final int LOCK_HELD = 75;

    /**
     * Like {@link #run(String, List, Path, Map, Path)}, holding {@code lock} (an {@code flock(1)} lock on that file)
     * while the command runs. The lock belongs to the command and everything it starts, not to this JVM: if the JVM is
     * killed with SIGKILL (no shutdown hook runs) and a {@code make} survives it, the lock stays held until that make
     * ends, and the next build that asks for it is told that something still writes into {@code workDir} instead of
     * building in a tree an orphan is changing.
     */
    public void run(String step, List<String> command, Path workDir, Map<String, String> env, Path logFile, Path lock)
            throws BuildStepException {
        run(step, step, command, workDir, env, logFile, lock);
    }

    /**
     * Like {@link #run(String, List, Path, Map, Path, Path)}, its share done and time left estimated from the last run
     * recorded as {@code history} (by default the step's name): a step whose work depends on more than its name, such
     * as a kernel on its config, names that too.
     */
    public void run(String step, String history, List<String> command, Path workDir, Map<String, String> env,
            Path logFile, Path lock) throws BuildStepException {
        if (recorder != null) {
            recorder.command(step, command, workDir, env);
            return;
        }
        if (lock == null) {
            runCommand(step, history, command, workDir, env, logFile);
            return;
        }
        List<String> locked = new ArrayList<>(List.of("flock", "--nonblock", "--conflict-exit-code",
                Integer.toString(LOCK_HELD), lock.toString()));
        locked.addAll(command);
        try {
            runCommand(step, history, locked, workDir, env, logFile);
        } catch (BuildStepException e) {
            if (e.exitCode() == LOCK_HELD) {
                throw new BuildStepException(step + ": another process holds " + lock + ", so it may still be writing"
                        + " into the tree that lock guards: a build stopped with SIGKILL may have left its make running."
                        + " Wait for it to end, or end it (fuser -k " + lock + "), then build again.");
            }
            throw e;
        }
    }

    private void runCommand(String step, String historyKey, List<String> command, Path workDir,
            Map<String, String> env, Path logFile) throws BuildStepException {
        long start = System.nanoTime();
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            LineCounter lines = new LineCounter(logFile, Files.size(logFile));
            java.util.Optional<StepHistory.Last> last = history == null ? java.util.Optional.empty()
                    : history.last(historyKey);
            List<String> grouped = new ArrayList<>(List.of("setsid"));
            grouped.addAll(command);
            ProcessBuilder pb = new ProcessBuilder(grouped).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Map<String, String> e = pb.environment();
            e.clear();
            e.putAll(environment(System.getenv(), env));
            log.debug(step + ": " + String.join(" ", command) + " (in " + workDir + ")");
            Process p = pb.start();
            RUNNING.add(p);
            try {
                while (!p.waitFor(progressSeconds, TimeUnit.SECONDS)) {
                    String status = history == null ? "running, " + elapsed(start) + " elapsed"
                            : StepHistory.progress(last, lines.count(), seconds(start));
                    log.info("  " + step + ": " + status + " (log: " + logFile + ")");
                }
            } catch (InterruptedException ie) {
                killGroup(p);
                Thread.currentThread().interrupt();
                throw new BuildStepException(step + " interrupted", ie);
            } finally {
                RUNNING.remove(p);
            }
            int code = p.exitValue();
            if (code == 0 && history != null) {
                history.record(historyKey, lines.count(), seconds(start));
            }
            String tail = code != 0 ? tail(logFile, TAIL_LINES) : null;
            Files.writeString(logFile, String.format(java.util.Locale.ROOT, "# exit %d after %.2f s%n", code,
                    (System.nanoTime() - start) / 1e9), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
            if (code != 0) {
                throw new BuildStepException(step + " failed (exit " + code + ") after " + elapsed(start)
                        + "; last lines of " + logFile + ":\n" + tail, code);
            }
        } catch (IOException ioe) {
            throw new BuildStepException(step + ": cannot run " + command.get(0) + ": " + ioe.getMessage(), ioe);
        }
    }

    /**
     * Runs {@code command} attached to Maven's terminal (its input, output and errors), for the commands a user works
     * with: QEMU's console in {@code puipui:run}, a Maven build forwarded to the distro project. Unlike {@link #run}
     * it keeps Maven's environment and process group, so that Ctrl-C reaches it; it is ended with the build all the
     * same. Waits at most {@code timeoutSeconds} (0: no limit), then ends it. Returns its exit code, or -1 when it
     * was ended at the timeout.
     */
    public int runInteractive(String step, List<String> command, long timeoutSeconds) throws BuildStepException {
        log.debug(step + ": " + String.join(" ", command));
        try {
            Process p = new ProcessBuilder(command).inheritIO().start();
            RUNNING.add(p);
            try {
                if (timeoutSeconds <= 0) {
                    return p.waitFor();
                }
                if (p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    return p.exitValue();
                }
                log.info(step + ": stopping it after " + timeoutSeconds + " s");
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                return -1;
            } catch (InterruptedException ie) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new BuildStepException(step + " interrupted", ie);
            } finally {
                RUNNING.remove(p);
            }
        } catch (IOException ioe) {
            throw new BuildStepException(step + ": cannot run " + command.get(0) + ": " + ioe.getMessage(), ioe);
        }
    }

    /**
     * Starts {@code command} in the background (a VM), its output and errors into {@code logFile}, in a process group
     * of its own that is ended with the build; the caller waits for it, and ends it with {@link #end}.
     */
    public Process start(String step, List<String> command, Path logFile) throws BuildStepException {
        log.debug(step + ": " + String.join(" ", command));
        try {
            Files.createDirectories(logFile.getParent());
            List<String> cmd = new ArrayList<>(List.of("setsid"));
            cmd.addAll(command);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            RUNNING.add(p);
            return p;
        } catch (IOException ioe) {
            throw new BuildStepException(step + ": cannot run " + command.get(0) + ": " + ioe.getMessage(), ioe);
        }
    }

    /** Ends a process {@link #start} started, with everything it started. */
    public static void end(Process p) {
        if (RUNNING.remove(p) || p.isAlive()) {
            killGroup(p);
        }
    }

    /** What a command did: its exit status (-1 when it was ended at its deadline) and its output and errors. */
    public record Outcome(int exit, String output) {
    }

    /**
     * Runs a short command (an ssh exchange) and returns its exit status and output, ending it after {@code timeout}.
     */
    public static Outcome capture(List<String> command, java.time.Duration timeout) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("setsid"));
        cmd.addAll(command);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        RUNNING.add(p);
        try {
            java.util.concurrent.CompletableFuture<byte[]> out = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            boolean ended = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                killGroup(p);
            }
            String text = new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
            return new Outcome(ended ? p.exitValue() : -1, text);
        } catch (InterruptedException e) {
            killGroup(p);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command.get(0), e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            killGroup(p);
            return new Outcome(-1, "");
        } finally {
            RUNNING.remove(p);
        }
    }

    /**
     * What a short probe of the host prints (its output and errors, trimmed), e.g. {@code gcc -v}: empty when it
     * cannot run or fails. Probes read the host; they build nothing, so they get no log file of their own.
     */
    public static String probe(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 ? out.trim() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    static String elapsed(long startNanos) {
        return StepHistory.duration(Math.floor(seconds(startNanos)));
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Counts the lines a command has added to its log since {@code from}, reading each new byte once. */
    private static final class LineCounter {
        private final Path file;
        private long position;
        private long lines;

        LineCounter(Path file, long from) {
            this.file = file;
            this.position = from;
        }

        long count() {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 16);
                int n;
                while ((n = ch.read(buf, position)) > 0) {
                    for (int i = 0; i < n; i++) {
                        if (buf.get(i) == '\n') {
                            lines++;
                        }
                    }
                    position += n;
                    buf.clear();
                }
            } catch (IOException e) {
                // the count so far
            }
            return lines;
        }
    }

    /** The last {@code n} lines of a text file (reads at most the last 64 KiB). */
    public static String tail(Path file, int n) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            long from = Math.max(0, len - 65536);
            byte[] buf = new byte[(int) (len - from)];
            f.seek(from);
            f.readFully(buf);
            String[] lines = new String(buf, StandardCharsets.UTF_8).split("\n");
            List<String> last = new ArrayList<>();
            for (int i = Math.max(0, lines.length - n); i < lines.length; i++) {
                last.add("    " + lines[i]);
            }
            return String.join("\n", last);
        } catch (IOException e) {
            return "    (cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
