package io.github.puipui.pipeline;

import java.nio.file.Path;

import io.github.puipui.Arch;

/**
 * Where every step of a distro build works and leaves its outputs, under one work directory
 * ({@code target/puipui}). The {@code *.out} directories are the steps' outputs as a {@code CachedStep} keeps them;
 * {@link #out} collects each arch's finished kernel and initramfs.
 */
public record Layout(Path work) {

    /** Extracted sources shared by the arches ({@code src/<name>-<version>}). */
    public Path sources() {
        return work.resolve("src");
    }

    /** The user cache's areas this build cannot trust, kept privately instead (see {@code UserCache}). */
    public Path privateCache() {
        return work.resolve("private-cache");
    }

    /** The base distro's extracted definition (derived distros). */
    public Path base() {
        return work.resolve("base");
    }

    /** The base distro's binaries of an arch, extracted (derived distros). */
    public Path baseBinaries(Arch arch) {
        return work.resolve("base-binaries").resolve(arch.id());
    }

    /** The base's musl sysroot of an arch, restored from its binaries when a component has to be compiled. */
    public Path baseSysroot(Arch arch) {
        return arch(arch).resolve("base-sysroot");
    }

    /** The CA bundle the image of an arch carries ({@code ca-certificates.crt}). */
    public Path caBundleOutputs(Arch arch) {
        return arch(arch).resolve("ca-bundle.out");
    }

    /** An arch's kernel config with the kconfig fragments merged onto it. */
    public Path mergedKconfig(Arch arch) {
        return work.resolve("kconfig").resolve(arch.id() + ".config");
    }

    public Path arch(Arch arch) {
        return work.resolve(arch.id());
    }

    /** The kernel's object tree (the source tree is shared, the objects are per arch). */
    public Path kernelObjects(Arch arch) {
        return arch(arch).resolve("linux");
    }

    /** The kernel step's outputs: both images, the resolved {@code kernel.config} and {@code System.map}. */
    public Path kernelOutputs(Arch arch) {
        return arch(arch).resolve("kernel.out");
    }

    /** Component source trees and their {@code <name>.out} outputs. */
    public Path componentWork(Arch arch) {
        return arch(arch).resolve("build");
    }

    /** The prefix holding the headers and libraries of a component's dependencies while it builds. */
    public Path staging(Arch arch) {
        return arch(arch).resolve("staging");
    }

    /** The installed userland files: the tree laid over the file system template. */
    public Path userland(Arch arch) {
        return arch(arch).resolve("userland");
    }

    public Path logs(Arch arch) {
        return arch(arch).resolve("logs");
    }

    public Path kernelLog(Arch arch) {
        return logs(arch).resolve("kernel.log");
    }

    public Path initramfsOutputs(Arch arch) {
        return arch(arch).resolve("initramfs.out");
    }

    public Path tarballOutputs(Arch arch, String classifier) {
        return arch(arch).resolve(classifier + ".tarball.out");
    }

    /** An arch's finished pieces: kernel images, {@code kernel.config}, {@code System.map}, {@code initramfs.cpio.gz}. */
    public Path out(Arch arch) {
        return arch(arch).resolve("out");
    }
}
