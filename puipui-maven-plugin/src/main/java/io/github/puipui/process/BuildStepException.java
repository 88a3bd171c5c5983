package io.github.puipui.process;

/** A build step (configure, make, …) failed; the message names the step, the log file and ends with its last lines. */
public class BuildStepException extends Exception {
    private final int exitCode;

    public BuildStepException(String message) {
        this(message, -1);
    }

    /** A command that ended with {@code exitCode}. */
    public BuildStepException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public BuildStepException(String message, Throwable cause) {
        super(message, cause);
        this.exitCode = -1;
    }

    /** The failed command's exit code, or -1 when the step did not fail by a command's exit. */
    public int exitCode() {
        return exitCode;
    }
}
