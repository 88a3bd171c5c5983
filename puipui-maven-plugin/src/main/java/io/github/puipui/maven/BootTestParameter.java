package io.github.puipui.maven;

import io.github.puipui.boot.BootTest;

/**
 * A {@code <bootTest>} of the POM, as Maven fills it in: {@code <name>}, {@code <command>} (run as root in the booted
 * guest, by BusyBox ash), {@code <exitStatus>} (default 0), {@code <outputPattern>} (a regular expression the output
 * must contain a match of), {@code <timeoutSeconds>} (default 60) and {@code <arch>} (default: every arch built).
 */
public class BootTestParameter {
    private String name;
    private String command;
    private int exitStatus;
    private String outputPattern;
    private int timeoutSeconds = 60;
    private String arch;

    BootTest toBootTest() {
        return BootTest.of(name, command, exitStatus, outputPattern, timeoutSeconds, arch);
    }
}
