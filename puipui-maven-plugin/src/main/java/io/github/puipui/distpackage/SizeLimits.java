package io.github.puipui.distpackage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.github.puipui.Arch;
import io.github.puipui.process.BuildStepException;

/**
 * Upper bounds on the sizes of the files a distro publishes (a kernel form, the initramfs), checked before they are
 * packed: a kernel config or a component that makes the image grow past what the distro holds itself to fails the
 * build, naming the file, its size and its limit. Each limit is {@code [ARCH/]FILE:BYTES}, {@code FILE} a file of the
 * arch's published set ({@code Image.gz}, {@code Image}, {@code bzImage}, {@code vmlinux}, {@code initramfs.cpio.gz}).
 */
public final class SizeLimits {
    /** One limit: the arch it is for (null: every arch), the published file's name, the most bytes it may have. */
    public record Limit(String arch, String file, long bytes) {
        boolean appliesTo(Arch a) {
            return arch == null || arch.equals(a.id());
        }

        @Override
        public String toString() {
            return (arch == null ? "" : arch + "/") + file + ":" + bytes;
        }
    }

    private final List<Limit> limits;

    private SizeLimits(List<Limit> limits) {
        this.limits = List.copyOf(limits);
    }

    /** The limits as a POM declares them; a malformed one is an {@link IllegalArgumentException} naming it. */
    public static SizeLimits parse(List<String> declared) {
        List<Limit> out = new ArrayList<>();
        for (String d : declared) {
            String s = d.strip();
            int colon = s.lastIndexOf(':');
            int slash = s.indexOf('/');
            String arch = slash > 0 && slash < colon ? s.substring(0, slash) : null;
            String file = colon < 0 ? "" : s.substring(arch == null ? 0 : slash + 1, colon);
            long bytes;
            try {
                bytes = colon < 0 ? -1 : Long.parseLong(s.substring(colon + 1).replace("_", ""));
            } catch (NumberFormatException e) {
                bytes = -1;
            }
            if (file.isEmpty() || file.contains("/") || bytes <= 0 || arch != null && Arch.find(arch).isEmpty()) {
                throw new IllegalArgumentException("size limit '" + d + "': expected [ARCH/]FILE:BYTES, e.g."
                        + " x86_64/bzImage:2400000 (arches: " + Arch.ids() + ")");
            }
            out.add(new Limit(arch, file, bytes));
        }
        return new SizeLimits(out);
    }

    /**
     * Checks the published files of {@code arch} in {@code dir} against every limit that applies to it: all
     * violations in one failure, and a limit on a file the arch does not publish is a failure too.
     */
    public void check(Arch arch, Path dir) throws IOException, BuildStepException {
        List<String> over = new ArrayList<>();
        for (Limit l : limits) {
            if (!l.appliesTo(arch)) {
                continue;
            }
            Path f = dir.resolve(l.file());
            if (!Files.isRegularFile(f)) {
                over.add(arch + " " + l.file() + ": no such published file (limit " + l + ")");
                continue;
            }
            long size = Files.size(f);
            if (size > l.bytes()) {
                over.add(String.format(Locale.ROOT, "%s %s: %,d bytes, over its limit of %,d by %,d (%.1f %%)", arch,
                        l.file(), size, l.bytes(), size - l.bytes(), 100.0 * (size - l.bytes()) / l.bytes()));
            }
        }
        if (!over.isEmpty()) {
            throw new BuildStepException("the published files outgrew the distro's <sizeLimits>:\n    "
                    + String.join("\n    ", over) + "\n  Make them smaller again, or raise the limit in the POM if the"
                    + " growth is worth it.");
        }
    }
}
