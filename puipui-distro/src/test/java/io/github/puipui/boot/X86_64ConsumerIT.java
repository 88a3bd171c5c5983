package io.github.puipui.boot;

/** The x86_64 images booted as vz, vfkit, upstream's CI and microVM monitors boot them. */
class X86_64ConsumerIT extends ConsumerConformance {
    @Override
    String arch() {
        return "x86_64";
    }
}
