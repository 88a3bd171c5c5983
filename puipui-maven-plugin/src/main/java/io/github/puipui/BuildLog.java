package io.github.puipui;

/** Where the plain build classes report; the Maven adapter forwards to the mojo's log, tests to a list or nowhere. */
public interface BuildLog {
    void info(String message);

    void warn(String message);

    default void debug(String message) {
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
