package io.github.puipui;

/** Where the plain build classes report; the Maven adapter forwards to the mojo's log, tests to a list or nowhere. */
public interface BuildLog {
    void info(String message);

    void warn(String message);

    default void debug(String message) {
    }

    /**
     * Warns unless the same message was warned of earlier in this build (the Maven adapter keeps one set per project
     * build, so a second build in the same JVM warns again); this default warns every time.
     */
    default void warnOnce(String message) {
        warn(message);
    }

    BuildLog SILENT = new BuildLog() {
        @Override
        public void info(String message) {
        }

        @Override
        public void warn(String message) {
        }
    };
}
