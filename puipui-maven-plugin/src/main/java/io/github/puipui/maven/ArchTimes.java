package io.github.puipui.maven;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.puipui.Arch;
import io.github.puipui.process.StepHistory;

/**
 * How long each arch's steps took in one project build (kernel, userland), summed by the goals that ran them, for the
 * summary the package goal logs last: each arch's total, then each step's share.
 */
final class ArchTimes {
    private final Map<String, Map<String, Double>> seconds = new LinkedHashMap<>();

    synchronized void add(Arch arch, String step, double s) {
        seconds.computeIfAbsent(arch.id(), a -> new LinkedHashMap<>()).merge(step, s, Double::sum);
    }

    /** One line per arch: {@code aarch64: 9 min 40 s (kernel 9 min 20 s, userland 20 s)}; none before any step. */
    synchronized List<String> summary() {
        List<String> out = new ArrayList<>();
        seconds.forEach((arch, steps) -> {
            List<String> parts = new ArrayList<>();
            steps.forEach((step, s) -> parts.add(step + " " + StepHistory.duration(s)));
            double total = steps.values().stream().mapToDouble(Double::doubleValue).sum();
            out.add("build time of " + arch + ": " + StepHistory.duration(total) + " (" + String.join(", ", parts) + ")");
        });
        return out;
    }
}
