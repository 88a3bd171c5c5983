package io.github.puipui.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.puipui.initramfs.ImageLayout;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The guest contract (what VMM test suites expect of a booted guest; the site page tests.md lists it) checked on the built
 * tarball of one arch, in QEMU with TCG. One guest with every device serves most checks; the checks that need another
 * command line or end the guest boot their own.
 * Consoles, QEMU's command line and every ssh exchange are kept under {@code target/boot/<arch>/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BootConformance {
    private static final Duration BOOT = Duration.ofSeconds(120);

    abstract String arch();

    BuiltImages images;
    Path work;
    Path kernel;
    Path initramfs;
    Path share;
    Guest guest;
    String banner;

    @BeforeAll
    void bootTheFullGuest() throws Exception {
        images = BuiltImages.of(arch());
        work = images.work;
        kernel = images.kernel;
        initramfs = images.initramfs;
        share = images.dir("share");
        Files.writeString(share.resolve("hello.txt"), "hello from the host\n");
        Path diskContent = images.dir("disk-content");
        Files.writeString(diskContent.resolve("marker"), "ext4 on virtio-blk\n");
        Path disk = work.resolve("disk.img");
        run(List.of("mkfs.ext4", "-q", "-F", "-d", diskContent.toString(), disk.toString(), "16M"));
        Tls.writeCertificates(share);
        Guest.Options o = new Guest.Options();
        o.share = share;
        o.disk = disk;
        o.virtiofs = images.dir("virtiofs");
        Files.writeString(o.virtiofs.resolve("hello.txt"), "hello over virtio-fs\n");
        guest = new Guest(arch(), null, kernel, initramfs, work.resolve("full"), o);
        banner = guest.awaitSshBanner(BOOT);
        double ready = guest.secondsSinceStart();
        Files.writeString(work.resolve("ssh-ready.txt"), String.format("%.2f%n", ready));
        System.out.printf("ssh-ready %s: %.2f s after QEMU started (TCG)%n", arch(), ready);
    }

    @AfterAll
    void stop() {
        if (guest != null) {
            guest.close();
        }
    }

    static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed:\n" + out);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (Files.exists(p)) {
            try (var s = Files.walk(p)) {
                for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(x);
                }
            }
        }
    }

    private void mountShare() throws Exception {
        guest.sh("grep -q ' /mnt/share ' /proc/mounts || { mkdir -p /mnt/share && mount -t 9p -o trans=virtio host0 /mnt/share; }");
    }

    @Test
    void bootsToTheLoginPromptOnTheConsole() throws Exception {
        guest.awaitConsole("login:", BOOT);
        assertTrue(guest.console().contains("PUI PUI Linux"), "the issue is shown before the prompt");
    }

    @Test
    void unameIsTheBuiltKernel() throws Exception {
        // exactly the pinned version: upstream's CI compares it with the plain kernel version
        assertEquals(images.kernelVersion, guest.sh("uname -r").trim());
        assertEquals(arch(), guest.sh("uname -m").trim());
    }

    @Test
    void procConfigGzListsTheConfiguration() throws Exception {
        String config = guest.sh("zcat /proc/config.gz");
        for (String symbol : List.of("CONFIG_VIRTIO_BLK=y", "CONFIG_VIRTIO_NET=y", "CONFIG_VIRTIO_FS=y", "CONFIG_9P_FS=y",
                "CONFIG_VIRTIO_VSOCKETS=y", "CONFIG_IPV6=y", "CONFIG_EXT4_FS=y", "CONFIG_DRM_VIRTIO_GPU=y",
                "CONFIG_HW_RANDOM_VIRTIO=y", "CONFIG_VIRTIO_BALLOON=y", "CONFIG_INPUT_EVDEV=y", "CONFIG_NF_TABLES=y")) {
            assertTrue(config.contains(symbol + "\n"), symbol + " in /proc/config.gz");
        }
    }

    @Test
    void dropbearAnswersWithItsBanner() {
        assertTrue(banner.startsWith("SSH-2.0-dropbear"), banner);
    }

    @Test
    void sshRunsCommandsAsRoot() throws Exception {
        assertEquals("hello 0 /root", guest.sh("echo -n hello; echo \" $(id -u) $HOME\"").trim());
        guest.sh("mkdir -p /run/x && touch /root/file && ln -sf /root/file /tmp/l && test -L /tmp/l && dirname /a/b && time sleep 0");
    }

    @Test
    void vsockBridgeListensOnTheDefaultPort() throws Exception {
        assertTrue(guest.sh("ps").contains("VSOCK-LISTEN:2222"), "socat listens on vsock port 2222");
        // CID 1 is the guest's own loopback transport: the bridge leads to dropbear
        String viaVsock = guest.sh("echo | socat -t 2 - VSOCK-CONNECT:1:2222");
        assertTrue(viaVsock.startsWith("SSH-2.0-dropbear"), viaVsock);
    }

    @Test
    void dhcpLeaseIsObtained() throws Exception {
        String lease = "";
        for (int i = 0; i < 60 && lease.isEmpty(); i++) {
            lease = guest.ssh("cat /run/udhcpc.eth0", Duration.ofSeconds(30)).exit() == 0 ? guest.sh("cat /run/udhcpc.eth0") : "";
            if (lease.isEmpty()) {
                Thread.sleep(500);
            }
        }
        assertTrue(lease.contains("ip=10.0.2.15") && lease.contains("router=10.0.2.2"), "lease: " + lease);
    }

    @Test
    void ninePShareReadsAndWrites() throws Exception {
        mountShare();
        assertEquals("hello from the host", guest.sh("cat /mnt/share/hello.txt").trim());
        guest.sh("echo -n written by the guest > /mnt/share/from-guest.txt");
        assertEquals("written by the guest", Files.readString(share.resolve("from-guest.txt")));
        Files.writeString(share.resolve("late.txt"), "created after mount");
        assertTrue(guest.sh("ls /mnt/share").contains("late.txt"));
    }

    @Test
    void virtioFsShareReadsAndWrites() throws Exception {
        Path dir = work.resolve("virtiofs");
        guest.sh("mkdir -p /mnt/vfs && { grep -q ' /mnt/vfs ' /proc/mounts || mount -t virtiofs hostfs /mnt/vfs; }");
        assertEquals("hello over virtio-fs", guest.sh("cat /mnt/vfs/hello.txt").trim());
        guest.sh("echo -n from the guest > /mnt/vfs/written.txt");
        assertEquals("from the guest", Files.readString(dir.resolve("written.txt")));
        Files.writeString(dir.resolve("later.txt"), "created after mount");
        assertTrue(guest.sh("ls /mnt/vfs").contains("later.txt"));
    }

    @Test
    void ext4OnVirtioBlkMountsReadWrite() throws Exception {
        guest.sh("mkdir -p /mnt/disk && mount -t ext4 /dev/vda /mnt/disk");
        assertEquals("ext4 on virtio-blk", guest.sh("cat /mnt/disk/marker").trim());
        guest.sh("echo rw > /mnt/disk/written && sync && grep -q '/dev/vda /mnt/disk ext4 rw' /proc/mounts && umount /mnt/disk");
    }

    @Test
    void blkRwReportsARestoreThatFailedAndKeepsWhatTheBlockHeld() throws Exception {
        // a dd that cannot write the kept block back, as a disk that turns read-only under the check would
        guest.sh("mkdir -p /tmp/shim && cat > /tmp/shim/dd <<'EOF'\n#!/bin/sh\ncase \"$*\" in\n"
                + "  *if=/run/puipui/blk.*.keep\\ of=/dev/*) exit 1 ;;\nesac\nexec busybox dd \"$@\"\nEOF\n"
                + "chmod +x /tmp/shim/dd");
        Guest.Result r = guest.ssh("PATH=/tmp/shim:$PATH puipui-check blk:rw", Duration.ofSeconds(60));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("puipui.check: blk:rw fail: vda: restoring block"
                + " ([0-9]+) failed: what it held is kept in (/run/puipui/blk\\.vda\\.[0-9]+\\.keep)").matcher(r.out());
        assertEquals(1, r.exit(), r.out());
        assertTrue(m.find(), r.out());
        assertEquals("512", guest.sh("wc -c < " + m.group(2)).trim(), "what the block held is kept");
        // written back by hand, as the line says: the disk is as it was, and the check passes
        guest.sh("dd if=" + m.group(2) + " of=/dev/vda bs=512 count=1 seek=" + m.group(1)
                + " oflag=direct conv=notrunc 2>/dev/null && rm " + m.group(2));
        Guest.Result again = guest.ssh("puipui-check blk:rw", Duration.ofSeconds(60));
        assertEquals(0, again.exit(), again.out());
        assertTrue(again.out().contains("(then restored it)"), again.out());
    }

    @Test
    void curlVerifiesHttpsWithTheGivenCa() throws Exception {
        mountShare();
        try (Tls.Server server = Tls.serve(share)) {
            String url = "https://10.0.2.2:" + server.port() + "/";
            Guest.Result ok = guest.ssh("curl -sS --cacert /mnt/share/ca.pem " + url, Duration.ofSeconds(60));
            assertEquals(0, ok.exit(), ok.out());
            assertTrue(ok.out().contains("s_server"), ok.out());
            Guest.Result wrong = guest.ssh("curl -sS --cacert /mnt/share/other-ca.pem " + url, Duration.ofSeconds(60));
            assertEquals(60, wrong.exit(), "curl's exit code for a certificate it cannot verify: " + wrong.out());
        }
    }

    @Test
    void guestScriptsPassBusyboxAshSyntaxCheck() throws Exception {
        String scripts = guest.sh("for f in /init /etc/init.d/rcS /etc/init.d/report /etc/acpi/PWRF/*"
                + " /usr/share/udhcpc/default.script /usr/bin/alpine-chroot-install /usr/bin/puipui-report /usr/bin/puipui-check"
                + " /usr/lib/puipui/timeline; do sh -n \"$f\" || exit 1; echo \"$f\"; done");
        assertEquals(9, scripts.lines().count(), scripts);
    }

    @Test
    void bundledCaCertificatesAreInPlace() throws Exception {
        assertTrue(Integer.parseInt(guest.sh("grep -c 'BEGIN CERTIFICATE' /etc/ssl/certs/ca-certificates.crt").trim()) > 50);
    }

    @Test
    void lspciShowsTheVirtioDevices() throws Exception {
        String lspci = guest.sh("lspci");
        for (String id : List.of("1af4:1041", "1af4:1042", "1af4:1043", "1af4:1044", "1af4:1045", "1af4:1049", "1af4:1050", "1af4:105a")) {
            assertTrue(lspci.contains(id), id + " in\n" + lspci);
        }
    }

    @Test
    void theVsockProbeConnectsAndNeverBindsThePortItWaitsFor() throws Exception {
        // the report waits for the bridge with this probe while socat starts: a probe that bound the port could take
        // it from socat, and the boot would have no bridge
        assertEquals("1", guest.sh("puipui-vsock bound 7001; echo $?").trim(), "nothing listens yet");
        guest.sh("rm -f /tmp/probed; socat -u VSOCK-LISTEN:7001,fork SYSTEM:'touch /tmp/probed' >/dev/null 2>&1 &"
                + " for i in $(seq 50); do puipui-vsock bound 7001 && break; sleep 0.1; done");
        try {
            assertEquals("0", guest.sh("puipui-vsock bound 7001; echo $?").trim(), "the listener is up");
            assertEquals("yes", guest.sh("for i in $(seq 50); do [ -e /tmp/probed ] && echo yes && break; sleep 0.1;"
                    + " done").trim(), "the listener accepted the probe's connection: a connect probe, not a bind");
        } finally {
            guest.sh("pkill -f 'VSOCK-LISTEN:700[1]' || true"); // a pattern that is not its own command line
        }
    }

    @Test
    void vsockPortComesFromTheCommandLine() throws Exception {
        Guest.Options o = new Guest.Options();
        o.extraCmdline = "vsock_port=5555";
        try (Guest g = new Guest(arch(), null, kernel, initramfs, work.resolve("vsock-port"), o)) {
            g.awaitSshBanner(BOOT);
            assertTrue(g.sh("ps").contains("VSOCK-LISTEN:5555"));
            assertTrue(g.sh("echo | socat -t 2 - VSOCK-CONNECT:1:5555").startsWith("SSH-2.0-dropbear"));
        }
    }

    @Test
    void aVsockPortThatIsNotANumberFallsBackTo2222() throws Exception {
        Guest.Options o = new Guest.Options();
        o.extraCmdline = "vsock_port=1;reboot";
        try (Guest g = new Guest(arch(), null, kernel, initramfs, work.resolve("vsock-port-invalid"), o)) {
            g.awaitSshBanner(BOOT);
            assertTrue(g.sh("ps").contains("VSOCK-LISTEN:2222"));
            assertEquals("VSOCK_PORT=2222", g.sh("grep ^VSOCK_PORT= /etc/puipui/env").trim());
            assertTrue(g.isRunning(), "nothing of the value was run");
            g.awaitConsole("init: vsock_port is not a port number (1-65535); using 2222", BOOT);
        }
    }

    @Test
    void aKeyOnlyImageRefusesThePasswordAndTakesTheKey() throws Exception {
        // the plugin's own image layout, as -Dpuipui.rootLogin=keys-only -Dpuipui.authorizedKeys=FILE builds it
        Path dir = images.dir("keys-only");
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", dir.resolve("id").toString()));
        Path target = Path.of(System.getProperty("puipui.buildDirectory", "target"));
        Path initrd = dir.resolve("initramfs.cpio.gz");
        ImageLayout.assemble(0, Path.of(System.getProperty("puipui.fsDirectory", "../fs")),
                target.resolve("puipui").resolve(arch()).resolve("userland"), java.util.Map.of("/etc/shadow", 0600), null,
                Files.readString(dir.resolve("id.pub"))).write(initrd);
        try (Guest g = new Guest(arch(), null, kernel, initrd, work.resolve("keys-only-boot"), new Guest.Options())) {
            g.awaitSshBanner(BOOT);
            Guest.Result password = g.ssh("id -u", Duration.ofSeconds(60));
            assertNotEquals(0, password.exit(), "the password is refused: " + password.out());
            assertTrue(password.out().contains("Permission denied"), password.out());
            Guest.Result key = g.sshWithKey(dir.resolve("id"), "id -u", Duration.ofSeconds(60));
            assertEquals(0, key.exit(), key.out());
            assertEquals("0", key.out().trim());
        }
    }

    @Test
    void bootCompletesWithoutANic() throws Exception {
        Guest.Options o = new Guest.Options();
        o.nic = false;
        try (Guest g = new Guest(arch(), null, kernel, initramfs, work.resolve("no-nic"), o)) {
            g.awaitConsole("login:", BOOT); // gettys start only after rcS has finished
            System.out.printf("login prompt without a NIC %s: %.2f s%n", arch(), g.secondsSinceStart());
        }
    }

    @Test
    void powerButtonPowersOffWithinFiveSeconds() throws Exception {
        try (Guest g = new Guest(arch(), null, kernel, initramfs, work.resolve("power-button"), new Guest.Options())) {
            g.awaitSshBanner(BOOT);
            g.qmp("system_powerdown");
            double s = g.awaitExit(Duration.ofSeconds(5));
            System.out.printf("power button to QEMU exit %s: %.2f s%n", arch(), s);
        }
    }
}
