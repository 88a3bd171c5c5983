package io.github.puipui.boot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's guard against slower boots. For each boot form (an arch and a consumer's way of booting), the
 * median of at least {@value #MIN_RUNS} runs is held against the figure recorded for the same machine (its cores and
 * CPU model) in a figures file of the repository: more than {@value #TOLERANCE_PERCENT} % slower fails. A form with
 * no figure for this machine gets one recorded. The figures file has one line per machine and form:
 * {@code machine<TAB>form<TAB>median seconds}.
 */
public final class BootGuard {
    public static final int MIN_RUNS = 5;
    public static final int TOLERANCE_PERCENT = 10;

    private BootGuard() {
    }

    public enum Status {
        /** Within the tolerance of the recorded figure. */
        WITHIN,
        /** More than the tolerance slower than the recorded figure: the guard fails. */
        SLOWER,
        /** No figure for this machine and form: the median is recorded. */
        RECORDED,
        /** Fewer than {@link #MIN_RUNS} runs: neither compared nor recorded. */
        TOO_FEW_RUNS
    }

    /** The guard's word on one form: its median, the recorded figure (null if none) and the status. */
    public record Verdict(String form, int runs, double median, Double recorded, Status status) {
        public String describe() {
            return switch (status) {
                case WITHIN -> String.format(Locale.ROOT, "%s: median %.2f s over %d runs, recorded %.2f s (%+.1f %%): within %d %%",
                        form, median, runs, recorded, change(), TOLERANCE_PERCENT);
                case SLOWER -> String.format(Locale.ROOT, "%s: median %.2f s over %d runs, recorded %.2f s: %+.1f %%, more than %d %% SLOWER",
                        form, median, runs, recorded, change(), TOLERANCE_PERCENT);
                case RECORDED -> String.format(Locale.ROOT, "%s: no figure for this machine; recorded the median %.2f s over %d runs",
                        form, median, runs);
                case TOO_FEW_RUNS -> String.format(Locale.ROOT, "%s: %d runs, fewer than %d: not compared", form, runs, MIN_RUNS);
            };
        }

        private double change() {
            return (median / recorded - 1) * 100;
        }
    }

    /** This machine as the figures file names it: its cores and CPU model, from {@code /proc/cpuinfo}. */
    public static String machine() throws IOException {
        String model = "unknown CPU";
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
            if (line.startsWith("model name")) {
                model = line.substring(line.indexOf(':') + 1).trim();
                break;
            }
        }
        return Runtime.getRuntime().availableProcessors() + " cores, " + model.replace('\t', ' ');
    }

    public static double median(List<Double> runs) {
        List<Double> sorted = runs.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * Holds each form's runs (seconds) against {@code figures} for {@code machine}; appends a line to
     * {@code figures} for each form that had none. Returns one verdict per form, in the order given.
     */
    public static List<Verdict> check(Path figures, String machine, Map<String, List<Double>> runs) throws IOException {
        Map<String, Double> recorded = new HashMap<>();
        if (Files.exists(figures)) {
            for (String line : Files.readAllLines(figures, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t");
                if (f.length == 3 && f[0].equals(machine) && !line.startsWith("#")) {
                    recorded.put(f[1], Double.parseDouble(f[2]));
                }
            }
        }
        List<Verdict> verdicts = new ArrayList<>();
        StringBuilder added = new StringBuilder();
        for (Map.Entry<String, List<Double>> e : runs.entrySet()) {
            String form = e.getKey();
            int n = e.getValue().size();
            if (n < MIN_RUNS) {
                verdicts.add(new Verdict(form, n, n == 0 ? 0 : median(e.getValue()), recorded.get(form), Status.TOO_FEW_RUNS));
                continue;
            }
            double median = median(e.getValue());
            Double figure = recorded.get(form);
            if (figure == null) {
                added.append(machine).append('\t').append(form).append('\t')
                        .append(String.format(Locale.ROOT, "%.3f", median)).append('\n');
                verdicts.add(new Verdict(form, n, median, null, Status.RECORDED));
            } else {
                boolean slower = median > figure * (1 + TOLERANCE_PERCENT / 100.0);
                verdicts.add(new Verdict(form, n, median, figure, slower ? Status.SLOWER : Status.WITHIN));
            }
        }
        if (added.length() > 0) {
            Files.writeString(figures, added, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        return verdicts;
    }
}
