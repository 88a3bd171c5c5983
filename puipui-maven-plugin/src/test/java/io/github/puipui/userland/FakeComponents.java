package io.github.puipui.userland;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import io.github.puipui.TestArchives;

/**
 * A tiny autotools-like source package for builder tests: {@code ./configure} writes a Makefile that builds
 * {@code hello} from {@code hello.in} through an object file {@code hello.o}, which it first writes partially and,
 * while the file named by {@code HOLD} exists, keeps partial for a minute (to be killed there). Each completed build
 * appends a line to {@code COUNTER}; with {@code STAGING} it stages a library and a pkg-config file naming the
 * staging prefix; with {@code NEED} it fails unless that file exists.
 */
public final class FakeComponents {
    private FakeComponents() {
    }

    public static Path source(Path archive, String content) throws IOException {
        String makefile = String.join("\n",
                "hello: hello.o",
                "\tcp hello.o hello",
                "\techo built >> \"$(COUNTER)\"",
                "\tif [ -n \"$(NEED)\" ]; then test -f \"$(NEED)\"; fi",
                "\tif [ -n \"$(STAGING)\" ]; then mkdir -p $(STAGING)/lib/pkgconfig && cp hello.o $(STAGING)/lib/libhello.a"
                        + " && printf 'prefix=%s\\n' \"$(STAGING)\" > $(STAGING)/lib/pkgconfig/hello.pc; fi",
                "hello.o: hello.in",
                "\techo partial > hello.o; if [ -f \"$(HOLD)\" ]; then sleep 60; fi; cat hello.in > hello.o",
                "");
        return TestArchives.tarGz(archive, Map.of(
                "hello-1.0/configure", "#!/bin/sh\ncat > Makefile <<'EOF'\n" + makefile + "EOF\n",
                "hello-1.0/hello.in", content + "\n"));
    }

    /** A component built from {@link #source} that installs {@code hello} as {@code /usr/bin/<name>}. */
    public static Component component(String name, Path counter, Path hold, String... extraMakeArgs) {
        String[] args = new String[extraMakeArgs.length + 2];
        args[0] = "COUNTER=" + counter;
        args[1] = "HOLD=" + hold;
        System.arraycopy(extraMakeArgs, 0, args, 2, extraMakeArgs.length);
        return TestComponent.from(new Component(name, "autotools")).withMakeArgs(args)
                .withInstalls("hello:/usr/bin/" + name).build();
    }
}
