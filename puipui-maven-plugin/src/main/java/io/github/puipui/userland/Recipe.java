package io.github.puipui.userland;

import java.io.IOException;

import io.github.puipui.process.BuildStepException;

/** How a kind of component is built (configure, make, …) in its source directory, for one arch. */
public interface Recipe {
    void build(ComponentBuild b) throws IOException, BuildStepException;

    static Recipe named(String name) {
        return switch (name) {
            case "autotools" -> new AutotoolsRecipe();
            case "busybox" -> new BusyboxRecipe();
            case "mbedtls" -> new MbedtlsRecipe();
            default -> throw new IllegalArgumentException("unknown recipe '" + name + "' (known: autotools, busybox, mbedtls)");
        };
    }
}
