package io.github.puipui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class OutputTimestampTest {
    @Test
    void parsesIsoAndEpochSecondsAndFormatsLikeKbuild() {
        OutputTimestamp iso = OutputTimestamp.parse("2026-11-25T00:00:00Z");
        assertEquals(1795564800L, iso.epochSecond());
        assertEquals("Wed Nov 25 00:00:00 UTC 2026", iso.kbuildFormat());
        assertEquals(iso, OutputTimestamp.parse("1795564800"));
    }

    @Test
    void rejectsMissingOrMalformed() {
        assertThrows(IllegalArgumentException.class, () -> OutputTimestamp.parse(null));
        assertThrows(IllegalArgumentException.class, () -> OutputTimestamp.parse("yesterday"));
    }
}
