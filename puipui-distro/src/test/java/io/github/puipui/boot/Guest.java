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

import io.github.puipui.Arch;

/**
 * A PUI PUI guest in QEMU (TCG), with modern (non-transitional) virtio devices as Virtualization.framework presents
 * them. By default: 256 MiB, 1 vCPU, a serial console and a virtio console captured to files, QMP on a unix socket,
 * virtio-net user networking with a loopback port forwarded to guest :22, and the other virtio devices a VMM test
 * attaches; {@link Options} shapes it like a given consumer's VMM. ssh goes through the real OpenSSH client (with
 * sshpass for the password).
 */
final class Guest implements AutoCloseable {
    static final String PASSWORD = "passwd";

    final String arch;
    final Path dir;
    final Path serialLog;
    final Path hvcLog;
    final Path qmpSocket;
    final int sshPort;
    /** The loopback port forwarded to the guest report's TCP port (2223). */
    final int reportPort;
    final long startNanos;
    private final Options options;
    private final Process qemu;

    /** What to attach and how; the defaults are the full test guest. */
    static final class Options {
        boolean nic = true;
        /** The whole kernel command line; null: the serial console, {@code console=hvc0} and {@link #extraCmdline}. */
        String cmdline;
        String extraCmdline = "";
        /** A serial port logged to serial.log; false: {@code -serial none}. */
        boolean serial = true;
        /** A virtio console logged to hvc0.log. */
        boolean virtconsole = true;
        /** virtio-rng: without an entropy device dropbear's first connection waits about a second for the kernel's RNG. */
        boolean rng = true;
        /** virtio-balloon and virtio-gpu. */
        boolean balloonAndGpu = true;
        int cpus = 1;
        int memMiB = 256;
        /** No PCI: QEMU microvm (x86_64) or virt with virtio-mmio devices (aarch64). */
        boolean microvm;
        /** Guest memory from a shared memfd (virtio-fs needs it; upstream's CI always has it). */
        boolean memfd;
        Path share;
        Path disk;
        /** A directory shared over virtio-fs (tag {@code hostfs}) through virtiofsd. */
        Path virtiofs;
        /** Export {@link #virtiofs} read-only: through a read-only bind mount in a mount namespace of virtiofsd's own. */
        boolean virtiofsReadOnly;
        /** The NIC's MAC address; null: QEMU's default. */
        String mac;
        /** A virtio keyboard (virtio-input). */
        boolean input;
        /** A pvpanic device (ISA on x86_64, PCI on aarch64): a guest panic ends QEMU with status 1. */
        boolean pvpanic;
        /** isa-debug-exit at I/O port 0xf4 (x86_64): a write of v ends QEMU with status 2v+1. */
        boolean debugExit;
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
        this.options = o;
        this.dir = Files.createDirectories(dir);
        this.serialLog = dir.resolve("serial.log");
        this.hvcLog = dir.resolve("hvc0.log");
        this.qmpSocket = dir.resolve("qmp.sock");
        Files.deleteIfExists(qmpSocket);
        this.sshPort = freePort();
        this.reportPort = freePort();
        Arch a = Arch.of(arch);
        boolean mmio = o.microvm;
        List<String> cmd = QemuCommand.machine(a, false, o.microvm, o.memMiB, o.cpus);
        String cmdline = o.cmdline != null ? o.cmdline
                : (QemuCommand.serialConsole(a) + " console=hvc0 " + o.extraCmdline).trim();
        cmd.addAll(List.of("-display", "none", "-no-reboot", "-nodefaults",
                "-kernel", kernel.toString(), "-initrd", initramfs.toString(), "-append", cmdline,
                "-serial", o.serial ? "file:" + serialLog : "none",
                "-qmp", "unix:" + qmpSocket + ",server=on,wait=off", "-action", "panic=exit-failure"));
        if (o.virtconsole) {
            cmd.addAll(List.of("-device", QemuCommand.virtioDevice("virtio-serial", mmio, null),
                    "-chardev", "file,id=hvc,path=" + hvcLog, "-device", "virtconsole,chardev=hvc"));
        }
        if (o.rng) {
            cmd.addAll(List.of("-device", QemuCommand.virtioDevice("virtio-rng", mmio, null)));
        }
        if (o.balloonAndGpu) {
            cmd.addAll(List.of("-device", QemuCommand.virtioDevice("virtio-balloon", mmio, null),
                    "-device", QemuCommand.virtioDevice("virtio-gpu", mmio, null)));
        }
        if (o.nic) {
            cmd.addAll(List.of("-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:" + sshPort + "-:22"
                    + ",hostfwd=tcp:127.0.0.1:" + reportPort + "-:2223",
                    "-device", QemuCommand.virtioDevice("virtio-net", mmio, "netdev=n0" + (o.mac == null ? "" : ",mac=" + o.mac))));
        }
        if (o.share != null) {
            cmd.addAll(List.of("-fsdev", "local,id=f0,path=" + o.share + ",security_model=none",
                    "-device", QemuCommand.virtioDevice("virtio-9p", mmio, "fsdev=f0,mount_tag=host0")));
        }
        if (o.disk != null) {
            cmd.addAll(List.of("-drive", "file=" + o.disk + ",format=raw,if=none,id=d0",
                    "-device", QemuCommand.virtioDevice("virtio-blk", mmio, "drive=d0")));
        }
        if (o.virtiofs != null) {
            Path sock = startVirtiofsd(o.virtiofs, o.virtiofsReadOnly);
            cmd.addAll(List.of("-chardev", "socket,id=vfs,path=" + sock,
                    "-device", (mmio ? "vhost-user-fs-device" : "vhost-user-fs-pci") + ",chardev=vfs,tag=hostfs"));
        }
        if (o.input) {
            cmd.addAll(List.of("-device", QemuCommand.virtioDevice("virtio-keyboard", mmio, null)));
        }
        if (o.pvpanic) {
            cmd.addAll(List.of("-device", a == Arch.X86_64 ? "pvpanic" : "pvpanic-pci"));
        }
        if (o.debugExit) {
            cmd.addAll(List.of("-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"));
        }
        if (o.memfd || o.virtiofs != null) {
            cmd.addAll(List.of("-object", "memory-backend-memfd,id=mem,size=" + o.memMiB + "M,share=on",
                    "-numa", "node,memdev=mem"));
        }
        Files.writeString(dir.resolve("qemu.cmdline"), String.join(" ", cmd) + "\n");
        startNanos = System.nanoTime();
        qemu = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("qemu.log").toFile()).start();
    }

    /**
     * Starts virtiofsd exporting {@code source} and waits for its socket. Read-only: Debian 12's virtiofsd has no
     * such option, so it runs in a mount namespace of its own where {@code source} is bind-mounted read-only.
     */
    private Path startVirtiofsd(Path source, boolean readOnly) throws IOException {
        Path sock = dir.resolve("virtiofsd.sock");
        Files.deleteIfExists(sock);
        String daemon = virtiofsdBinary() + " --socket-path=" + sock + " -o source=%s -o cache=none";
        List<String> cmd;
        if (readOnly) {
            Path ro = Files.createDirectories(dir.resolve("virtiofs-ro"));
            cmd = List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                    "mount --bind \"$0\" \"$1\" && mount -o remount,ro,bind \"$1\" && exec " + String.format(daemon, "\"$1\""),
                    source.toString(), ro.toString());
        } else {
            cmd = List.of("sh", "-c", "exec " + String.format(daemon, "\"$0\""), source.toString());
        }
        virtiofsd = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("virtiofsd.log").toFile()).start();
        for (int i = 0; i < 100 && !Files.exists(sock); i++) {
            if (!virtiofsd.isAlive()) {
                throw new AssertionError("virtiofsd exited: " + Files.readString(dir.resolve("virtiofsd.log")));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        if (!Files.exists(sock)) {
            throw new AssertionError("virtiofsd did not create " + sock + " within 10 s");
        }
        return sock;
    }

    static int freePort() throws IOException {
        return QemuCommand.freePort();
    }

    /** The console logs: the serial port's and the virtio console's, where the guest has them. */
    String consoleLog() {
        return (options.serial ? serialLog + " " : "") + (options.virtconsole ? hvcLog : "");
    }

    /**
     * What the guest's consoles printed: the kernel writes to each {@code console=}, user space ({@code /dev/console})
     * to the last one, and a getty runs on each; so this is the serial port's log followed by the virtio console's.
     */
    String console() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Path log : List.of(serialLog, hvcLog)) {
            if (Files.exists(log)) {
                sb.append(Files.readString(log, StandardCharsets.ISO_8859_1));
            }
        }
        return sb.toString();
    }

    /** Waits until the console shows {@code text}. */
    void awaitConsole(String text, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (console().contains(text)) {
                return;
            }
            if (!qemu.isAlive()) {
                throw new AssertionError(arch + ": QEMU exited (" + qemu.exitValue() + ") before '" + text + "'; see " + dir);
            }
            Thread.sleep(100);
        }
        throw new AssertionError(arch + ": no '" + text + "' on the console within " + timeout + "; see " + consoleLog());
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
                    throw new AssertionError(arch + ": no ssh banner within " + timeout + "; see " + consoleLog());
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

    /**
     * Reads the guest report from its TCP port (forwarded from {@link #reportPort}) and returns it. QEMU's user
     * network accepts a connection before the guest listens and then closes it empty, so an empty answer is retried.
     */
    String report(Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!qemu.isAlive()) {
                throw new AssertionError(arch + ": QEMU exited before the report was served; see " + dir);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", reportPort), 1000);
                s.setSoTimeout(5000);
                String r = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!r.isEmpty()) {
                    return r;
                }
            } catch (IOException e) {
                // not served yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError(arch + ": no report on TCP port 2223 within " + timeout + "; see " + consoleLog());
    }

    /** The lines of one console log ({@link #serialLog} or {@link #hvcLog}), without carriage returns. */
    List<String> consoleLines(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1).replace("\r", "").lines().toList()
                : List.of();
    }

    double secondsSinceStart() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    record Result(int exit, String out) {
    }

    /** The OpenSSH client logging in as root with the password, to {@code 127.0.0.1:port}, then {@code extra} options. */
    private static List<String> sshClient(int port, String... extra) {
        List<String> cmd = new java.util.ArrayList<>(List.of("sshpass", "-p", PASSWORD));
        cmd.addAll(sshOptions(port));
        cmd.addAll(List.of("-o", "PubkeyAuthentication=no"));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    private static List<String> sshOptions(int port) {
        return List.of("ssh", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                "-o", "ConnectTimeout=20", "-p", Integer.toString(port));
    }

    /** Runs {@code command} as root logging in with the private key {@code key} only (no password). */
    Result sshWithKey(Path key, String command, Duration timeout) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(sshOptions(sshPort));
        cmd.addAll(List.of("-o", "BatchMode=yes", "-o", "PasswordAuthentication=no", "-o", "IdentitiesOnly=yes",
                "-i", key.toString(), "root@127.0.0.1", command));
        return run(cmd, "[key " + key.getFileName() + "] " + command, timeout);
    }

    /** Runs {@code command} in the guest with the OpenSSH client; bounded by {@code timeout}. */
    Result ssh(String command, Duration timeout) throws Exception {
        List<String> cmd = sshClient(sshPort);
        cmd.addAll(List.of("root@127.0.0.1", command));
        return run(cmd, command, timeout);
    }

    /**
     * Runs {@code command} in the guest over an ssh connection whose transport is the guest's vsock bridge: the
     * OpenSSH client's ProxyCommand opens {@code VSOCK-CONNECT:1:<vsockPort>} (the guest's loopback vsock transport,
     * as the host has no vhost-vsock here) through a first ssh session, so the second session's bytes pass through
     * socat's VSOCK-LISTEN on {@code vsockPort} to dropbear, as a VMM's vsock connection would.
     */
    Result sshOverVsock(int vsockPort, String command, Duration timeout) throws Exception {
        String proxy = String.join(" ", sshClient(sshPort)) + " root@127.0.0.1 socat - VSOCK-CONNECT:1:" + vsockPort;
        List<String> cmd = sshClient(22, "-o", "ProxyCommand=" + proxy);
        cmd.addAll(List.of("root@vsock", command));
        return run(cmd, "[over vsock " + vsockPort + "] " + command, timeout);
    }

    /**
     * Runs an ssh client. dropbear closes a connection at once while five unauthenticated ones from the same address
     * are open, and the banner probes of {@link #awaitSshBanner} may still count as such for a moment after they
     * closed: a connection closed before the key exchange is tried again, for up to 10 s.
     */
    private Result run(List<String> cmd, String what, Duration timeout) throws Exception {
        Result r = runOnce(cmd, what, timeout);
        for (int i = 0; i < 50 && closedBeforeKeyExchange(r); i++) {
            Thread.sleep(200);
            r = runOnce(cmd, what, timeout);
        }
        return r;
    }

    /** The client's status when the server closed the connection before the key exchange (nothing else said). */
    private static boolean closedBeforeKeyExchange(Result r) {
        String out = r.out().trim();
        return r.exit() == 255 && (out.isEmpty() || out.startsWith("kex_exchange_identification")
                || out.startsWith("Connection closed by") || out.startsWith("Connection reset by"));
    }

    private Result runOnce(List<String> cmd, String what, Duration timeout) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getInputStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(arch + ": ssh '" + what + "' timed out");
        }
        String text = new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("ssh.log"), "$ " + what + "\n" + text + "[exit " + p.exitValue() + "]\n",
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
            throw new AssertionError(arch + ": QEMU still running " + timeout + " later; see " + consoleLog());
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** QEMU's exit status (after {@link #awaitExit}). */
    int exitValue() {
        return qemu.exitValue();
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
