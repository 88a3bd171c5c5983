package io.github.puipui.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.distro.DebianSources;
import io.github.puipui.distro.DistroDeclaration;
import io.github.puipui.distro.DistroDefinition;
import io.github.puipui.fetch.Source;

/** A {@code <component>} as Maven fills it in, mapped into the build core's component and its own source. */
class ComponentParameterTest {
    static final String SHA = "a".repeat(64);

    @TempDir
    Path tmp;

    /** Sets a field as Maven's configurator does, by name. */
    private static void set(Object target, String field, Object value) throws Exception {
        java.lang.reflect.Field f = target.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(target, value);
    }

    @Test
    void aComponentDeclaresItsSourceInItsOwnBlock() throws Exception {
        ComponentParameter hello = new ComponentParameter();
        set(hello, "name", "hello");
        set(hello, "url", "https://ftp.gnu.org/gnu/hello/hello-2.10.tar.gz");
        set(hello, "version", "2.10");
        set(hello, "sha256", SHA);
        set(hello, "debian", "hello=2.10-3");
        Source s = hello.inlineSource();
        assertEquals("hello-2.10.tar.gz", s.file(), "the url's last segment");
        DistroDefinition d = DistroDefinition.of(List.of(s), List.of(hello.toComponent()), tmp, tmp, List.of())
                .validated();
        assertEquals("2.10", d.source("hello").version());
        String list = DebianSources.text(d);
        assertTrue(list.contains("hello=2.10-3") && list.contains("hello_2.10.orig.tar.gz") && list.contains("hello-2.10.tar.gz"));
        assertTrue(!DebianSources.text(d, "g:a:1", d.sources()).contains("hello="), "a base's sources are its own list's");
        assertThrows(IllegalArgumentException.class, () -> DistroDeclaration.merged(List.of(s), List.of(s)),
                "a <source> and a component's own of one name");
        set(hello, "source", "other");
        assertThrows(IllegalArgumentException.class, hello::inlineSource);
    }
}
