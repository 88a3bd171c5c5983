package io.github.puipui.userland;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import io.github.puipui.process.BuildStepException;

/** How a kind of component is built (configure, make, …) in its source directory, for one arch. */
public interface Recipe {
    void build(ComponentBuild b) throws IOException, BuildStepException;

    /**
     * This recipe's version, part of the key of every component it builds: a change to what the recipe runs or to
     * how it shapes the component's files gives a new version (the recipe pins in the tests hold each recipe's
     * commands under its version, and fail when they change while it does not).
     */
    String version();

    /** The recipes: four generic infrastructures, and two for the base's components that fit none (see each). */
    List<String> NAMES = List.of("autotools", "cmake", "meson", "make", "busybox", "mbedtls");

    /** The host programs a recipe needs besides the C toolchain and make: {@code program=package} pairs. */
    static Map<String, String> hostTools(String name) {
        return switch (name) {
            case "cmake" -> Map.of("cmake", "cmake");
            case "meson" -> Map.of("meson", "meson", "ninja", "ninja-build", "pkg-config", "pkgconf");
            default -> Map.of();
        };
    }

    static Recipe named(String name) {
        return switch (name) {
            case "autotools" -> new AutotoolsRecipe();
            case "cmake" -> new CMakeRecipe();
            case "meson" -> new MesonRecipe();
            case "make" -> new MakeRecipe();
            case "busybox" -> new BusyboxRecipe();
            case "mbedtls" -> new MbedtlsRecipe();
            default -> throw new IllegalArgumentException("unknown recipe '" + name + "' (known: " + String.join(", ",
                    NAMES) + ")");
        };
    }
}
