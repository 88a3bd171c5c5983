package io.github.puipui.maven;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import io.github.puipui.OutputTimestamp;
import io.github.puipui.cache.OutputCache;
import io.github.puipui.fetch.Extractor;
import io.github.puipui.fetch.FetchException;
import io.github.puipui.fetch.Fetcher;
import io.github.puipui.fetch.Sha256;
import io.github.puipui.fetch.Source;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.process.ProcessRunner;
import io.github.puipui.toolchain.Arch;
import io.github.puipui.toolchain.HostTools;
import io.github.puipui.toolchain.MuslSysrootBuilder;
import io.github.puipui.toolchain.PrebuiltToolchain;
import io.github.puipui.toolchain.Toolchain;
import io.github.puipui.userland.Component;
import io.github.puipui.userland.UserlandBuilder;

/** Builds the userland components of each arch, static against musl, into {@code target/puipui/<arch>/userland}. */
@Mojo(name = "userland", defaultPhase = LifecyclePhase.COMPILE, threadSafe = true)
public class UserlandMojo extends AbstractKernelMojo {

    /** The CA bundle copied to /etc/ssl/certs/ca-certificates.crt in the image (for curl). */
    @Parameter(property = "puipui.caBundle", defaultValue = "/etc/ssl/certs/ca-certificates.crt")
    private File caBundle;

    /**
     * Optional prebuilt musl cross toolchains instead of the host GCC + musl sysroot: each names the arch, the host
     * arch it runs on, a declared source (the toolchain tarball) and the tools' prefix.
     */
    @Parameter
    private List<PrebuiltToolchainSpec> prebuiltToolchains = new ArrayList<>();

    /** A prebuilt toolchain declaration. */
    public static class PrebuiltToolchainSpec {
        String arch;
        String hostArch;
        String source;
        String prefix;
    }

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skipping("building userland")) {
            return;
        }
        List<Component> components = definition().components();
        if (!caBundle.isFile()) {
            throw new MojoFailureException("CA bundle " + caBundle + " not found (Debian/Ubuntu package "
                    + "ca-certificates), or set -Dpuipui.caBundle=FILE");
        }
        List<Arch> archs = archs();
        requireHostTools("userland", archs, HostTools::forUserland);
        Map<String, Fetcher.Fetched> fetched = new HashMap<>();
        try {
            for (Component c : components) {
                fetched.put(c.getSource(), fetcher().fetch(source(c.getSource())));
            }
        } catch (FetchException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
        OutputCache cache = outputCache();
        forEachArch(archs, (arch, jobs) -> buildUserland(arch, jobs, components, fetched, cache));
    }

    private void buildUserland(Arch arch, int jobs, List<Component> components, Map<String, Fetcher.Fetched> fetched,
            OutputCache cache)
            throws MojoExecutionException, MojoFailureException {
        OutputTimestamp ts = timestamp();
        ProcessRunner runner = new ProcessRunner(buildLog());
        Path archDir = workDirectory.toPath().resolve(arch.id());
        Path imageDir = archDir.resolve("userland");
        try {
            ToolchainPlan tc = toolchain(arch, runner, jobs);
            List<UserlandBuilder.Prepared> prepared = new ArrayList<>();
            Map<String, String> keys = new HashMap<>();
            for (Component c : components) {
                Source s = source(c.getSource());
                Fetcher.Fetched f = fetched.get(c.getSource());
                // the inputs of this component: declaration, source, toolchain, plugin, and its dependencies' keys
                StringBuilder in = new StringBuilder("step=component ").append(arch.id()).append('\n')
                        .append(c.declaration()).append("\nsource-sha256=").append(f.sha256())
                        .append("\ntoolchain=").append(tc.identity())
                        .append("\ntimestamp=").append(ts.instant())
                        .append("\nplugin=").append(pluginIdentity());
                for (String dep : c.getDependsOn()) {
                    in.append("\ndep ").append(dep).append('=').append(keys.get(dep));
                }
                UserlandBuilder.Prepared p = new UserlandBuilder.Prepared(c, s.getVersion(), f.file(), f.sha256(),
                        in.append('\n').toString());
                keys.put(c.getName(), p.key());
                prepared.add(p);
            }
            Extractor.deleteTree(imageDir);
            List<UserlandBuilder.Installed> installed = new UserlandBuilder(runner, buildLog(), cache).build(arch,
                    tc.supplier(), prepared, archDir.resolve("build"), archDir.resolve("staging"), imageDir,
                    archDir.resolve("logs"), jobs, ts);
            for (UserlandBuilder.Installed i : installed) {
                getLog().info(String.format("%s %-22s %,10d bytes (%s)", arch, i.imagePath(), i.size(), i.how()));
            }
            Path ca = imageDir.resolve("etc/ssl/certs/ca-certificates.crt");
            Files.createDirectories(ca.getParent());
            Files.copy(caBundle.toPath(), ca, StandardCopyOption.REPLACE_EXISTING);
        } catch (FetchException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        } catch (BuildStepException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException(arch + " userland: " + e.getMessage(), e);
        }
    }

    /** What identifies a toolchain in the components' keys, and how to get it once a component has to be compiled. */
    private record ToolchainPlan(String identity, UserlandBuilder.ToolchainSupplier supplier) {
    }

    private ToolchainPlan toolchain(Arch arch, ProcessRunner runner, int jobs) throws MojoExecutionException, IOException,
            FetchException {
        for (PrebuiltToolchainSpec p : prebuiltToolchains) {
            if (arch.id().equals(p.arch) && Arch.host().id().equals(p.hostArch)) {
                Source s = source(p.source);
                Fetcher.Fetched f = fetcher().fetch(s);
                Path dir = cacheRoot().resolve("toolchain").resolve(s.getName() + "-" + s.getVersion());
                return new ToolchainPlan("prebuilt " + f.sha256() + " " + p.prefix, memoized(() -> {
                    Path root = new Extractor().extractTree(f.file(), f.sha256(), dir);
                    getLog().info(arch + " toolchain: prebuilt " + root);
                    return PrebuiltToolchain.at(arch, root, p.prefix);
                }));
            }
        }
        Source musl = source("musl");
        Source linux = source("linux");
        Fetcher.Fetched muslArchive = fetcher().fetch(musl);
        Fetcher.Fetched linuxArchive = fetcher().fetch(linux);
        String gcc = arch.crossPrefix() + "gcc";
        String key = Sha256.of(String.join("\n", muslArchive.sha256(), linuxArchive.sha256(), arch.id(), gcc,
                HostTools.firstLine(gcc, "-dumpfullversion"), HostTools.firstLine(gcc, "-dumpmachine"),
                pluginIdentity())).substring(0, 16);
        String name = "musl-" + musl.getVersion() + "-" + arch.id() + "-" + key;
        Path prefix = cacheRoot().resolve("toolchain").resolve(name);
        return new ToolchainPlan("musl sysroot " + name + " with " + gcc + " " + HostTools.firstLine(gcc, "--version"),
                memoized(() -> {
                    if (MuslSysrootBuilder.isComplete(prefix)) {
                        getLog().info(arch + " toolchain: cached musl sysroot " + prefix);
                        return MuslSysrootBuilder.toolchain(arch, prefix);
                    }
                    Path archDir = workDirectory.toPath().resolve(arch.id());
                    Path muslSrc = new Extractor().extractTree(muslArchive.file(), muslArchive.sha256(),
                            archDir.resolve("build/musl"));
                    Path kernelSource;
                    try {
                        kernelSource = sourceTree("linux");
                    } catch (MojoExecutionException e) {
                        throw new IOException(e.getMessage(), e);
                    }
                    return new MuslSysrootBuilder(runner, buildLog()).build(new MuslSysrootBuilder.Inputs(arch, muslSrc,
                            kernelSource, prefix, archDir, jobs, archDir.resolve("logs/toolchain.log")));
                }));
    }

    /** Gets the toolchain once, with the compiler launcher in front of its compiler. */
    private UserlandBuilder.ToolchainSupplier memoized(UserlandBuilder.ToolchainSupplier s) {
        Toolchain[] once = new Toolchain[1];
        String launcher = compilerLauncher();
        return () -> {
            if (once[0] == null) {
                Toolchain t = s.get();
                once[0] = launcher.isEmpty() ? t
                        : new Toolchain(t.arch(), launcher + " " + t.cc(), t.binutilsPrefix(), t.hostTriple(), t.root());
            }
            return once[0];
        };
    }
}
