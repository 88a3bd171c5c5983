package io.github.puipui.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The published images booted the way their consumers boot them (QEMU TCG standing in for each VMM), one guest per
 * consumer, so that every published kernel form boots somewhere:
 * <ul>
 * <li>vz (Virtualization.framework): {@code console=hvc0 vsock_port=<random>}, 1 vCPU, 256 MiB, a virtio console and
 * no serial port; aarch64 boots the uncompressed {@code Image};</li>
 * <li>vfkit: {@code quiet} only, 2 vCPUs, 1 GiB; aarch64 boots the uncompressed {@code Image};</li>
 * <li>upstream puipui-linux's CI: {@code -serial none}, the console on a virtconsole, memfd-backed memory, the
 * tarball's Image.gz or bzImage;</li>
 * <li>microVM monitors: x86_64's PVH {@code vmlinux} on QEMU {@code microvm}, aarch64's {@code Image} on {@code virt},
 * virtio-mmio devices only: booted by the lifecycle's boot-test goal (the guest contract on every kernel form), and
 * here for the self-checks' exit statuses.</li>
 * </ul>
 * The host has no vhost-vsock, so vsock is exercised on the guest's loopback transport (CID 1). Each profile's
 * ssh-ready time is kept in {@code target/boot/<arch>/ssh-ready-<profile>.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConsumerConformance {
    private static final Duration BOOT = Duration.ofSeconds(120);

    abstract String arch();

    BuiltImages images;

    @BeforeAll
    void unpack() throws Exception {
        images = BuiltImages.of(arch());
    }

    private boolean x86() {
        return arch().equals("x86_64");
    }

    /** Boots a guest and waits for ssh; records the time from QEMU's start to dropbear's banner. */
    private Guest boot(ConsumerProfile profile, Guest.Options o) throws Exception {
        Path kernel = profile.uncompressedKernel(arch()) ? images.uncompressedKernel : images.kernel;
        Guest g = new Guest(arch(), null, kernel, images.initramfs, images.work.resolve(profile.id), o);
        try {
            assertTrue(g.awaitSshBanner(BOOT).startsWith("SSH-2.0-dropbear"));
        } catch (Throwable t) {
            g.close();
            throw t;
        }
        double ready = g.secondsSinceStart();
        Files.writeString(images.work.resolve("ssh-ready-" + profile.id + ".txt"), String.format("%.2f%n", ready));
        System.out.printf("ssh-ready %s %s (%s): %.2f s after QEMU started (TCG)%n", arch(), profile.id,
                kernel.getFileName(), ready);
        return g;
    }

    @Test
    void theUncompressedKernelIsWhatVfkitAndMicroVmMonitorsRead() throws Exception {
        byte[] k = Files.readAllBytes(images.uncompressedKernel);
        if (!x86()) {
            // vfkit refuses anything without the arm64 Image magic at 0x38 ("kernel must be uncompressed")
            assertArrayEquals("ARMd".getBytes(StandardCharsets.US_ASCII), Arrays.copyOfRange(k, 0x38, 0x3c));
            return;
        }
        ByteBuffer elf = ByteBuffer.wrap(k).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x464c457f, elf.getInt(0), "ELF magic");
        assertEquals(2, k[4], "ELF64");
        assertTrue(hasNote(elf, "Xen", 0x12), "the PVH entry note (Xen, XEN_ELFNOTE_PHYS32_ENTRY) that Firecracker,"
                + " cloud-hypervisor and QEMU look for");
    }

    /** True if a PT_NOTE segment of the ELF64 file holds a note named {@code name} of {@code type}. */
    private static boolean hasNote(ByteBuffer elf, String name, int type) {
        long phoff = elf.getLong(0x20);
        int phentsize = Short.toUnsignedInt(elf.getShort(0x36));
        int phnum = Short.toUnsignedInt(elf.getShort(0x38));
        for (int i = 0; i < phnum; i++) {
            int ph = (int) phoff + i * phentsize;
            if (elf.getInt(ph) != 4) { // PT_NOTE
                continue;
            }
            int off = (int) elf.getLong(ph + 8);
            int end = off + (int) elf.getLong(ph + 32);
            while (off + 12 <= end) {
                int namesz = elf.getInt(off);
                int descsz = elf.getInt(off + 4);
                int t = elf.getInt(off + 8);
                String n = new String(elf.array(), off + 12, Math.max(0, namesz - 1), StandardCharsets.US_ASCII);
                if (n.equals(name) && t == type) {
                    return true;
                }
                off += 12 + ((namesz + 3) & ~3) + ((descsz + 3) & ~3);
            }
        }
        return false;
    }

    @Test
    void vzLike() throws Exception {
        int vsockPort = ThreadLocalRandom.current().nextInt(3000, 60000);
        Path shared = images.dir("vz-readonly");
        Files.writeString(shared.resolve("from-host.txt"), "read-only share\n");
        Guest.Options o = ConsumerProfile.VZ.options(arch(), shared);
        o.cmdline += " vsock_port=" + vsockPort;
        o.mac = QemuCommand.randomMac();
        try (Guest g = boot(ConsumerProfile.VZ, o)) {
            assertEquals("0", g.sh("id -u").trim(), "ssh as root/passwd over TCP");
            GuestReport report = GuestReport.read(g, List.of(g.hvcLog));
            report.matches(o, images.kernelVersion);
            assertEquals(g.report(Duration.ofSeconds(10)).trim(), g.sh("socat -u VSOCK-CONNECT:1:2223 -").trim(),
                    "the report is served on vsock port 2223 too");
            assertEquals((long) vsockPort, report.at("vsock.sshBridgePort"));
            assertTrue(g.sh("puipui-vsock echo 1").startsWith("a listener on CID 1 port "),
                    "the vsock check's listener, on the loopback transport this host leaves the guest");
            Guest.Result viaVsock = g.sshOverVsock(vsockPort, "echo over vsock; cat /proc/cmdline", Duration.ofSeconds(60));
            assertEquals(0, viaVsock.exit(), viaVsock.out());
            assertTrue(viaVsock.out().startsWith("over vsock\n"), viaVsock.out());
            assertTrue(viaVsock.out().contains("vsock_port=" + vsockPort), viaVsock.out());
            int echoPort = vsockPort + 1;
            assertEquals("hello over vsock", g.sh("socat -u VSOCK-LISTEN:" + echoPort + " OPEN:/tmp/got,creat & "
                    + "for i in 1 2 3 4 5 6 7 8 9 10; do echo hello over vsock | socat -u - VSOCK-CONNECT:1:" + echoPort
                    + " 2>/dev/null && break; sleep 0.2; done; wait; cat /tmp/got").trim());
            g.sh("mkdir -p /mnt/ro && mount -t virtiofs hostfs /mnt/ro");
            assertEquals("read-only share", g.sh("cat /mnt/ro/from-host.txt").trim());
            Guest.Result write = g.ssh("touch /mnt/ro/written-by-guest", Duration.ofSeconds(30));
            assertNotEquals(0, write.exit(), "a write to the read-only share fails: " + write.out());
            assertTrue(write.out().contains("Read-only file system"), write.out());
            assertTrue(Files.notExists(shared.resolve("written-by-guest")));
            g.qmp("system_powerdown");
            double s = g.awaitExit(Duration.ofSeconds(5));
            System.out.printf("vz-like %s: stop request to VMM exit %.2f s%n", arch(), s);
        }
    }

    @Test
    void vfkitLike() throws Exception {
        Guest.Options o = ConsumerProfile.VFKIT.options(arch(), images.dir("vfkit-share"));
        o.mac = QemuCommand.randomMac();
        try (Guest g = boot(ConsumerProfile.VFKIT, o)) {
            // quiet, no console=: the kernel's default console, which is no log of this test on x86_64
            GuestReport.read(g, x86() ? List.of() : List.of(g.serialLog)).matches(o, images.kernelVersion);
            assertTrue(g.sh("ps").contains("VSOCK-LISTEN:2222"), "no vsock_port=: the bridge listens on 2222");
            assertEquals("2", g.sh("grep -c ^processor /proc/cpuinfo").trim());
            String lease = awaitLease(g);
            double at = Double.parseDouble(lease.replaceAll("(?s).*uptime=([0-9.]+).*", "$1"));
            assertTrue(at <= 10, "the DHCP lease within 10 s of boot (vfkit reads the host's leases): " + lease);
            String lspci = g.sh("lspci");
            for (String id : List.of("1041", "1043", "1044", "105a", "1045", "1050")) {
                Pattern busyboxFormat = Pattern.compile("[ \\t]1af4:" + id + "$", Pattern.MULTILINE);
                assertTrue(busyboxFormat.matcher(lspci).find(), "1af4:" + id + " (modern virtio id) in\n" + lspci);
            }
            g.ssh("poweroff", Duration.ofSeconds(30));
            g.awaitExit(Duration.ofSeconds(30));
            assertEquals(0, g.exitValue(), "poweroff ends the VMM with status 0");
        }
    }

    /** Waits for the DHCP client's lease record; returns it. */
    private static String awaitLease(Guest g) throws Exception {
        for (int i = 0; i < 100; i++) {
            Guest.Result r = g.ssh("cat /run/udhcpc.eth0", Duration.ofSeconds(30));
            if (r.exit() == 0 && r.out().contains("ip=")) {
                return r.out();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no DHCP lease recorded in /run/udhcpc.eth0");
    }

    @Test
    void upstreamCiLike() throws Exception {
        Guest.Options o = ConsumerProfile.UPSTREAM_CI.options(arch(), null);
        o.mac = QemuCommand.randomMac();
        try (Guest g = boot(ConsumerProfile.UPSTREAM_CI, o)) {
            GuestReport.read(g, List.of(g.hvcLog)).matches(o, images.kernelVersion);
            g.sh("test -c /dev/hvc0 && test -c /dev/hwrng");
            assertEquals(images.kernelVersion, g.sh("uname -r").trim(), "uname -r is the plain kernel version");
            awaitLease(g);
            g.awaitConsole("udhcpc: lease of 10.0.2.15 obtained from 10.0.2.2", Duration.ofSeconds(30));
            g.ssh("poweroff", Duration.ofSeconds(30));
            g.awaitExit(Duration.ofSeconds(30));
            assertEquals(0, g.exitValue(), "poweroff ends QEMU with status 0");
        }
    }

    /** A serial console, net and an entropy device on virtio-mmio, as Firecracker gives a guest. */
    private Guest.Options microVm() {
        return ConsumerProfile.MICROVM.options(arch(), null);
    }

    /** Boots with {@code checks} and puipui.check.poweroff; waits for QEMU to exit; returns the guest (closed). */
    private Guest bootChecks(String name, Guest.Options o, List<String> checks) throws Exception {
        o.extraCmdline = (o.extraCmdline + " puipui.check=" + String.join(",", checks) + " puipui.check.poweroff").trim();
        if (o.cmdline != null) {
            o.cmdline = o.cmdline + " " + o.extraCmdline;
        }
        try (Guest g = new Guest(arch(), null, o.microvm ? images.uncompressedKernel : images.kernel, images.initramfs,
                images.work.resolve(name), o)) {
            g.awaitExit(BOOT);
            double s = g.secondsSinceStart();
            Files.writeString(images.work.resolve("checks-exit-" + name + ".txt"), String.format("%.2f%n", s));
            System.out.printf("%s %s: QEMU start to exit status %d, %.2f s (TCG)%n", name, arch(), g.exitValue(), s);
            return g;
        }
    }

    /** The result line of each check, in order, then the summary. */
    private static void assertCheckLines(Guest g, List<String> expected) throws Exception {
        String console = g.console();
        for (String line : expected) {
            assertTrue(console.contains("puipui.check: " + line), "'puipui.check: " + line + "' in the console:\n" + console);
        }
    }

    @Test
    void everyCheckPassesAndTheGuestEndsTheVmWithStatus0() throws Exception {
        Path disk = images.work.resolve("checked-disk.img");
        byte[] content = new byte[1 << 20];
        ThreadLocalRandom.current().nextBytes(content);
        Files.write(disk, content);
        Guest.Options o = new Guest.Options();
        o.disk = disk;
        o.share = images.dir("checked-9p");
        o.virtiofs = images.dir("checked-virtiofs");
        o.input = true;
        Guest g = bootChecks("checks-pass", o,
                List.of("net", "blk:rw", "fs:hostfs", "9p:host0", "rng", "balloon", "gpu", "input"));
        assertEquals(0, g.exitValue(), "every check passed: the guest powers off; see " + g.consoleLog());
        assertCheckLines(g, List.of("net pass: DHCP lease of 10.0.2.15 from 10.0.2.2 on eth0",
                "blk:rw pass: vda: read blocks 0 and 2047, wrote and read back block 2047 (then restored it)",
                "fs:hostfs pass: tag hostfs: wrote, read back and removed a file",
                "9p:host0 pass: tag host0: wrote, read back and removed a file",
                "rng pass: read 32 bytes from /dev/hwrng (virtio_rng.0)", "balloon pass: virtio-balloon ",
                "gpu pass: virtio-gpu ", "input pass: virtio-input ", "done: 8 passed, 0 failed"));
        assertArrayEquals(content, Files.readAllBytes(disk), "blk:rw restored the block it wrote");
        try (var left = Files.list(o.share)) {
            assertEquals(0, left.count(), "the share checks removed their files");
        }
    }

    @Test
    void eachCheckFailsWithoutItsDeviceAndAPanicEndsTheVmWithStatus1() throws Exception {
        Guest.Options o = new Guest.Options();
        o.nic = false;
        o.rng = false;
        o.balloonAndGpu = false;
        o.pvpanic = true;
        Guest g = bootChecks("checks-missing", o, List.of("net", "blk", "fs:hostfs", "9p:host0", "rng", "vsock",
                "balloon", "gpu", "input"));
        assertCheckLines(g, List.of("net fail: no network interface", "blk fail: no block device",
                "fs:hostfs fail: no share with tag hostfs", "9p:host0 fail: no share with tag host0",
                "rng fail: no hardware RNG", "vsock fail: no virtio-vsock device", "balloon fail: no virtio-balloon device",
                "gpu fail: no virtio-gpu device", "input fail: no virtio-input device", "done: 0 passed, 9 failed"));
        assertEquals(1, g.exitValue(), "the panic, through pvpanic and -action panic=exit-failure");
    }

    /**
     * Without ACPI (x86_64's microvm) the guest ends a passing run with a reset, which QEMU's -no-reboot turns into
     * status 0, and a failing one through isa-debug-exit (status 3); aarch64's virt machine with virtio-mmio devices
     * powers off through PSCI and reports a failure through pvpanic-pci.
     */
    @Test
    void aMicroVmEndsWithStatus0OnSuccessAndNonZeroOnFailure() throws Exception {
        Guest ok = bootChecks("checks-microvm-pass", microVm(), List.of("net", "rng"));
        assertCheckLines(ok, List.of("net pass: ", "rng pass: ", "done: 2 passed, 0 failed"));
        assertEquals(0, ok.exitValue(), "see " + ok.consoleLog());

        Guest.Options fail = microVm();
        fail.debugExit = x86();
        fail.pvpanic = !x86();
        Guest bad = bootChecks("checks-microvm-fail", fail, List.of("rng", "blk"));
        assertCheckLines(bad, List.of("rng pass: ", "blk fail: no block device", "done: 1 passed, 1 failed"));
        assertEquals(x86() ? 3 : 1, bad.exitValue(), x86() ? "isa-debug-exit's (1 << 1) | 1" : "pvpanic-pci");
    }
}
