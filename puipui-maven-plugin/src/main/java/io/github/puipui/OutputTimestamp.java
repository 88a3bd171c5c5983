package io.github.puipui;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The one timestamp every artifact carries: Maven's {@code project.build.outputTimestamp} (ISO-8601 or seconds since
 * the epoch), used as SOURCE_DATE_EPOCH, KBUILD_BUILD_TIMESTAMP, cpio and tar mtimes.
 */
public record OutputTimestamp(Instant instant) {
    private static final DateTimeFormatter KBUILD =
            DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss 'UTC' yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);

    public static OutputTimestamp parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("project.build.outputTimestamp is not set; it is needed for reproducible artifacts");
        }
        String v = value.trim();
        if (v.matches("\\d+")) {
            return new OutputTimestamp(Instant.ofEpochSecond(Long.parseLong(v)));
        }
        try {
            return new OutputTimestamp(java.time.OffsetDateTime.parse(v).toInstant());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("project.build.outputTimestamp '" + v
                    + "' is neither ISO-8601 (2026-01-01T00:00:00Z) nor seconds since the epoch", e);
        }
    }

    public long epochSecond() {
        return instant.getEpochSecond();
    }

    /** As the kernel prints it in {@code uname -v}: {@code Wed Nov 25 00:00:00 UTC 2026}. */
    public String kbuildFormat() {
        return KBUILD.format(instant);
    }
}
