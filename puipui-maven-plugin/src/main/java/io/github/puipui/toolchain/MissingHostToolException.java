package io.github.puipui.toolchain;

/** A program or header the build needs is not installed; the message names the packages. */
public class MissingHostToolException extends Exception {
    public MissingHostToolException(String message) {
        super(message);
    }
}
