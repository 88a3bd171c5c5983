package io.github.puipui.boot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a guest report must say of the VM the goal started: its CPUs, memory, NIC and virtio transport, and a timeline
 * in order up to the vsock bridge listening.
 */
final class ReportFacts {
    private ReportFacts() {
    }

    /**
     * Null when {@code report} matches the VM of {@code form} with the NIC {@code mac} and the kernel {@code release}
     * (the distro's {@code linux} version, which {@code uname -r} is or starts with, followed by {@code -} or
     * {@code +}; null: not checked), else what differs.
     */
    static String differences(Object report, BootForm form, String mac, String release) {
        List<String> out = new ArrayList<>();
        Object uname = at(report, "kernel.release");
        if (release != null && !(uname instanceof String u && (u.equals(release) || u.startsWith(release + "-")
                || u.startsWith(release + "+")))) {
            out.add("kernel.release " + uname + ", the distro's kernel is " + release);
        }
        Object cpus = at(report, "resources.cpus");
        if (!(cpus instanceof Number n) || n.longValue() != form.cpus()) {
            out.add("cpus " + cpus + ", the VM has " + form.cpus());
        }
        long asked = BootForm.MEMORY_MIB * 1024L * 1024L;
        Object ram = at(report, "resources.memory.ramBytes");
        if (!(ram instanceof Number r) || r.longValue() > asked || r.longValue() < asked * 99 / 100) {
            out.add("ramBytes " + ram + ", not within 1 % below the VM's " + asked);
        }
        Map<?, ?> eth0 = null;
        if (at(report, "network") instanceof List<?> nics) {
            for (Object nic : nics) {
                if (nic instanceof Map<?, ?> m && "eth0".equals(m.get("name"))) {
                    eth0 = m;
                }
            }
        }
        if (eth0 == null) {
            out.add("no eth0 in network");
        } else {
            if (!mac.equals(eth0.get("mac"))) {
                out.add("eth0's mac " + eth0.get("mac") + ", the VM's is " + mac);
            }
            if (!(eth0.get("addresses") instanceof List<?> a) || !a.contains(GuestVm.GUEST_ADDRESS + "/24")) {
                out.add("eth0's addresses " + eth0.get("addresses") + " lack " + GuestVm.GUEST_ADDRESS + "/24");
            }
        }
        String transport = form.microvm() ? "mmio" : "pci";
        if (at(report, "virtio") instanceof List<?> devices) {
            for (Object d : devices) {
                if (d instanceof Map<?, ?> m && (!transport.equals(m.get("transport")) || m.get("driver") == null)) {
                    out.add("virtio device " + m + ": not on " + transport + " with a driver");
                }
            }
        } else {
            out.add("no virtio list");
        }
        double before = 0;
        for (String stage : List.of("init", "devicesReady", "sshListening", "report")) {
            Object t = at(report, "timeline." + stage);
            if (!(t instanceof Number n) || n.doubleValue() < before) {
                out.add("timeline." + stage + " " + t + " is not a time after the stage before");
            } else {
                before = n.doubleValue();
            }
        }
        if (!(at(report, "timeline.vsockBridgeListening") instanceof Number)) {
            out.add("the vsock→ssh bridge did not listen (timeline.vsockBridgeListening)");
        }
        return out.isEmpty() ? null : String.join("; ", out);
    }

    /** The value at a dotted path of objects, or null. */
    static Object at(Object json, String path) {
        Object v = json;
        for (String key : path.split("\\.")) {
            v = v instanceof Map<?, ?> m ? m.get(key) : null;
        }
        return v;
    }
}
