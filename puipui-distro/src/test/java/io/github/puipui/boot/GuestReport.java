package io.github.puipui.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The guest report of a booted guest, read from its TCP port, checked against the published JSON Schema and against
 * the console line "puipui.report: {…}" of every console the guest has.
 */
final class GuestReport {
    static final String PREFIX = "puipui.report: ";
    private static final Path SCHEMA = Path.of(System.getProperty("puipui.reportSchema",
            "src/main/schema/guest-report.schema.json"));

    final Map<String, Object> json;

    private GuestReport(Map<String, Object> json) {
        this.json = json;
    }

    /** Reads, validates and returns the report; {@code consoles}: the logs whose console must show it. */
    @SuppressWarnings("unchecked")
    static GuestReport read(Guest g, List<Path> consoles) throws Exception {
        String served = g.report(Duration.ofSeconds(60)).trim();
        Map<String, Object> json = (Map<String, Object>) Json.parse(served);
        List<String> problems = Json.validate(json, (Map<String, Object>) Json.parse(Files.readString(SCHEMA)), "$");
        assertEquals(List.of(), problems, "the report follows its schema: " + served);
        for (Path log : consoles) {
            g.awaitConsole(PREFIX, Duration.ofSeconds(30));
            List<String> lines = new ArrayList<>();
            for (String line : g.consoleLines(log)) {
                int at = line.indexOf(PREFIX);
                if (at >= 0) {
                    lines.add(line.substring(at + PREFIX.length()));
                }
            }
            assertEquals(List.of(served), lines, "the report, once on " + log.getFileName());
        }
        return new GuestReport(json);
    }

    @SuppressWarnings("unchecked")
    Object at(String path) {
        Object v = json;
        for (String key : path.split("\\.")) {
            v = v instanceof List ? ((List<Object>) v).get(Integer.parseInt(key)) : ((Map<String, Object>) v).get(key);
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> list(String path) {
        return (List<Map<String, Object>>) at(path);
    }

    /** Checks what the guest found against what QEMU attached. */
    void matches(Guest.Options o, String kernelVersion) {
        assertEquals(kernelVersion, at("kernel.release"));
        assertEquals((long) o.cpus, at("resources.cpus"), "CPUs");
        long asked = o.memMiB * 1024L * 1024L;
        long ram = (Long) at("resources.memory.ramBytes");
        assertTrue(ram <= asked && ram >= asked * 99 / 100, "System RAM " + ram + " within 1 % below -m " + asked);
        if (o.nic) {
            Map<String, Object> eth0 = list("network").stream().filter(n -> n.get("name").equals("eth0")).findFirst()
                    .orElseThrow(() -> new AssertionError("no eth0 in " + json));
            assertEquals(o.mac, eth0.get("mac"));
            assertTrue(((List<?>) eth0.get("addresses")).contains("10.0.2.15/24"), eth0.toString());
            assertEquals("dhcp", at("timeline.networkConfiguredBy"));
        }
        assertEquals(o.virtiofs == null ? List.of() : List.of("hostfs"), at("shares.virtiofs"));
        assertEquals(o.share == null ? List.of() : List.of("host0"), at("shares.9p"));
        String transport = o.microvm ? "mmio" : "pci";
        for (Map<String, Object> v : list("virtio")) {
            assertEquals(transport, v.get("transport"), v.toString());
            assertTrue(v.get("driver") != null, "a driver is bound: " + v);
        }
        assertEquals(false, at("vsock.present"), "no vsock device on this host (no vhost-vsock)");
        double before = 0;
        for (String stage : List.of("init", "devicesReady", "sshListening", "report")) {
            Object t = at("timeline." + stage);
            assertTrue(t instanceof Number && ((Number) t).doubleValue() >= before, stage + " in order: " + at("timeline"));
            before = ((Number) t).doubleValue();
        }
        assertTrue(at("timeline.vsockBridgeListening") instanceof Number, "the bridge listened: " + at("timeline"));
    }
}
