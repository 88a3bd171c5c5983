package io.github.puipui.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.github.puipui.fetch.Extractor;
import io.github.puipui.fetch.FetchException;
import io.github.puipui.fetch.Fetcher;
import io.github.puipui.fetch.Source;
import io.github.puipui.fetch.UnsafeArchiveException;
import io.github.puipui.files.PrivateDirectories;

/**
 * The declared sources of a build: fetched and verified, extracted once into the user cache, and their likely digests
 * (those a step's likely keys are made of, known before anything is fetched).
 */
final class Sources {
    /**
     * The sources the build itself needs besides the components: the kernel, and musl and the kernel headers for the
     * toolchain. The headers are a source of their own, so that a derived distro that changes its kernel keeps its
     * base's headers, and with them its base's sysroot and userland; a distro that declares none takes them from
     * its kernel.
     */
    static final String KERNEL = "linux";
    static final String KERNEL_HEADERS = "linux-headers";
    static final String MUSL = "musl";

    private final BuildContext context;

    Sources(BuildContext context) {
        this.context = context;
    }

    boolean declares(String name) {
        return context.definition().sources().stream().anyMatch(s -> s.name().equals(name));
    }

    /** The source the toolchain's kernel headers come from: {@code linux-headers} if declared, else the kernel's. */
    String headers() {
        return declares(KERNEL_HEADERS) ? KERNEL_HEADERS : KERNEL;
    }

    Source source(String name) {
        return context.definition().source(name);
    }

    List<String> likelyDigests(String name) {
        return context.fetcher().likelyDigests(source(name));
    }

    Fetcher.Fetched fetch(String name) throws FetchException {
        return context.fetcher().fetch(source(name));
    }

    /** A source fetched inside a step, where a failed fetch is the step's I/O failure. */
    Fetcher.Fetched fetchOrFail(String name) throws IOException {
        try {
            return fetch(name);
        } catch (FetchException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Fetches and verifies the named sources, in the definition's order. */
    List<Fetcher.Fetched> fetchAll(Collection<String> names) throws FetchException {
        List<Fetcher.Fetched> out = new ArrayList<>();
        for (Source s : context.definition().sources()) {
            if (names.contains(s.name())) {
                out.add(context.fetcher().fetch(s));
            }
        }
        return out;
    }

    /**
     * Fetches, verifies and extracts a source into the user cache ({@code <cache>/src/<name>-<version>-<digest>}),
     * or under {@link Layout#sources} when the cache cannot take it; returns its top directory.
     */
    Path tree(String name) throws IOException, FetchException {
        Fetcher.Fetched f = context.fetcher().fetch(source(name));
        // one tree per archive: a source declared twice (the kernel and its headers) is extracted once
        Source s = context.definition().sources().stream()
                .filter(o -> context.fetcher().likelyDigests(o).contains(f.sha256())).findFirst()
                .orElse(source(name));
        // one path for every clone of this user: builds read the tree (the kernel builds out of tree, O=) and
        // never write into it, and a compiler cache (ccache, sccache) can serve one clone's compiles to another
        // without rewriting paths, which would change the __FILE__ strings in the kernel
        Path shared = context.cacheRoot().resolve("src").resolve(s.name() + "-" + s.version() + "-"
                + f.sha256().substring(0, 12));
        try {
            PrivateDirectories.requireTrusted(shared);
            return extract(f, shared);
        } catch (IOException e) {
            if (e instanceof UnsafeArchiveException) {
                throw e;
            }
            Path own = context.layout().sources().resolve(s.name() + "-" + s.version());
            context.log().warn("cannot extract " + f.file().getFileName() + " into " + shared + " (" + e.getMessage()
                    + "); extracting it into " + own);
            return extract(f, own);
        }
    }

    /** {@link #tree} inside a step, where a failed fetch is the step's I/O failure. */
    Path treeOrFail(String name) throws IOException {
        try {
            return tree(name);
        } catch (FetchException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private Path extract(Fetcher.Fetched f, Path target) throws IOException {
        if (!Extractor.isComplete(target, f.sha256())) {
            context.log().info("extracting " + f.file().getFileName() + " to " + target);
        }
        return f.extractTree(target);
    }
}
