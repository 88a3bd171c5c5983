package io.github.puipui.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import io.github.puipui.Arch;

/** The boot-test goal's parts that need no VM: declared tests, the forms, the report's facts, the XML report. */
class BootTestsTest {
    @TempDir
    Path tmp;

    private static final String MAC = "52:54:00:12:34:56";

    /** A report as the guest writes it for a q35 VM of 2 vCPUs and 256 MiB with the NIC {@link #MAC}. */
    private static String report(int cpus, String transport) {
        return "{\"version\":1,\"kernel\":{\"release\":\"6.18.15\",\"cmdline\":\"console=ttyS0\"},"
                + "\"resources\":{\"cpus\":" + cpus + ",\"memory\":{\"ramBytes\":267906048,\"memTotalBytes\":254148608}},"
                + "\"virtio\":[{\"name\":\"virtio0\",\"type\":\"net\",\"id\":1,\"transport\":\"" + transport + "\","
                + "\"vendor\":\"1af4\",\"driver\":\"virtio_net\",\"features\":\"0\"}],\"pci\":[],\"block\":[],"
                + "\"network\":[{\"name\":\"eth0\",\"mac\":\"" + MAC + "\",\"state\":\"up\",\"carrier\":true,"
                + "\"addresses\":[\"10.0.2.15/24\"]}],\"shares\":{\"virtiofs\":[],\"9p\":[]},"
                + "\"devices\":{\"consoles\":[\"ttyS0\"],\"rng\":\"virtio_rng.0\",\"balloon\":false,\"gpu\":[],\"input\":[]},"
                + "\"vsock\":{\"present\":false,\"cid\":null,\"sshBridgePort\":2222},\"timeline\":{\"init\":1.42,"
                + "\"devicesReady\":1.48,\"networkConfigured\":2.01,\"sshListening\":1.62,\"vsockBridgeListening\":1.86,"
                + "\"report\":2.04,\"networkConfiguredBy\":\"dhcp\"}}";
    }

    @Test
    void aReportIsCheckedAgainstTheSchemaAndTheVm() throws Exception {
        BootForm q35 = BootForm.of(Arch.X86_64).get(0);
        Object json = Json.parse(report(2, "pci"));
        assertEquals(List.of(), Json.validate(json, BootTests.schema(), "$"), "the published schema, in the plugin");
        assertNull(ReportFacts.differences(json, q35, MAC, "6.18.15"));
        assertNull(ReportFacts.differences(json, q35, MAC, null), "no release to check");
        String wrong = ReportFacts.differences(Json.parse(report(1, "mmio")), q35, "52:54:00:00:00:01", "6.18.1");
        assertTrue(wrong.contains("cpus 1, the VM has 2") && wrong.contains("not on pci") && wrong.contains("eth0's mac")
                && wrong.contains("kernel.release 6.18.15, the distro's kernel is 6.18.1"), wrong);
    }

    @Test
    void everyKernelFormIsBootedOnItsConsumersMachine() {
        assertEquals(List.of("aarch64 Image.gz virt", "aarch64 Image virt, virtio-mmio"), BootForm.of(Arch.AARCH64)
                .stream().map(f -> f.id() + " " + f.machine()).toList());
        assertEquals(List.of("x86_64 bzImage q35", "x86_64 vmlinux microvm"), BootForm.of(Arch.X86_64).stream()
                .map(f -> f.id() + " " + f.machine()).toList());
    }

    @Test
    void aDeclaredTestIsCheckedWhenItIsRead() {
        BootTest t = BootTest.of("hello greets", "hello", 0, "^Hello, world!$", 60, "x86_64");
        assertTrue(t.outputPattern().matcher("x\nHello, world!\n").find(), "the pattern matches any line");
        assertTrue(t.runsOn(Arch.X86_64) && !t.runsOn(Arch.AARCH64));
        assertTrue(BootTest.of("the overlay's motd", "true", 0, "", 60, null).runsOn(Arch.AARCH64));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BootTest.of("two\nlines", "true", 0, null, 60,
                null)).getMessage().contains("a <name> of one line"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BootTest.of("bad", "true", 0, "(", 60, null))
                .getMessage().contains("<outputPattern> is not a regular expression"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BootTest.of("x", " ", 0, null, 60, null))
                .getMessage().contains("has no <command>"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BootTest.of("x", "true", 0, null, 0, null))
                .getMessage().contains("must be positive"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BootTest.of("x", "true", 0, null, 5, "arm64"))
                .getMessage().contains("unknown arch 'arm64'"));
    }

    @Test
    void aMissingQemuOrSshClientIsNamedWithItsPackagesAndTheWaysToSkip() throws Exception {
        io.github.puipui.toolchain.MissingHostToolException e = assertThrows(
                io.github.puipui.toolchain.MissingHostToolException.class, () -> BootTests.requireHostTools(
                        List.of(Arch.AARCH64, Arch.X86_64), "-DskipITs or -Dpuipui.bootTest.skip=true",
                        new io.github.puipui.toolchain.HostTools(tmp.toString())));
        for (String s : List.of("qemu-system-aarch64", "qemu-system-x86_64", "ssh-keygen", "sudo apt-get install"
                + " openssh-client qemu-system-arm qemu-system-x86", "brew install qemu", "-DskipITs")) {
            assertTrue(e.getMessage().contains(s), s + " in: " + e.getMessage());
        }
        BootTests.requireHostTools(List.of(Arch.X86_64), "-DskipITs", new io.github.puipui.toolchain.HostTools(
                System.getenv("PATH"))); // this machine has them
    }

    @Test
    void theReportIsSurefireXmlWithOneCasePerCheck() throws Exception {
        BootForm form = BootForm.of(Arch.AARCH64).get(0);
        Path file = SurefireReport.write(tmp, form, List.of(new CheckResult("ssh answers", 0.5, null),
                new CheckResult("a <test> & \"more\"", 1.25, "exit status 1, expected 0\u0001; output:\nno")),
                tmp.resolve("console.log"));
        assertEquals("TEST-puipui.boot.aarch64.Image_gz.xml", file.getFileName().toString());
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        assertEquals("2", d.getDocumentElement().getAttribute("tests"));
        assertEquals("1", d.getDocumentElement().getAttribute("failures"));
        assertEquals("a <test> & \"more\"", ((org.w3c.dom.Element) d.getElementsByTagName("testcase").item(1))
                .getAttribute("name"));
        String failure = d.getElementsByTagName("failure").item(0).getTextContent();
        assertTrue(failure.contains("console: " + tmp.resolve("console.log")), failure);
        assertTrue(Files.readString(file).contains("<property name=\"machine\" value=\"virt\"/>"));
    }
}
