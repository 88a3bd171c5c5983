package io.github.puipui.boot;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's boot profile ({@code scripts/benchmark.sh --boot}): each consumer profile of the boot suite (full
 * test guest, vz, vfkit, upstream CI, microVM) booted several times, images and profiles alternating, with the time
 * of each phase, then the slowest steps of init and rcS, the slowest initcalls, and the guard
 * ({@link BootGuard}) on each form's time to the ssh banner.
 * <pre>
 * BootProfile [--runs N] [--arches a,b] [--guard FIGURES] [--no-initcalls] LABEL=DIR [LABEL=DIR…]
 * </pre>
 * DIR is a build's {@code puipui-distro/target/puipui}, or any directory with {@code <arch>/} holding both
 * kernels, {@code initramfs.cpio.gz} and (for the initcall names) {@code System.map}. Phases:
 * <ul>
 * <li><b>kernel</b>: QEMU's start to the kernel's time zero. Only where the host sees an early console (a serial
 * port, not {@code quiet}): the profile then boots with {@code printk.time=1}, and the kernel's start is the
 * earliest arrival on the host of a console line less the kernel's own timestamp on it;</li>
 * <li><b>/init</b>, <b>network</b>: the kernel's clock ({@code /proc/uptime}) when /init started and when eth0 was
 * configured (the DHCP lease), read from the guest's timeline after boot;</li>
 * <li><b>sshd</b>: the kernel's clock when dropbear listened (rcS's stamp: dropbear returns once it listens);</li>
 * <li><b>ssh</b>: QEMU's start to dropbear's banner, on the host, probed every 100 ms as the boot suite does (finer
 * probing makes dropbear serve a storm of connections and slows the boot it measures).</li>
 * </ul>
 */
public final class BootProfile {
    static final List<String> PROFILES = java.util.Arrays.stream(ConsumerProfile.values()).map(p -> p.id).toList();
    private static final Pattern PRINTK = Pattern.compile("^\\[\\s*(\\d+\\.\\d+)\\]");
    private static final Pattern INITCALL = Pattern.compile("initcall (\\S+) returned -?\\d+ after (\\d+) usecs");

    /** One boot's figures, seconds; null where not seen. */
    record Boot(Double kernel, Double init, Double sshd, Double network, double ssh, Map<String, Double> steps) {
    }

    private BootProfile() {
    }

    public static void main(String[] args) throws Exception {
        int runs = 5;
        List<String> arches = List.of("aarch64", "x86_64");
        Path guard = null;
        boolean initcalls = true;
        Map<String, Path> images = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--arches" -> arches = List.of(args[++i].split(","));
                case "--guard" -> guard = Path.of(args[++i]);
                case "--no-initcalls" -> initcalls = false;
                default -> images.put(args[i].substring(0, args[i].indexOf('=')), Path.of(args[i].substring(args[i].indexOf('=') + 1)));
            }
        }
        Path work = Files.createTempDirectory("puipui-boot-profile");
        Map<String, List<Boot>> boots = new LinkedHashMap<>();
        for (int r = 0; r < runs; r++) {
            List<String> labels = new ArrayList<>(images.keySet());
            List<String> profiles = new ArrayList<>(PROFILES);
            if (r % 2 == 1) {
                Collections.reverse(labels);
                Collections.reverse(profiles);
            }
            for (String arch : arches) {
                for (String profile : profiles) {
                    for (String label : labels) {
                        Boot b = boot(arch, profile, imagesOf(images.get(label), arch), work.resolve("run"), false);
                        boots.computeIfAbsent(key(arch, profile, label), k -> new ArrayList<>()).add(b);
                    }
                }
            }
            System.err.printf("boot profile: round %d of %d done%n", r + 1, runs);
        }
        print(boots, arches, images.keySet());
        if (initcalls) {
            for (String arch : arches) {
                for (Map.Entry<String, Path> e : images.entrySet()) {
                    slowestInitcalls(arch, e.getKey(), imagesOf(e.getValue(), arch), work.resolve("initcalls"));
                }
            }
        }
        BootConformance.deleteTree(work);
        if (guard != null && !guard(boots, arches, images.keySet().iterator().next(), guard)) {
            System.exit(1);
        }
    }

    /** {@code dir/<arch>/out} (a build's target/puipui) or {@code dir/<arch>}. */
    static Path imagesOf(Path dir, String arch) {
        Path d = dir.resolve(arch);
        return Files.isDirectory(d.resolve("out")) ? d.resolve("out") : d;
    }

    private static String key(String arch, String profile, String label) {
        return arch + " " + profile + " " + label;
    }

    /** The consumer's options, with {@code printk.time=1} where the host sees its early console. */
    static Guest.Options options(String arch, String profile, Path dir) throws IOException {
        ConsumerProfile p = ConsumerProfile.of(profile);
        Guest.Options o = p.options(arch, Files.createDirectories(dir.resolve(profile + "-share")));
        if (p.hostSeesEarlyConsole()) { // take the timestamps of the kernel's messages
            if (o.cmdline == null) {
                o.extraCmdline = "printk.time=1";
            } else {
                o.cmdline += " printk.time=1";
            }
        }
        return o;
    }

    /** Boots once and measures; {@code initcallDebug} adds initcall_debug (and nokaslr, for System.map's addresses). */
    static Boot boot(String arch, String profile, Path images, Path dir, boolean initcallDebug) throws Exception {
        BootConformance.deleteTree(dir);
        Guest.Options o = options(arch, profile, Files.createDirectories(dir));
        if (initcallDebug) {
            o.extraCmdline = (o.extraCmdline + " initcall_debug nokaslr log_buf_len=4M").trim();
        }
        ConsoleClock clock = new ConsoleClock(dir.resolve("serial.log"));
        try (Guest g = new Guest(arch, null, images.resolve(ConsumerProfile.of(profile).kernelName(arch)), images.resolve("initramfs.cpio.gz"), dir, o)) {
            clock.start(g.startNanos);
            g.awaitSshBanner(Duration.ofSeconds(120));
            double ssh = g.secondsSinceStart();
            Map<String, Double> steps = new LinkedHashMap<>();
            for (int i = 0; i < 50 && !steps.containsKey("network"); i++) {
                steps.clear();
                for (String line : g.sh("cat /run/puipui/timeline; cat /run/udhcpc.eth0 2>/dev/null || true").split("\n")) {
                    String[] f = line.trim().split(" ");
                    if (f.length == 2 && f[1].matches("\\d+\\.\\d+")) {
                        steps.put(f[0], Double.parseDouble(f[1]));
                    } else if (line.contains("uptime=")) {
                        steps.put("network", Double.parseDouble(line.replaceAll(".*uptime=([0-9.]+).*", "$1")));
                    }
                }
                Thread.sleep(100);
            }
            if (initcallDebug) {
                Files.writeString(dir.resolve("dmesg.txt"), g.sh("dmesg"));
            }
            clock.finish();
            return new Boot(clock.kernelStart(), steps.get("init"), steps.get("ssh-listening"), steps.get("network"), ssh,
                    steps);
        }
    }

    /** Host arrival times of the serial console's lines, against the kernel's own timestamps on them. */
    static final class ConsoleClock extends Thread {
        private final Path log;
        private volatile boolean running = true;
        private long start;
        private volatile double kernelStart = Double.MAX_VALUE;

        ConsoleClock(Path log) {
            this.log = log;
            setDaemon(true);
        }

        void start(long startNanos) {
            this.start = startNanos;
            start();
        }

        @Override
        public void run() {
            long offset = 0;
            StringBuilder partial = new StringBuilder();
            while (running) {
                try {
                    if (Files.exists(log)) {
                        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
                            if (f.length() > offset) {
                                byte[] b = new byte[(int) (f.length() - offset)];
                                f.seek(offset);
                                f.readFully(b);
                                offset += b.length;
                                double now = (System.nanoTime() - start) / 1e9;
                                partial.append(new String(b, StandardCharsets.ISO_8859_1));
                                int nl;
                                while ((nl = partial.indexOf("\n")) >= 0) {
                                    Matcher m = PRINTK.matcher(partial.substring(0, nl));
                                    if (m.find()) {
                                        kernelStart = Math.min(kernelStart, now - Double.parseDouble(m.group(1)));
                                    }
                                    partial.delete(0, nl + 1);
                                }
                            }
                        }
                    }
                    Thread.sleep(2);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }

        /** The kernel's time zero on the host's clock (seconds after QEMU's start); null if no line had a timestamp. */
        Double kernelStart() {
            return kernelStart == Double.MAX_VALUE ? null : kernelStart;
        }

        void finish() throws InterruptedException {
            running = false;
            join(1000);
        }
    }

    private static String stats(List<Double> values) {
        List<Double> v = values.stream().filter(x -> x != null).sorted().toList();
        if (v.isEmpty()) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f [%.2f–%.2f]", BootGuard.median(v), v.get(0), v.get(v.size() - 1));
    }

    private static void print(Map<String, List<Boot>> boots, List<String> arches, Iterable<String> labels) {
        System.out.println("boot profile: median [min–max] in seconds, QEMU TCG; kernel = QEMU start to the kernel's"
                + " time zero (serial consoles only); /init, sshd listening and network on the kernel's clock; ssh = QEMU start to"
                + " the banner");
        System.out.printf("%-8s %-12s %-8s %-18s %-18s %-18s %-18s %-18s %s%n", "arch", "profile", "image", "kernel", "/init",
                "sshd", "network", "ssh", "runs");
        for (String arch : arches) {
            for (String profile : PROFILES) {
                for (String label : labels) {
                    List<Boot> b = boots.get(key(arch, profile, label));
                    System.out.printf("%-8s %-12s %-8s %-18s %-18s %-18s %-18s %-18s %d%n", arch, profile, label,
                            stats(b.stream().map(Boot::kernel).toList()), stats(b.stream().map(Boot::init).toList()),
                            stats(b.stream().map(Boot::sshd).toList()), stats(b.stream().map(Boot::network).toList()),
                            stats(b.stream().map(x -> (Double) x.ssh()).toList()), b.size());
                }
            }
        }
        System.out.println("init and rcS steps of the full guest, median seconds on the kernel's clock since the step before:");
        for (String arch : arches) {
            for (String label : labels) {
                Map<String, List<Double>> gaps = new LinkedHashMap<>();
                for (Boot b : boots.get(key(arch, "full", label))) {
                    Double before = null;
                    for (Map.Entry<Double, String> s : invert(b.steps()).entrySet()) {
                        if (before != null) {
                            gaps.computeIfAbsent(s.getValue(), k -> new ArrayList<>()).add(s.getKey() - before);
                        }
                        before = s.getKey();
                    }
                }
                StringBuilder line = new StringBuilder(String.format("%-8s %-8s", arch, label));
                gaps.forEach((step, g) -> line.append(String.format(Locale.ROOT, " → %s %.3f", step, BootGuard.median(g))));
                System.out.println(line);
            }
        }
    }

    private static Map<Double, String> invert(Map<String, Double> steps) {
        Map<Double, String> m = new TreeMap<>();
        steps.forEach((k, v) -> m.putIfAbsent(v, k));
        return m;
    }

    /** Boots the full guest with initcall_debug and prints the ten slowest initcalls, named through System.map. */
    static void slowestInitcalls(String arch, String label, Path images, Path dir) throws Exception {
        boot(arch, "full", images, dir, true);
        Map<Long, String> symbols = new TreeMap<>();
        Path map = images.resolve("System.map");
        if (Files.exists(map)) {
            for (String line : Files.readAllLines(map)) {
                String[] f = line.split(" ");
                if (f.length == 3) {
                    symbols.put(Long.parseUnsignedLong(f[0], 16), f[2]);
                }
            }
        }
        List<long[]> calls = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("dmesg.txt"))) {
            Matcher m = INITCALL.matcher(line);
            if (m.find()) {
                String fn = m.group(1);
                String name = fn;
                if (fn.startsWith("0x")) {
                    Long address = Long.parseUnsignedLong(fn.substring(2), 16);
                    name = symbols.getOrDefault(address, fn);
                }
                names.add(name);
                calls.add(new long[] {Long.parseLong(m.group(2)), names.size() - 1});
            }
        }
        calls.sort((a, b) -> Long.compare(b[0], a[0]));
        long total = calls.stream().mapToLong(c -> c[0]).sum();
        System.out.printf("slowest initcalls, %s %s (initcall_debug, one boot; %d initcalls, %.3f s in all):%n", arch, label,
                calls.size(), total / 1e6);
        for (long[] c : calls.subList(0, Math.min(10, calls.size()))) {
            System.out.printf(Locale.ROOT, "  %8.3f ms  %s%n", c[0] / 1e3, names.get((int) c[1]));
        }
    }

    private static boolean guard(Map<String, List<Boot>> boots, List<String> arches, String label, Path figures)
            throws IOException {
        Map<String, List<Double>> forms = new LinkedHashMap<>();
        for (String arch : arches) {
            for (String profile : PROFILES) {
                forms.put(arch + " " + profile, boots.get(key(arch, profile, label)).stream().map(Boot::ssh).toList());
            }
        }
        String machine = BootGuard.machine();
        boolean ok = true;
        System.out.println("boot guard (" + label + ", " + machine + ", " + figures + "):");
        for (BootGuard.Verdict v : BootGuard.check(figures, machine, forms)) {
            System.out.println("  " + v.describe());
            ok &= v.status() != BootGuard.Status.SLOWER;
        }
        if (!ok) {
            System.out.println("BOOT GUARD FAILED: a boot form got more than " + BootGuard.TOLERANCE_PERCENT
                    + " % slower than the figure recorded for this machine");
        }
        return ok;
    }
}
