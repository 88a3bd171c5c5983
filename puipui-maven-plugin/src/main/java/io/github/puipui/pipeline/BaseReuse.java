package io.github.puipui.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.github.puipui.Arch;
import io.github.puipui.cache.CachedStep;
import io.github.puipui.distro.DistroBinaries;
import io.github.puipui.files.FileTrees;
import io.github.puipui.process.BuildStepException;

/**
 * A derived distro's reuse of its base's published binaries: which steps the base published with the same declared
 * inputs, and their outputs, each arch's archive resolved, verified against the base's definition and extracted once.
 * Without a base (the base distro itself), no step is the base's.
 */
final class BaseReuse {
    private final BuildContext context;
    private final Map<String, DistroBinaries> opened = new HashMap<>();
    private DistroBuild.Base base;

    BaseReuse(BuildContext context) {
        this.context = context;
    }

    void set(DistroBuild.Base base) {
        this.base = base;
    }

    boolean isDerived() {
        return base != null;
    }

    /** The base's index of {@code arch}'s binaries, or null when there is none. */
    DistroBinaries.Index index(Arch arch) {
        return base == null ? null : base.indexes().get(arch.id());
    }

    /** True when the base published the step {@code id} of {@code arch} with these declared inputs. */
    boolean has(Arch arch, String id, String declaredInputs) {
        DistroBinaries.Index i = index(arch);
        return i != null && i.has(id, declaredInputs);
    }

    /** The base's binaries of an arch: resolved, verified against the base's definition and extracted once. */
    DistroBinaries binaries(Arch arch) throws IOException {
        synchronized (opened) {
            DistroBinaries b = opened.get(arch.id());
            if (b == null) {
                b = DistroBinaries.open(index(arch), base.resolver().binaries(arch.id()),
                        context.layout().baseBinaries(arch), context.log());
                opened.put(arch.id(), b);
            }
            return b;
        }
    }

    /** Restores a step from the base's binaries into {@code outputs} (up to date when it is there already). */
    CachedStep.How restore(Arch arch, String what, String id, String declaredInputs, Path outputs, String relocate)
            throws IOException, BuildStepException {
        DistroBinaries b = binaries(arch);
        Path extracted = context.layout().baseBinaries(arch);
        return new CachedStep(b.entries(), context.log()).run(what, outputs, declaredInputs, relocate, partial -> {
            FileTrees.deleteTree(extracted); // extracted again next time
            throw new IOException("the base's binaries of " + arch + " lack the step " + id + " although the base's"
                    + " definition lists it, or it is damaged in " + extracted + "; build again");
        });
    }
}
