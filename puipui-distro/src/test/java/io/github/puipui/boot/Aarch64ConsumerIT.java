package io.github.puipui.boot;

/** The aarch64 images booted as vz, vfkit, upstream's CI and microVM monitors boot them. */
class Aarch64ConsumerIT extends ConsumerConformance {
    @Override
    String arch() {
        return "aarch64";
    }
}
