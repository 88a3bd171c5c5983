import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.github.puipui.Arch;
import io.github.puipui.boot.QemuCommand;

/**
 * Time from QEMU's start to dropbear's ssh banner, for images side by side: runs alternate between them, so that
 * drift in the machine's speed falls on each alike, and minimum, median and maximum are printed per image.
 * <pre>
 * java -cp puipui-maven-plugin/target/classes scripts/BootTimes.java ARCH RUNS LABEL=DIR [LABEL=DIR…]
 * </pre>
 * DIR holds an unpacked tarball of the arch (Image.gz or bzImage, and initramfs.cpio.gz). The guest is the boot
 * suite's default one: 256 MiB, 1 vCPU, a serial console, virtio-net, -rng and -balloon, QEMU TCG.
 */
public class BootTimes {
    public static void main(String[] args) throws Exception {
        Arch arch = Arch.of(args[0]);
        int runs = Integer.parseInt(args[1]);
        Map<String, Path> images = new LinkedHashMap<>();
        for (String a : Arrays.copyOfRange(args, 2, args.length)) {
            images.put(a.substring(0, a.indexOf('=')), Path.of(a.substring(a.indexOf('=') + 1)));
        }
        Map<String, List<Double>> times = new LinkedHashMap<>();
        images.keySet().forEach(k -> times.put(k, new ArrayList<>()));
        for (int r = 0; r < runs; r++) {
            List<String> order = new ArrayList<>(images.keySet());
            if (r % 2 == 1) {
                java.util.Collections.reverse(order);
            }
            for (String label : order) {
                times.get(label).add(sshReady(arch, images.get(label)));
            }
        }
        for (Map.Entry<String, List<Double>> e : times.entrySet()) {
            List<Double> t = e.getValue().stream().sorted().toList();
            System.out.printf("ssh-ready %s %-10s %d runs: min %.2f s, median %.2f s, max %.2f s%n", arch.id(), e.getKey(),
                    t.size(), t.get(0), t.get(t.size() / 2), t.get(t.size() - 1));
        }
    }

    static double sshReady(Arch arch, Path dir) throws Exception {
        int port = QemuCommand.freePort();
        List<String> cmd = QemuCommand.machine(arch, false, false, 256, 1);
        cmd.addAll(List.of("-display", "none", "-no-reboot", "-nodefaults", "-kernel",
                dir.resolve(arch.imageName()).toString(), "-initrd", dir.resolve("initramfs.cpio.gz").toString(),
                "-append", QemuCommand.serialConsole(arch), "-serial", "null",
                "-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:" + port + "-:22",
                "-device", QemuCommand.virtioDevice("virtio-net", false, "netdev=n0"),
                "-device", QemuCommand.virtioDevice("virtio-rng", false, null),
                "-device", QemuCommand.virtioDevice("virtio-balloon", false, null)));
        long start = System.nanoTime();
        Process qemu = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(new File("/dev/null")).start();
        try {
            awaitBanner(port, qemu);
            return (System.nanoTime() - start) / 1e9;
        } finally {
            qemu.destroy();
            qemu.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * QEMU's user network accepts at once and retries its SYN to the guest on its own timer, so a new probe starts
     * every 100 ms while earlier ones keep waiting; the first banner wins.
     */
    static void awaitBanner(int port, Process qemu) throws Exception {
        CompletableFuture<String> banner = new CompletableFuture<>();
        ExecutorService probes = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        });
        try {
            for (int i = 0; i < 1200; i++) {
                if (!qemu.isAlive()) {
                    throw new IllegalStateException("QEMU exited");
                }
                probes.execute(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                        s.setSoTimeout(1500);
                        String line = new BufferedReader(new InputStreamReader(s.getInputStream(),
                                StandardCharsets.ISO_8859_1)).readLine();
                        if (line != null && line.startsWith("SSH-")) {
                            banner.complete(line);
                        }
                    } catch (IOException e) {
                        // not up yet
                    }
                });
                try {
                    banner.get(100, TimeUnit.MILLISECONDS);
                    return;
                } catch (java.util.concurrent.TimeoutException e) {
                    // another probe
                }
            }
            throw new IllegalStateException("no ssh banner within 120 s");
        } finally {
            probes.shutdownNow();
        }
    }
}
