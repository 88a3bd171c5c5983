package io.github.puipui.userland;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class ComponentTest {
    @Test
    void installSpecs() {
        assertEquals(new Component.Install("src/curl", "/usr/bin/curl", 0755), Component.Install.parse("curl", "src/curl:/usr/bin/curl"));
        assertEquals(0600, Component.Install.parse("x", "a:/etc/a:0600").mode());
        assertThrows(IllegalArgumentException.class, () -> Component.Install.parse("x", "a:relative"));
        assertThrows(IllegalArgumentException.class, () -> Component.Install.parse("x", "../a:/a"));
    }

    @Test
    void dependenciesMustComeFirstAndRecipesExist() {
        Component tls = new Component("mbedtls", "mbedtls");
        Component curl = new Component("curl", "autotools").withDependsOn("mbedtls");
        UserlandBuilder.checkOrder(List.of(tls, curl));
        assertThrows(IllegalArgumentException.class, () -> UserlandBuilder.checkOrder(List.of(curl, tls)));
        assertThrows(IllegalArgumentException.class, () -> UserlandBuilder.checkOrder(List.of(new Component("x", "cmake"))));
    }

    @Test
    void modeStrings() {
        assertEquals("rwxr-xr-x", UserlandBuilder.modeString(0755));
        assertEquals("rw-------", UserlandBuilder.modeString(0600));
    }
}
