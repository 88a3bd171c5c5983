package io.github.puipui.distpackage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.github.puipui.Arch;
import io.github.puipui.BuildLog;
import io.github.puipui.OutputTimestamp;
import io.github.puipui.cache.CachedStep;
import io.github.puipui.distro.DefinitionArchive;
import io.github.puipui.distro.DistroBinaries;
import io.github.puipui.distro.DistroDefinition;
import io.github.puipui.fetch.Source;
import io.github.puipui.files.ConfinedPaths;
import io.github.puipui.files.Sha256;
import io.github.puipui.process.BuildStepException;

/**
 * The package step: per arch, the tarball of the compressed kernel and the one of the uncompressed kernel, each with
 * the initramfs at its root, then the SBOM and the distro's definition, each published into the build's target
 * directory only when its bytes changed.
 */
public final class DistroPackager {
    /** A published file: its classifier and type, and where it is; {@code written} when its bytes were new. */
    public record Published(String classifier, String type, Path file, boolean written) {
    }

    /**
     * A file the distro publishes as it is, beside its tarballs, such as the JSON Schema of the guest report:
     * attached as {@code <baseName>-<classifier>.<type>} and listed in the SBOM.
     */
    public record Attachment(String classifier, String type, Path file) {
        public Attachment {
            ConfinedPaths.identifier("attachment classifier", classifier);
            ConfinedPaths.identifier("attachment type", type);
            if (file == null || !Files.isRegularFile(file)) {
                throw new IllegalArgumentException("attachment " + classifier + ": " + file + " is not a file");
            }
        }
    }

    /** Where the step finds an arch's finished pieces and keeps its own outputs. */
    public interface Places {
        /** An arch's kernel images, {@code kernel.config} and {@code initramfs.cpio.gz}. */
        Path finished(Arch arch);

        /** Where a tarball step keeps its output between builds. */
        Path tarballOutputs(Arch arch, String classifier);

        /** Where the SBOM and the definition are staged before they are published. */
        Path staging();

        /** The steps of an arch's binaries (see {@link DistroBinaries}): the kernel, the toolchain, each component. */
        List<DistroBinaries.Step> binarySteps(Arch arch) throws IOException;
    }

    /**
     * The version of how tarballs and binaries are packed, part of their keys: a change to the format or the packing
     * gives a new version.
     */
    public static final String VERSION = "package 1";

    private final Places places;
    private final OutputTimestamp timestamp;
    private final BuildLog log;

    public DistroPackager(Places places, OutputTimestamp timestamp, BuildLog log) {
        this.places = places;
        this.timestamp = timestamp;
        this.log = log;
    }

    /**
     * Packs {@code archs} into {@code targetDir} as {@code <baseName>-<classifier>.tar.gz} and each arch's binaries
     * as {@code <baseName>-<arch>-binaries.tar.gz}, then writes the SBOM (every declared source, each arch's kernel
     * config, every published file) and {@code definition} with the binaries' index; the {@code attachments} are
     * published as they are. Sources are named by their declared digests: packing downloads nothing.
     */
    public List<Published> packageAll(List<Arch> archs, DistroDefinition definition, Sbom sbom, Path targetDir,
            String baseName, List<Attachment> attachments) throws IOException, BuildStepException {
        List<Published> out = new ArrayList<>();
        for (Source s : definition.sources()) {
            sbom.component(new Sbom.Component(s.name(), s.version(), s.license(), s.url(), s.file(), s.sha256(),
                    s.file(), s.sha256()));
        }
        List<DistroBinaries.Index> binaries = new ArrayList<>();
        for (Arch arch : archs) {
            Path dir = places.finished(arch);
            sbom.kernelConfig(arch.id(), Sha256.of(dir.resolve("kernel.config")));
            Path initramfs = dir.resolve("initramfs.cpio.gz");
            out.add(tarball(arch, arch.id(), arch.imageName(), dir.resolve(arch.imageName()), initramfs, sbom,
                    targetDir, baseName));
            out.add(tarball(arch, arch.uncompressedClassifier(), arch.uncompressedImageName(),
                    dir.resolve(arch.uncompressedImageName()), initramfs, sbom, targetDir, baseName));
            Path file = targetDir.resolve(binariesName(baseName, arch));
            String before = Files.isRegularFile(file) ? Sha256.of(file) : "";
            DistroBinaries.Index index = binaries(arch, places.binarySteps(arch), targetDir, baseName);
            binaries.add(index);
            out.add(new Published(binariesClassifier(arch), "tar.gz", file, !before.equals(index.sha256())));
            sbom.file(new Sbom.PublishedFile(file.getFileName().toString(), arch.id(), binariesClassifier(arch), null,
                    index.sha256(), Files.size(file)));
        }
        for (Attachment a : attachments) {
            Path published = targetDir.resolve(baseName + "-" + a.classifier() + "." + a.type());
            out.add(new Published(a.classifier(), a.type(), published, CachedStep.publish(a.file(), published)));
            sbom.file(new Sbom.PublishedFile(published.getFileName().toString(), "any", a.classifier(), null,
                    Sha256.of(published), Files.size(published)));
        }
        String sbomName = baseName + "-cyclonedx.json";
        Path staged = places.staging().resolve(sbomName);
        Files.createDirectories(staged.getParent());
        Files.writeString(staged, sbom.json());
        Path published = targetDir.resolve(sbomName);
        out.add(new Published("cyclonedx", "json", published, CachedStep.publish(staged, published)));

        String definitionName = baseName + "-definition.tar.gz";
        Path stagedDefinition = places.staging().resolve(definitionName);
        DefinitionArchive.write(definition, definition.kconfigArches(), binaries, stagedDefinition,
                timestamp.epochSecond());
        Path publishedDefinition = targetDir.resolve(definitionName);
        out.add(new Published("definition", "tar.gz", publishedDefinition,
                CachedStep.publish(stagedDefinition, publishedDefinition)));
        return out;
    }

    public static String binariesClassifier(Arch arch) {
        return arch.id() + "-binaries";
    }

    private static String binariesName(String baseName, Arch arch) {
        return baseName + "-" + binariesClassifier(arch) + ".tar.gz";
    }

    /**
     * Writes an arch's binaries unless their steps are unchanged (each step's id, declared key and the stamp of its
     * outputs, so that a no-op build rewrites nothing); returns their index.
     */
    private DistroBinaries.Index binaries(Arch arch, List<DistroBinaries.Step> steps, Path targetDir, String baseName)
            throws IOException, BuildStepException {
        String name = binariesName(baseName, arch);
        StringBuilder inputs = new StringBuilder("step=binaries\nname=" + name + "\npacker=" + VERSION + "\ntimestamp="
                + timestamp.instant() + "\n");
        for (DistroBinaries.Step s : steps) {
            Path stamp = s.outputs() == null ? null : CachedStep.stampOf(s.outputs());
            inputs.append(s.id()).append(' ').append(io.github.puipui.cache.EntryLayout.key(s.declaredInputs()))
                    .append(' ').append(stamp != null && Files.isRegularFile(stamp) ? Files.readString(stamp)
                            : s.outputs() == null ? "base " + s.from().index().sha256() : "-")
                    .append('\n');
        }
        Path outputs = places.tarballOutputs(arch, binariesClassifier(arch));
        new CachedStep(null, log).run(arch + " binaries", outputs, inputs.toString(), null, partial -> {
            DistroBinaries.Index i = DistroBinaries.write(arch.id(), steps, places.staging().resolve("binaries-"
                    + arch.id()), partial.resolve(name), timestamp.epochSecond(), log);
            Files.writeString(partial.resolve("index"), String.join("\n", i.lines()) + "\n");
        });
        Path published = targetDir.resolve(name);
        CachedStep.publish(outputs.resolve(name), published);
        return DistroBinaries.Index.of(arch.id(), Sha256.of(published), Files.readAllLines(outputs.resolve("index")));
    }

    /** A tarball's inputs: its name, the packer's version, the timestamp and each member's name and digest. */
    public static String tarballInputs(String name, OutputTimestamp ts, Map<String, String> memberSha256) {
        StringBuilder in = new StringBuilder("step=tarball\nname=" + name + "\npacker=" + VERSION + "\ntimestamp="
                + ts.instant() + "\n");
        new TreeMap<>(memberSha256).forEach((member, sha) -> in.append(member).append('=').append(sha).append('\n'));
        return in.toString();
    }

    /** Packs a kernel and the initramfs at the root of {@code <baseName>-<classifier>.tar.gz}. */
    private Published tarball(Arch arch, String classifier, String kernelName, Path kernel, Path initramfs, Sbom sbom,
            Path targetDir, String baseName) throws IOException, BuildStepException {
        String name = baseName + "-" + classifier + ".tar.gz";
        Map<String, Path> members = new LinkedHashMap<>();
        members.put(kernelName, kernel);
        members.put("initramfs.cpio.gz", initramfs);
        Map<String, String> digests = new LinkedHashMap<>();
        for (Map.Entry<String, Path> m : members.entrySet()) {
            String sha = Sha256.of(m.getValue());
            digests.put(m.getKey(), sha);
            sbom.file(new Sbom.PublishedFile(m.getKey(), arch.id(), classifier, name, sha, Files.size(m.getValue())));
        }
        Path outputs = places.tarballOutputs(arch, classifier);
        CachedStep.How how = new CachedStep(null, log).run(arch + " tarball " + classifier, outputs,
                tarballInputs(name, timestamp, digests), null,
                partial -> DistTarball.write(partial.resolve(name), members, FileTime.from(timestamp.instant())));
        Path tarball = targetDir.resolve(name);
        CachedStep.publish(outputs.resolve(name), tarball);
        sbom.file(new Sbom.PublishedFile(name, arch.id(), classifier, null, Sha256.of(tarball), Files.size(tarball)));
        return new Published(classifier, "tar.gz", tarball, how != CachedStep.How.UP_TO_DATE);
    }
}
