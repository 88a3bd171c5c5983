package io.github.puipui.fetch;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A published list of digests in {@code sha256sum} format, possibly inside a PGP clear-signed message
 * (kernel.org's {@code sha256sums.asc}). The signature itself is not checked here: the list is fetched over HTTPS
 * from the same host as the archive, and the digest it gives is then enforced byte for byte.
 */
public final class DigestList {
    private static final Pattern LINE = Pattern.compile("^([0-9a-fA-F]{64})\\s+\\*?(\\S+)\\s*$", Pattern.MULTILINE);

    private DigestList() {
    }

    public static Optional<String> digestOf(String listText, String fileName) {
        Matcher m = LINE.matcher(listText);
        while (m.find()) {
            String name = m.group(2);
            if (name.equals(fileName) || name.endsWith("/" + fileName)) {
                return Optional.of(m.group(1).toLowerCase(java.util.Locale.ROOT));
            }
        }
        return Optional.empty();
    }
}
