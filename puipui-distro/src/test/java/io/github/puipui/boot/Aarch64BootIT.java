package io.github.puipui.boot;

/** The guest contract on aarch64 (QEMU virt, cortex-a57, TCG). */
class Aarch64BootIT extends BootConformance {
    @Override
    String arch() {
        return "aarch64";
    }
}
