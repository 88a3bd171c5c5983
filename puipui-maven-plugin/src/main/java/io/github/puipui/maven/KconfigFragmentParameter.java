package io.github.puipui.maven;

import java.io.File;

import io.github.puipui.distro.KconfigFragment;

/** A {@code <kconfigFragment>} of the POM, as Maven fills it in. */
public class KconfigFragmentParameter {
    private String arch;
    private File file;

    KconfigFragment toFragment() {
        return new KconfigFragment(arch, file == null ? null : file.toPath());
    }
}
