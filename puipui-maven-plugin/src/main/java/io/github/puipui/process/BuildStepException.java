package io.github.puipui.process;

/** A build step (configure, make, …) failed; the message names the step, the log file and ends with its last lines. */
public class BuildStepException extends Exception {
    public BuildStepException(String message) {
        super(message);
    }

    public BuildStepException(String message, Throwable cause) {
        super(message, cause);
    }
}
