package io.github.puipui.toolchain;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.puipui.Arch;

/**
 * A C toolchain producing static musl binaries for one arch: the compiler command, the binutils prefix and the
 * GNU triple to give configure scripts as {@code --host}.
 */
public record Toolchain(Arch arch, String cc, String binutilsPrefix, String hostTriple, Path root) {

    public String tool(String name) {
        return binutilsPrefix + name;
    }

    /** CC (always linking statically), AR, RANLIB, STRIP, … for make and configure. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CC", cc + " -static");
        env.put("AR", tool("ar"));
        env.put("RANLIB", tool("ranlib"));
        env.put("STRIP", tool("strip"));
        env.put("NM", tool("nm"));
        env.put("LD", tool("ld"));
        env.put("OBJCOPY", tool("objcopy"));
        return env;
    }
}
