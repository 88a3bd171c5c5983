package io.github.puipui.distro;

import java.nio.file.Path;

/**
 * A kconfig fragment: a file of {@code CONFIG_X=value} and {@code # CONFIG_X is not set} lines merged onto the
 * distro's kernel config, for one arch ({@code arch}) or for all (a null {@code arch}).
 */
public record KconfigFragment(String arch, Path file) {
    public KconfigFragment {
        arch = arch == null || arch.isBlank() ? null : arch.trim();
    }

    public boolean appliesTo(String archId) {
        return arch == null || arch.equals(archId);
    }

    @Override
    public String toString() {
        return (arch == null ? "" : arch + ":") + file;
    }
}
