package io.github.puipui.fetch;

/** Downloaded bytes do not have the declared digest. Nothing of them is kept. */
public class ChecksumMismatchException extends FetchException {
    private final String expected;
    private final String actual;

    public ChecksumMismatchException(String file, String origin, String expected, String actual) {
        super("sha256 mismatch for " + file + " from " + origin + ": expected " + expected + ", actual " + actual
                + " (nothing was cached)");
        this.expected = expected;
        this.actual = actual;
    }

    public String getExpected() {
        return expected;
    }

    public String getActual() {
        return actual;
    }
}
