package io.github.puipui.distro;

import java.io.File;

/**
 * A kconfig fragment: a file of {@code CONFIG_X=value} and {@code # CONFIG_X is not set} lines merged onto the
 * distro's kernel config, for one arch ({@code arch}) or for all (no {@code arch}).
 */
public class KconfigFragment {
    private String arch;
    private File file;

    public KconfigFragment() {
    }

    public KconfigFragment(String arch, File file) {
        this.arch = arch;
        this.file = file;
    }

    /** The arch id it applies to, or null for every arch. */
    public String getArch() {
        return arch == null || arch.isBlank() ? null : arch.trim();
    }

    public File getFile() {
        return file;
    }

    public boolean appliesTo(String archId) {
        return getArch() == null || getArch().equals(archId);
    }

    @Override
    public String toString() {
        return (getArch() == null ? "" : getArch() + ":") + file;
    }
}
