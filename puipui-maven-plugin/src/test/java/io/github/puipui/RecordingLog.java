package io.github.puipui;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A build log for tests that keeps every line, warnings marked {@code WARN }. */
public final class RecordingLog implements BuildLog {
    public final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void info(String message) {
        lines.add(message);
    }

    @Override
    public void warn(String message) {
        lines.add("WARN " + message);
    }
}
