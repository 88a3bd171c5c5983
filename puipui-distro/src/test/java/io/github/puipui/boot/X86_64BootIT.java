package io.github.puipui.boot;

/** The guest contract on x86_64 (QEMU q35, TCG). */
class X86_64BootIT extends BootConformance {
    @Override
    String arch() {
        return "x86_64";
    }
}
