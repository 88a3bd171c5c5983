package io.github.puipui.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.puipui.Arch;
import io.github.puipui.cache.CachedStep;
import io.github.puipui.distpackage.DistroPackager;
import io.github.puipui.distpackage.Sbom;
import io.github.puipui.distro.DistroBinaries;
import io.github.puipui.initramfs.ImageLayout;
import io.github.puipui.initramfs.InitramfsWriter;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.userland.UserlandBuilder;

/**
 * What is published of each arch: its initramfs, its tarballs, and its binaries (one build cache entry per step, with
 * its declared inputs, for the distros derived from this one).
 */
final class ImageStep {
    private final BuildContext context;
    private final BaseReuse base;
    private final KernelStep kernel;
    private final ToolchainStep toolchain;
    private final UserlandStep userland;

    ImageStep(BuildContext context, BaseReuse base, KernelStep kernel, ToolchainStep toolchain, UserlandStep userland) {
        this.context = context;
        this.base = base;
        this.kernel = kernel;
        this.toolchain = toolchain;
        this.userland = userland;
    }

    /**
     * The steps of an arch's published binaries ({@link DistroBinaries}): the kernel, the musl sysroot (unless a
     * prebuilt toolchain builds the userland), each component and the CA bundle, each with its declared inputs; a
     * step taken from the base is handed on as the base published it.
     */
    List<DistroBinaries.Step> binarySteps(Arch arch) throws IOException {
        Layout layout = context.layout();
        List<DistroBinaries.Step> steps = new ArrayList<>();
        steps.add(binaryStep(arch, DistroBinaries.KERNEL, kernel.declared(arch), layout.kernelOutputs(arch), null));
        if (toolchain.prebuilt(arch).isEmpty()) {
            Path prefix = null;
            if (!toolchain.fromBase(arch)) {
                try {
                    prefix = toolchain.plan(arch).get().toolchain().root();
                } catch (BuildStepException e) {
                    throw new IOException(arch + " toolchain: " + e.getMessage(), e);
                }
            }
            steps.add(binaryStep(arch, DistroBinaries.TOOLCHAIN, toolchain.declared(arch), prefix,
                    prefix == null ? null : prefix.toString()));
        }
        for (Map.Entry<String, String> c : userland.declared(arch).entrySet()) {
            steps.add(binaryStep(arch, DistroBinaries.component(c.getKey()), c.getValue(),
                    UserlandBuilder.outputsOf(layout.componentWork(arch), c.getKey()), layout.staging(arch).toString()));
        }
        steps.add(binaryStep(arch, DistroBinaries.CA_BUNDLE, StepInputs.caBundleDeclared(), layout.caBundleOutputs(arch),
                null));
        return steps;
    }

    private DistroBinaries.Step binaryStep(Arch arch, String id, String declared, Path outputs, String relocate)
            throws IOException {
        if (base.has(arch, id, declared)) {
            return new DistroBinaries.Step(id, declared, null, null, base.binaries(arch));
        }
        if (outputs == null || !Files.isDirectory(outputs)) {
            throw new IOException(arch + ": no outputs of the step " + id + " to publish (" + outputs + "); build it"
                    + " with mvn compile");
        }
        return new DistroBinaries.Step(id, declared, outputs, relocate, null);
    }

    /**
     * The initramfs of an arch as it would be written: layers, userland, removals, modes, root's login (the password
     * salted with the distro's coordinates {@code distro}, {@code groupId:artifactId:version}).
     */
    InitramfsWriter initramfsContent(Arch arch, String distro, String rootPassword, String authorizedKeys)
            throws IOException {
        List<Path> layers = context.definition().fsLayers();
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("no fs template: set <fsDirectory> (or derive from a <base> distro)");
        }
        for (Path layer : layers) {
            if (!Files.isDirectory(layer)) {
                throw new IllegalArgumentException("fs template " + layer + " is not a directory (set <fsDirectory>"
                        + " or -Dpuipui.fsDirectory to the root file system template)");
            }
        }
        Path tree = context.layout().userland(arch);
        if (!Files.isDirectory(tree)) {
            throw new IllegalArgumentException(arch + ": no userland at " + tree + " (build it with mvn compile,"
                    + " or mvn package for the whole image)");
        }
        return ImageLayout.assemble(context.settings().timestamp().epochSecond(), layers, tree,
                context.definition().removedFiles(), context.definition().fileModeMap(), distro, rootPassword,
                authorizedKeys);
    }

    /**
     * Writes an arch's {@code initramfs.cpio.gz} unless its content is unchanged (the key is the digest of the whole
     * content) and publishes it to {@link Layout#out}; null when it was up to date, else the writer.
     */
    InitramfsWriter initramfs(Arch arch, String distro, String rootPassword, String authorizedKeys)
            throws IOException, BuildStepException {
        InitramfsWriter w = initramfsContent(arch, distro, rootPassword, authorizedKeys);
        Path outputs = context.layout().initramfsOutputs(arch);
        CachedStep.How how = new CachedStep(null, context.log()).run(arch + " initramfs", outputs,
                StepInputs.initramfs(w.digest()), null, partial -> w.write(partial.resolve("initramfs.cpio.gz")));
        CachedStep.publish(outputs.resolve("initramfs.cpio.gz"), context.layout().out(arch).resolve("initramfs.cpio.gz"));
        return how == CachedStep.How.UP_TO_DATE ? null : w;
    }

    /**
     * Packs the arches' tarballs, the attachments, the SBOM and the definition into {@code targetDir} (see
     * {@link DistroPackager}).
     */
    List<DistroPackager.Published> packageAll(List<Arch> archs, Sbom sbom, Path targetDir, String baseName,
            List<DistroPackager.Attachment> attachments) throws IOException, BuildStepException {
        Layout layout = context.layout();
        DistroPackager.Places places = new DistroPackager.Places() {
            @Override
            public Path finished(Arch arch) {
                return layout.out(arch);
            }

            @Override
            public Path tarballOutputs(Arch arch, String classifier) {
                return layout.tarballOutputs(arch, classifier);
            }

            @Override
            public Path staging() {
                return layout.work();
            }

            @Override
            public List<DistroBinaries.Step> binarySteps(Arch arch) throws IOException {
                return ImageStep.this.binarySteps(arch);
            }
        };
        return new DistroPackager(places, context.settings().timestamp(), context.log()).packageAll(archs,
                context.definition(), sbom, targetDir, baseName, attachments);
    }
}
