package io.github.puipui.userland;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.puipui.OutputTimestamp;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.process.ProcessRunner;
import io.github.puipui.toolchain.Toolchain;

/** Everything a recipe needs to build one component for one arch. */
public record ComponentBuild(Component component, String version, Toolchain toolchain, Path sourceDir, Path stagingDir,
        int jobs, OutputTimestamp timestamp, Path logFile, ProcessRunner runner) {

    /**
     * Expands {@code {staging}} (the staging prefix), {@code {host}} (the target triple), {@code {arch}} (the arch:
     * {@code aarch64}, {@code x86_64}), {@code {jobs}} and {@code {cc}} (the compiler command) in a declared argument.
     */
    public String expand(String arg) {
        String out = arg.replace("{staging}", stagingDir.toString())
                .replace("{host}", toolchain.hostTriple())
                .replace("{arch}", toolchain.arch().id())
                .replace("{jobs}", Integer.toString(jobs));
        return out.contains("{cc}") ? out.replace("{cc}", environment().get("CC")) : out;
    }

    /** The words of a command or flags string (split at blanks). */
    public static List<String> words(String s) {
        return s == null || s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
    }

    public List<String> expandAll(List<String> args) {
        List<String> out = new ArrayList<>();
        for (String a : args) {
            out.add(expand(a));
        }
        return out;
    }

    /**
     * The toolchain's variables plus reproducibility pins. {@code CFLAGS} favours size: {@code -Os}, sections the
     * linker drops when unused, and no unwind tables (C programs in a static musl image never unwind; the tables
     * were a tenth of curl).
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>(toolchain.environment());
        env.put("CFLAGS", "-Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables"
                + " -ffile-prefix-map=" + sourceDir + "=.");
        env.put("LDFLAGS", "-static -Wl,--gc-sections");
        env.put("SOURCE_DATE_EPOCH", Long.toString(timestamp.epochSecond()));
        env.put("CONFIG_SITE", null);
        // only the staging prefix may provide libraries, never the build host
        env.put("PKG_CONFIG_LIBDIR", stagingDir.resolve("lib/pkgconfig").toString());
        env.put("PKG_CONFIG_PATH", "");
        return env;
    }

    /** {@link #environment}, with the component's {@code <configureEnv>} (expanded) added: what a recipe runs with. */
    public Map<String, String> recipeEnvironment() {
        Map<String, String> env = environment();
        component.configureEnv().forEach((k, v) -> env.put(k, expand(v)));
        return env;
    }

    /** Where a recipe installs: the staging prefix for a library ({@code <staging>true}), else {@code /usr}. */
    public String installPrefix() {
        return component.stagesLibrary() ? stagingDir.toString() : "/usr";
    }

    /** The {@code VAR=value} entries of the expanded {@code <makeArgs>}: what an install run takes of them. */
    public List<String> makeVariables() {
        return expandAll(component.makeArgs()).stream().filter(a -> a.matches("[A-Za-z_]\\w*=.*")).toList();
    }

    public void run(String step, List<String> command, Map<String, String> env) throws BuildStepException {
        runner.run(toolchain.arch() + " " + component.name() + " " + step, command, sourceDir, env, logFile);
    }

    public void make(List<String> args, Map<String, String> env) throws BuildStepException {
        List<String> cmd = new ArrayList<>(List.of("make", "-j" + jobs));
        cmd.addAll(args);
        run("make", cmd, env);
    }
}
