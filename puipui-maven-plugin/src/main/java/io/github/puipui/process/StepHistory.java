package io.github.puipui.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;

/**
 * How the last successful run of each named command went on this machine: how long it took and how many lines its
 * log got. A running command's share done and time left are estimated from it ({@link ProcessRunner}). One small
 * file per command name, written atomically; a file that is missing, unreadable or unwritable means no estimate,
 * never a failed build.
 */
public final class StepHistory {
    private final Path dir;

    /** {@code dir}: where the files are kept (the user cache's {@code history/}). */
    public StepHistory(Path dir) {
        this.dir = dir;
    }

    /** The last successful run of a command: its log's lines and its seconds. */
    public record Last(long lines, double seconds) {
    }

    public Optional<Last> last(String step) {
        try {
            String[] f = Files.readString(file(step), StandardCharsets.UTF_8).trim().split(" ");
            Last l = new Last(Long.parseLong(f[0]), Double.parseDouble(f[1]));
            return l.lines() > 0 && l.seconds() > 0 ? Optional.of(l) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public void record(String step, long lines, double seconds) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".history", ".tmp");
            Files.writeString(tmp, String.format(Locale.ROOT, "%d %.1f%n", lines, seconds));
            Files.move(tmp, file(step), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // no estimate next time
        }
    }

    private Path file(String step) {
        return dir.resolve(step.replaceAll("[^A-Za-z0-9._-]", "_"));
    }

    /**
     * The progress line of a command that has run {@code seconds} and written {@code lines} lines, against its
     * {@code last} run (or none): the share done and the time left, else the time elapsed and why there is no
     * estimate.
     */
    static String progress(Optional<Last> last, long lines, double seconds) {
        String elapsed = duration(seconds);
        if (last.isEmpty()) {
            return "running, " + elapsed + " elapsed (no earlier run here to estimate the time left from)";
        }
        Last l = last.get();
        double share = (double) lines / l.lines();
        if (share >= 1) {
            return "running, " + elapsed + " elapsed, past the " + l.lines() + " log lines of the last run (which"
                    + " took " + duration(l.seconds()) + ")";
        }
        // early on, lines say little (configure's burst, make's first directories): the last run's time does
        double left = share < 0.05 ? Math.max(0, l.seconds() - seconds) : seconds * (1 - share) / share;
        return String.format(Locale.ROOT, "%d %% done, about %s left (%s elapsed; the last run took %s)",
                (int) Math.floor(share * 100), duration(left), elapsed, duration(l.seconds()));
    }

    /** A duration as the build logs it: {@code 45 s}, {@code 12 min 30 s}. */
    public static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? (s / 60) + " min " + (s % 60) + " s" : s + " s";
    }
}
