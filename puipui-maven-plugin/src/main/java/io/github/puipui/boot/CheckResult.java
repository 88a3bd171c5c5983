package io.github.puipui.boot;

/** One check of a test boot, as a report's test case: its name, its time, and why it failed (null: it passed). */
public record CheckResult(String name, double seconds, String failure) {
    public boolean passed() {
        return failure == null;
    }
}
