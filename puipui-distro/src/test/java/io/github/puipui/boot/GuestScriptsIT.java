package io.github.puipui.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Functions of the guest's scripts run on the build host by the BusyBox the build made for the host's arch (a static
 * binary), where a guest boot would hide what a function did with one odd input.
 */
class GuestScriptsIT {
    private static final Path FS = Path.of(System.getProperty("puipui.fsDirectory", "../fs"));

    private static Path busybox() {
        String arch = io.github.puipui.Arch.host().id();
        Path bb = Path.of(System.getProperty("puipui.buildDirectory", "target"), "puipui", arch, "userland", "bin",
                "busybox");
        assertTrue(Files.isExecutable(bb), "the build's BusyBox for this host (" + arch + "): " + bb);
        return bb;
    }

    /** Runs {@code script} with {@code args} under BusyBox ash; its output. */
    private static String ash(String script, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(busybox().toString(), "ash", "-c", script, "ash"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "ash failed: " + out);
        return out;
    }

    /** The text of puipui-report from its CTRL= line through the end of str(). */
    private static String strFunction() throws Exception {
        Matcher m = Pattern.compile("(?ms)^CTRL=.*?^str\\(\\) \\{.*?^\\}$").matcher(Files.readString(FS.resolve(
                "usr/bin/puipui-report")));
        assertTrue(m.find(), "str() in puipui-report");
        return m.group();
    }

    @Test
    void theReportEscapesEveryControlCharacterOfAString() throws Exception {
        // a virtio-fs tag comes from the VMM under test: any byte but NUL may be in it
        StringBuilder tag = new StringBuilder("tag \"q\" \\ é");
        for (char c = 1; c < 0x20; c++) {
            tag.append(c);
        }
        String json = ash(strFunction() + "\nstr \"$1\"; printf %s \"$S\"", tag.toString());
        assertEquals(tag.toString(), Json.parse(json), "the JSON string reads back as the tag: " + json);
        for (char c = 1; c < 0x20; c++) {
            assertTrue(json.indexOf(c) < 0, "no raw control character " + (int) c + " in " + json);
        }
        assertEquals("\"hostfs\"", ash(strFunction() + "\nstr hostfs; printf %s \"$S\""));
    }
}
