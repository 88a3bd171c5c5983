package io.github.puipui.boot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.puipui.toolchain.Arch;

/**
 * A PUI PUI guest in QEMU (TCG), with modern (non-transitional) virtio PCI devices as Virtualization.framework
 * presents them: 256 MiB, 1 vCPU, serial + virtio consoles captured to files, QMP on a unix socket,
 * virtio-net user networking with a loopback port forwarded to guest :22, and the other virtio devices a VMM test
 * attaches. ssh goes through the real OpenSSH client (with sshpass for the password).
 */
final class Guest implements AutoCloseable {
    static final String PASSWORD = "passwd";

    final String arch;
    final Path dir;
    final Path serialLog;
    final Path hvcLog;
    final Path qmpSocket;
    final int sshPort;
    final long startNanos;
    private final Process qemu;

    /** What to attach beyond the defaults. */
    static final class Options {
        boolean nic = true;
        String extraCmdline = "";
        Path share;
        Path disk;
        /** A directory shared over virtio-fs (tag {@code hostfs}) through virtiofsd. */
        Path virtiofs;
    }

    private Process virtiofsd;

    /** Debian's virtiofsd (QEMU's C daemon in Debian 12, the Rust one later). */
    static Path virtiofsdBinary() {
        for (String p : List.of("/usr/lib/qemu/virtiofsd", "/usr/libexec/virtiofsd", "/usr/bin/virtiofsd")) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        throw new AssertionError("virtiofsd not found (Debian/Ubuntu package qemu-system-common or virtiofsd)");
    }

    Guest(String arch, Path image, Path kernel, Path initramfs, Path dir, Options o) throws IOException {
        this.arch = arch;
        this.dir = Files.createDirectories(dir);
        this.serialLog = dir.resolve("serial.log");
        this.hvcLog = dir.resolve("hvc0.log");
        this.qmpSocket = dir.resolve("qmp.sock");
        Files.deleteIfExists(qmpSocket);
        this.sshPort = freePort();
        List<String> cmd = QemuCommand.machine(Arch.of(arch), false);
        cmd.addAll(List.of("-display", "none", "-no-reboot", "-nodefaults",
                "-kernel", kernel.toString(), "-initrd", initramfs.toString(),
                "-append", (QemuCommand.serialConsole(Arch.of(arch)) + " console=hvc0 " + o.extraCmdline).trim(),
                "-serial", "file:" + serialLog,
                "-device", "virtio-serial-pci,disable-legacy=on", "-chardev", "file,id=hvc,path=" + hvcLog,
                "-device", "virtconsole,chardev=hvc",
                "-qmp", "unix:" + qmpSocket + ",server=on,wait=off",
                "-device", "virtio-rng-pci,disable-legacy=on", "-device", "virtio-balloon-pci,disable-legacy=on", "-device", "virtio-gpu-pci"));
        if (o.nic) {
            cmd.addAll(List.of("-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:" + sshPort + "-:22",
                    "-device", "virtio-net-pci,netdev=n0,disable-legacy=on"));
        }
        if (o.share != null) {
            cmd.addAll(List.of("-fsdev", "local,id=f0,path=" + o.share + ",security_model=none",
                    "-device", "virtio-9p-pci,fsdev=f0,mount_tag=host0,disable-legacy=on"));
        }
        if (o.disk != null) {
            cmd.addAll(List.of("-drive", "file=" + o.disk + ",format=raw,if=none,id=d0", "-device", "virtio-blk-pci,drive=d0,disable-legacy=on"));
        }
        if (o.virtiofs != null) {
            Path sock = dir.resolve("virtiofsd.sock");
            Files.deleteIfExists(sock);
            virtiofsd = new ProcessBuilder(virtiofsdBinary().toString(), "--socket-path=" + sock, "-o",
                    "source=" + o.virtiofs, "-o", "cache=none").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("virtiofsd.log").toFile()).start();
            for (int i = 0; i < 50 && !Files.exists(sock); i++) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            cmd.addAll(List.of("-chardev", "socket,id=vfs,path=" + sock, "-device", "vhost-user-fs-pci,chardev=vfs,tag=hostfs",
                    "-object", "memory-backend-memfd,id=mem,size=256M,share=on", "-numa", "node,memdev=mem"));
        }
        Files.writeString(dir.resolve("qemu.cmdline"), String.join(" ", cmd) + "\n");
        startNanos = System.nanoTime();
        qemu = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("qemu.log").toFile()).start();
    }

    static int freePort() throws IOException {
        return QemuCommand.freePort();
    }

    String serial() throws IOException {
        return Files.exists(serialLog) ? Files.readString(serialLog, StandardCharsets.ISO_8859_1) : "";
    }

    /** Waits until the serial console shows {@code text}. */
    void awaitSerial(String text, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (serial().contains(text)) {
                return;
            }
            if (!qemu.isAlive()) {
                throw new AssertionError(arch + ": QEMU exited (" + qemu.exitValue() + ") before '" + text + "'; see " + dir);
            }
            Thread.sleep(100);
        }
        throw new AssertionError(arch + ": no '" + text + "' on the serial console within " + timeout + "; see " + serialLog);
    }

    /**
     * Waits for dropbear's banner on the forwarded port and returns it. QEMU's user network accepts the host side of
     * a connection at once and then retries its SYN to the guest on its own timer (seconds), so probing one
     * connection at a time would measure that timer rather than the guest: a new probe starts every 100 ms while
     * the earlier ones (each given 1.5 s) keep waiting, the first banner wins, and all probes are closed then.
     */
    String awaitSshBanner(Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        CompletableFuture<String> banner = new CompletableFuture<>();
        Set<Socket> open = ConcurrentHashMap.newKeySet();
        ExecutorService probes = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, arch + "-ssh-probe");
            t.setDaemon(true);
            return t;
        });
        try {
            while (true) {
                if (!qemu.isAlive()) {
                    throw new AssertionError(arch + ": QEMU exited before sshd came up; see " + dir);
                }
                if (System.nanoTime() > end) {
                    throw new AssertionError(arch + ": no ssh banner within " + timeout + "; see " + serialLog);
                }
                probes.execute(() -> probe(banner, open));
                try {
                    return banner.get(100, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    // not up yet: start another probe
                }
            }
        } finally {
            probes.shutdownNow();
            for (Socket s : open) {
                s.close();
            }
        }
    }

    private void probe(CompletableFuture<String> banner, Set<Socket> open) {
        Socket s = new Socket();
        open.add(s);
        try (s) {
            if (banner.isDone()) {
                return;
            }
            s.connect(new InetSocketAddress("127.0.0.1", sshPort), 1000);
            s.setSoTimeout(1500);
            String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1)).readLine();
            if (line != null && line.startsWith("SSH-")) {
                banner.complete(line);
            }
        } catch (IOException e) {
            // not up yet, or closed because another probe won
        } finally {
            open.remove(s);
        }
    }

    double secondsSinceStart() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    record Result(int exit, String out) {
    }

    /** Runs {@code command} in the guest with the OpenSSH client; bounded by {@code timeout}. */
    Result ssh(String command, Duration timeout) throws Exception {
        List<String> cmd = List.of("sshpass", "-p", PASSWORD, "ssh", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=20",
                "-o", "PubkeyAuthentication=no", "-p", Integer.toString(sshPort), "root@127.0.0.1", command);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(arch + ": ssh '" + command + "' timed out");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("ssh.log"), "$ " + command + "\n" + text + "[exit " + p.exitValue() + "]\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        return new Result(p.exitValue(), text);
    }

    /** Runs a command that must succeed; returns its output. */
    String sh(String command) throws Exception {
        Result r = ssh(command, Duration.ofSeconds(60));
        if (r.exit() != 0) {
            throw new AssertionError(arch + ": '" + command + "' exited " + r.exit() + ":\n" + r.out());
        }
        return r.out();
    }

    /** Sends a QMP command (after capabilities negotiation). */
    void qmp(String execute) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(qmpSocket));
            BufferedReader in = new BufferedReader(new InputStreamReader(java.nio.channels.Channels.newInputStream(ch), StandardCharsets.UTF_8));
            in.readLine(); // greeting
            ch.write(ByteBuffer.wrap("{\"execute\":\"qmp_capabilities\"}\n".getBytes(StandardCharsets.UTF_8)));
            in.readLine();
            ch.write(ByteBuffer.wrap(("{\"execute\":\"" + execute + "\"}\n").getBytes(StandardCharsets.UTF_8)));
            in.readLine();
        }
    }

    /** Waits for QEMU to exit; returns the seconds it took, or fails. */
    double awaitExit(Duration timeout) throws Exception {
        long start = System.nanoTime();
        if (!qemu.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(arch + ": QEMU still running " + timeout + " later; see " + serialLog);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    boolean isRunning() {
        return qemu.isAlive();
    }

    @Override
    public void close() {
        if (virtiofsd != null) {
            virtiofsd.destroy();
        }
        if (qemu.isAlive()) {
            qemu.destroy();
            try {
                if (!qemu.waitFor(5, TimeUnit.SECONDS)) {
                    qemu.destroyForcibly();
                }
            } catch (InterruptedException e) {
                qemu.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
