package io.github.puipui.boot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.github.puipui.Arch;
import io.github.puipui.BuildLog;
import io.github.puipui.files.FileTrees;
import io.github.puipui.initramfs.CpioEntry;
import io.github.puipui.initramfs.InitramfsWriter;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.process.ProcessRunner;
import io.github.puipui.toolchain.HostTools;
import io.github.puipui.toolchain.MissingHostToolException;

/**
 * The boot tests of a built distro: every kernel form of every arch built ({@link BootForm}), booted in QEMU with the
 * image's own initramfs and, concatenated to it for the test boot only, a second archive holding the goal's ssh key
 * for root (so that an image built keys-only is tested too, and the published image stays as it is). Each boot runs
 * the guest contract and the distro's declared tests ({@link BootRun}); boots run in parallel up to {@code parallel}
 * at a time. Each form's checks go to a Surefire-format report, its console to {@code <work>/<arch>/<kernel>/}.
 */
public final class BootTests {
    /** The result of all boots: the checks run and failed, the time taken, and where the reports are. */
    public record Summary(int checks, int failures, double seconds, Path reports, List<String> failed) {
    }

    private final Path work;
    private final Path reports;
    private final String accel;
    /** Set once the accelerator failed a boot: the rest boot with TCG at once. */
    private final java.util.concurrent.atomic.AtomicBoolean accelFailed = new java.util.concurrent.atomic.AtomicBoolean();
    private final int parallel;
    private final BuildLog log;
    private final ProcessRunner runner;

    /** {@code accel}: {@code tcg}, {@code kvm} or {@code hvf}; a boot it hangs is booted again with TCG. */
    public BootTests(Path work, Path reports, String accel, int parallel, BuildLog log, ProcessRunner runner) {
        this.work = work;
        this.reports = reports;
        this.accel = accel;
        this.parallel = Math.max(1, parallel);
        this.log = log;
        this.runner = runner;
    }

    /**
     * The host tools the boots need, missing ones named with the Debian and Homebrew packages and the ways to skip.
     */
    public static void requireHostTools(List<Arch> arches, String skip) throws MissingHostToolException {
        requireHostTools(arches, skip, new HostTools());
    }

    static void requireHostTools(List<Arch> arches, String skip, HostTools host) throws MissingHostToolException {
        TreeSet<String> missing = new TreeSet<>();
        TreeSet<String> debian = new TreeSet<>();
        for (Arch a : arches) {
            if (!host.has(a.qemu().binary())) {
                missing.add(a.qemu().binary());
                debian.add(a.qemu().debianPackage());
            }
        }
        for (String p : List.of("ssh", "ssh-keygen")) {
            if (!host.has(p)) {
                missing.add(p);
                debian.add("openssh-client");
            }
        }
        if (!missing.isEmpty()) {
            throw new MissingHostToolException("the boot tests need " + String.join(", ", missing) + ". Install them"
                    + " (Debian/Ubuntu: sudo apt-get install " + String.join(" ", debian) + "; macOS: brew install qemu),"
                    + " or skip the boot tests with " + skip);
        }
    }

    /**
     * Boots each form of {@code arches} from {@code images.get(arch)} (the kernels and initramfs) and checks it, the
     * kernel against {@code release} ({@code uname -r}; null: not checked).
     */
    public Summary run(Map<Arch, Path> images, List<BootTest> tests, String release) throws IOException, BuildStepException,
            InterruptedException {
        long start = System.nanoTime();
        FileTrees.deleteTree(work);
        FileTrees.deleteTree(reports);
        Path key = sshKey();
        Map<String, Object> schema = schema();
        List<Future<List<CheckResult>>> runs = new ArrayList<>();
        List<BootForm> forms = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            for (Map.Entry<Arch, Path> e : images.entrySet()) {
                Path initramfs = testInitramfs(e.getKey(), e.getValue().resolve("initramfs.cpio.gz"), key);
                for (BootForm form : BootForm.of(e.getKey())) {
                    Path kernel = e.getValue().resolve(form.kernel());
                    if (!Files.isRegularFile(kernel)) {
                        throw new IOException("no " + kernel + " to boot: build the distro first (mvn package)");
                    }
                    Path dir = Files.createDirectories(work.resolve(form.arch().id()).resolve(form.kernel()));
                    forms.add(form);
                    dirs.add(dir);
                    runs.add(pool.submit(() -> boot(form, kernel, initramfs, dir, key, schema, tests,
                            release)));
                }
            }
            int checks = 0;
            List<String> failed = new ArrayList<>();
            for (int i = 0; i < forms.size(); i++) {
                BootForm form = forms.get(i);
                List<CheckResult> results = get(runs.get(i), form);
                Path console = dirs.get(i).resolve("console.log");
                SurefireReport.write(reports, form, results, console);
                checks += results.size();
                report(form, results, console, failed);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            log.info(String.format("boot tests: %d checks on %d boots, %d failed, in %.1f s (%d at a time); reports in %s",
                    checks, forms.size(), failed.size(), seconds, parallel, reports));
            return new Summary(checks, failed.size(), seconds, reports, failed);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Boots one form with the accelerator, or with TCG when the accelerator did not get the guest to its report (KVM
     * hangs on some hosts): warned once.
     */
    private List<CheckResult> boot(BootForm form, Path kernel, Path initramfs, Path dir, Path key,
            Map<String, Object> schema, List<BootTest> tests, String release) throws Exception {
        String a = accelFailed.get() ? "tcg" : accel;
        log.info("boot test " + form.id() + " (" + form.machine() + ", " + form.cpus() + " vCPUs, "
                + a.toUpperCase(java.util.Locale.ROOT) + "): booting");
        List<CheckResult> results = new BootRun(form, kernel, initramfs, dir, key, a, schema, release, runner).run(tests);
        if (a.equals("tcg") || results.get(0).passed()) {
            return results;
        }
        if (!accelFailed.getAndSet(true)) {
            log.warn("boot tests: " + accel + " did not get " + form.id() + " to its report within "
                    + BootRun.ACCELERATED_BOOT.toSeconds() + " s (QEMU's output: " + dir.resolve("qemu.log")
                    + "); booting with TCG instead");
        }
        FileTrees.deleteTree(dir);
        Files.createDirectories(dir);
        return new BootRun(form, kernel, initramfs, dir, key, "tcg", schema, release, runner).run(tests);
    }

    private static List<CheckResult> get(Future<List<CheckResult>> run, BootForm form) throws InterruptedException,
            IOException {
        try {
            return run.get();
        } catch (java.util.concurrent.ExecutionException e) {
            return List.of(new CheckResult("the VM starts", 0, form.id() + ": " + e.getCause()));
        }
    }

    private void report(BootForm form, List<CheckResult> results, Path console, List<String> failed) {
        double seconds = results.stream().mapToDouble(CheckResult::seconds).sum();
        List<CheckResult> bad = results.stream().filter(r -> !r.passed()).toList();
        if (bad.isEmpty()) {
            log.info(String.format("boot test %s: %d checks passed in %.1f s", form.id(), results.size(), seconds));
            return;
        }
        StringBuilder b = new StringBuilder(String.format("boot test %s: %d of %d checks failed:", form.id(), bad.size(),
                results.size()));
        for (CheckResult r : bad) {
            b.append("\n  ").append(r.name()).append(": ").append(r.failure());
            failed.add(form.id() + ": " + r.name());
        }
        b.append("\nlast lines of ").append(console).append(":\n").append(ProcessRunner.tail(console, 20));
        log.warn(b.toString());
    }

    /** The goal's own ed25519 key pair, made for this run. */
    private Path sshKey() throws IOException {
        Path dir = Files.createDirectories(work.resolve("key"));
        Path key = dir.resolve("id_ed25519");
        ProcessRunner.Outcome o = ProcessRunner.capture(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
                "puipui boot test", "-f", key.toString()), Duration.ofSeconds(60));
        if (o.exit() != 0) {
            throw new IOException("ssh-keygen failed: " + o.output());
        }
        return key;
    }

    /**
     * The image's initramfs followed by a gzip cpio archive that gives root the goal's key: Linux unpacks both, the
     * second over the first.
     */
    private Path testInitramfs(Arch arch, Path initramfs, Path key) throws IOException {
        if (!Files.isRegularFile(initramfs)) {
            throw new IOException("no " + initramfs + " to boot: build the distro first (mvn package)");
        }
        InitramfsWriter w = new InitramfsWriter(0);
        w.add(CpioEntry.directory("/root", 0700));
        w.add(CpioEntry.directory("/root/.ssh", 0700));
        w.add(CpioEntry.file("/root/.ssh/authorized_keys", 0600, Files.readAllBytes(key.resolveSibling(
                key.getFileName() + ".pub"))));
        Path overlay = work.resolve(arch.id()).resolve("test-key.cpio.gz");
        Files.createDirectories(overlay.getParent());
        w.write(overlay);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        joined.write(Files.readAllBytes(initramfs));
        while (joined.size() % 4 != 0) {
            joined.write(0); // archives start 4-byte aligned; zeros between them are skipped
        }
        joined.write(Files.readAllBytes(overlay));
        Path out = work.resolve(arch.id()).resolve("initramfs-test.cpio.gz");
        Files.write(out, joined.toByteArray());
        return out;
    }

    /** The guest report's JSON Schema, as the distro publishes it. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> schema() throws IOException {
        try (InputStream in = BootTests.class.getResourceAsStream("guest-report.schema.json")) {
            if (in == null) {
                throw new IOException("the guest report's schema is missing from the plugin");
            }
            return (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
