package io.github.puipui.fetch;

/** A source could not be obtained or proved; the message says which file and what to do. */
public class FetchException extends Exception {
    public FetchException(String message) {
        super(message);
    }

    public FetchException(String message, Throwable cause) {
        super(message, cause);
    }
}
