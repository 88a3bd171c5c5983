package io.github.puipui.boot;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.puipui.Arch;
import io.github.puipui.process.ProcessRunner;

/**
 * One test boot of a kernel form and its checks, in order: the guest contract every distro must hold (the report on
 * the console, valid against its schema and matching the VM, ssh, the DHCP lease line, the self-checks of the devices
 * attached), then the distro's own tests, then the end of the VM with status 0. A check that cannot run because an
 * earlier one failed fails too, saying which.
 */
final class BootRun {
    static final Duration BOOT = Duration.ofSeconds(120);
    /** How long an accelerated boot may take to report: one that takes longer is taken for a hung accelerator. */
    static final Duration ACCELERATED_BOOT = Duration.ofSeconds(30);
    static final String REPORT_ARRIVES = "the guest report arrives on the console";
    private static final String REPORT = "puipui.report: ";
    private static final String CHECK = "puipui.check: ";

    private final BootForm form;
    private final Path kernel;
    private final Path initramfs;
    private final Path dir;
    private final Path key;
    private final String accel;
    private final Map<String, Object> schema;
    private final String release;
    private final ProcessRunner runner;
    private final List<CheckResult> results = new ArrayList<>();
    private String blocked;

    BootRun(BootForm form, Path kernel, Path initramfs, Path dir, Path key, String accel, Map<String, Object> schema,
            String release, ProcessRunner runner) {
        this.form = form;
        this.kernel = kernel;
        this.initramfs = initramfs;
        this.dir = dir;
        this.key = key;
        this.accel = accel;
        this.schema = schema;
        this.release = release;
        this.runner = runner;
    }

    private interface Check {
        /** Null when it passed, else why not. */
        String run() throws Exception;
    }

    /** Runs {@code check} unless an earlier one blocked the rest; {@code blocking}: its failure blocks the rest. */
    private void check(String name, boolean blocking, Check check) {
        long start = System.nanoTime();
        String failure;
        if (blocked != null) {
            failure = "not run: " + blocked;
        } else {
            try {
                failure = check.run();
            } catch (Exception e) {
                failure = e.toString();
            }
            if (failure != null && blocking) {
                blocked = name + " failed";
            }
        }
        results.add(new CheckResult(name, (System.nanoTime() - start) / 1e9, failure));
    }

    /** Boots, checks and runs {@code tests}; the results, one per check and per test. */
    List<CheckResult> run(List<BootTest> tests) throws Exception {
        String mac = QemuCommand.randomMac();
        String checks = String.join(",", form.checks());
        Duration boot = accel.equals("tcg") ? BOOT : ACCELERATED_BOOT;
        try (GuestVm vm = new GuestVm(form, kernel, initramfs, dir, accel, "puipui.check=" + checks, mac, key, runner)) {
            check(REPORT_ARRIVES, true, () -> vm.awaitLine(REPORT, boot) ? null
                    : "no '" + REPORT + "…' line within " + boot.toSeconds() + " s (" + accel + ")");
            Object[] report = new Object[1];
            check("the report is one valid line", true, () -> {
                List<String> lines = vm.consoleLines(REPORT);
                if (lines.size() != 1) {
                    return lines.size() + " report lines";
                }
                report[0] = Json.parse(lines.get(0));
                List<String> problems = Json.validate(report[0], schema, "$");
                return problems.isEmpty() ? null : "against its schema: " + String.join("; ", problems);
            });
            check("the report shows the kernel and the VM's CPUs, memory and NIC", false,
                    () -> ReportFacts.differences(report[0], form, mac, release));
            check("ssh answers", true, () -> {
                ProcessRunner.Outcome o = vm.sshWhenUp("id -u", BOOT);
                return o.exit() == 0 && o.output().trim().equals("0") ? null
                        : "ssh -i <the goal's key> root@ exited " + o.exit() + ": " + o.output().trim();
            });
            check("the DHCP lease line is printed", false, () -> vm.awaitLine("udhcpc: lease of "
                    + GuestVm.GUEST_ADDRESS + " obtained from " + GuestVm.HOST_ADDRESS, Duration.ofSeconds(30)) ? null
                    : "no 'udhcpc: lease of " + GuestVm.GUEST_ADDRESS + " obtained' line on the console");
            check("puipui.check=" + checks + " passes", false, () -> {
                String done = "done: " + form.checks().size() + " passed, 0 failed";
                return vm.awaitLine(CHECK + done, Duration.ofSeconds(60)) ? null
                        : "no '" + CHECK + done + "' on the console: " + vm.consoleLines(CHECK);
            });
            for (BootTest t : tests) {
                if (t.runsOn(form.arch())) {
                    check(t.name(), false, () -> declared(vm, t));
                }
            }
            check("the VM ends with status 0", false, () -> {
                vm.ssh(stopCommand(), Duration.ofSeconds(30)); // the connection may end with the VM
                Integer status = vm.awaitExit(Duration.ofSeconds(30));
                return status == null ? "still running 30 s after '" + stopCommand() + "'"
                        : status == 0 ? null : "exit status " + status;
            });
        }
        return results;
    }

    /**
     * How the guest stops its VM: a power off (ACPI on x86, PSCI on arm64), or on x86 without ACPI (microvm) a reset
     * through a triple fault, which QEMU's {@code -no-reboot} ends with status 0, as the image's own checks do.
     */
    private String stopCommand() {
        return form.arch() == Arch.X86_64 && form.microvm() ? "echo triple > /sys/kernel/reboot/type; reboot -f"
                : "poweroff";
    }

    private static String declared(GuestVm vm, BootTest t) throws IOException {
        ProcessRunner.Outcome o = vm.ssh(t.command(), t.timeout());
        String out = o.output().length() > 4000 ? o.output().substring(0, 4000) + "…" : o.output();
        if (o.exit() == -1) {
            return "did not end within " + t.timeout().toSeconds() + " s; output:\n" + out;
        }
        if (o.exit() != t.exitStatus()) {
            return "exit status " + o.exit() + ", expected " + t.exitStatus() + "; output:\n" + out;
        }
        if (t.outputPattern() != null && !t.outputPattern().matcher(o.output()).find()) {
            return "its output does not match /" + t.outputPattern().pattern() + "/; output:\n" + out;
        }
        return null;
    }
}
