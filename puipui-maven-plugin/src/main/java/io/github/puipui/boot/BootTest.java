package io.github.puipui.boot;

import java.time.Duration;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.github.puipui.Arch;

/**
 * A test a distro declares for its booted image: a command run as root in the guest over ssh, the exit status it must
 * end with, a pattern its output must contain a match of (or null), how long it may take, and the one arch it is for
 * (null: every arch built).
 */
public record BootTest(String name, String command, int exitStatus, Pattern outputPattern, Duration timeout, Arch arch) {
    public BootTest {
        if (name == null || name.isBlank() || name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("a boot test needs a <name> of one line, at most 200 characters (got '"
                    + name + "')");
        }
        if (command == null || command.isBlank()) {
            throw new IllegalArgumentException("the boot test '" + name + "' has no <command>");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the boot test '" + name + "': <timeoutSeconds> must be positive");
        }
    }

    /** A declared test from the POM's text: {@code pattern} and {@code arch} may be null or empty. */
    public static BootTest of(String name, String command, int exitStatus, String pattern, int timeoutSeconds,
            String arch) {
        Pattern p = null;
        if (pattern != null && !pattern.isEmpty()) {
            try {
                p = Pattern.compile(pattern, Pattern.MULTILINE);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("the boot test '" + name + "': <outputPattern> is not a regular"
                        + " expression: " + e.getDescription());
            }
        }
        return new BootTest(name, command, exitStatus, p, Duration.ofSeconds(timeoutSeconds),
                arch == null || arch.isBlank() ? null : Arch.of(arch.trim()));
    }

    /** True when this test runs on {@code a}. */
    public boolean runsOn(Arch a) {
        return arch == null || arch == a;
    }
}
