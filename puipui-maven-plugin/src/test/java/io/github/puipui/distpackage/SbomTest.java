package io.github.puipui.distpackage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class SbomTest {
    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);

    private static Sbom sbom(String initramfsSha) {
        return new Sbom("io.github.puipui", "puipui-distro", "1.0", Instant.parse("2026-11-25T00:00:00Z"))
                .component(new Sbom.Component("linux", "6.18.15", "GPL-2.0-only",
                        "https://cdn.kernel.org/pub/linux/kernel/v6.x/linux-6.18.15.tar.xz", "linux-6.18.15.tar.xz", A,
                        "linux_6.18.15.orig.tar.xz", B))
                .component(new Sbom.Component("mbedtls", "3.6.6", "Apache-2.0 OR GPL-2.0-or-later",
                        "https://example.org/mbedtls-3.6.6.tar.bz2", "mbedtls-3.6.6.tar.bz2", B, "mbedtls-3.6.6.tar.bz2", B))
                .kernelConfig("x86_64", A)
                .file(new Sbom.PublishedFile("initramfs.cpio.gz", "x86_64", "x86_64", "puipui-distro-1.0-x86_64.tar.gz",
                        initramfsSha, 42))
                .file(new Sbom.PublishedFile("puipui-distro-1.0-x86_64.tar.gz", "x86_64", "x86_64", null, B, 4242));
    }

    @Test
    void listsSourcesKernelConfigAndPublishedFiles() {
        String json = sbom(A).json();
        assertTrue(json.startsWith("{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.5\""), json);
        assertTrue(json.contains("\"name\": \"linux\", \"version\": \"6.18.15\", \"licenses\": [{\"license\": {\"id\": \"GPL-2.0-only\"}}]"), json);
        assertTrue(json.contains("\"licenses\": [{\"expression\": \"Apache-2.0 OR GPL-2.0-or-later\"}]"), json);
        assertTrue(json.contains("\"purl\": \"pkg:generic/linux@6.18.15?checksum=sha256:" + A
                + "&download_url=https%3A%2F%2Fcdn.kernel.org%2Fpub%2Flinux%2Fkernel%2Fv6.x%2Flinux-6.18.15.tar.xz\""), json);
        assertTrue(json.contains("{\"type\": \"distribution\", \"url\": \"https://cdn.kernel.org/pub/linux/kernel/v6.x/linux-6.18.15.tar.xz\","
                + " \"hashes\": [{\"alg\": \"SHA-256\", \"content\": \"" + A + "\"}]}"), json);
        assertTrue(json.contains("{\"name\": \"puipui:verified-alternative\", \"value\": \"linux_6.18.15.orig.tar.xz sha256 " + B + "\"}"), json);
        assertEquals(1, json.split("verified-alternative", -1).length - 1, "only where another file was used");
        assertTrue(json.contains("{\"name\": \"puipui:kernel-config-sha256:x86_64\", \"value\": \"" + A + "\"}"), json);
        assertTrue(json.contains("\"bom-ref\": \"file:puipui-distro-1.0-x86_64.tar.gz!/initramfs.cpio.gz\""), json);
        assertTrue(json.contains("\"name\": \"puipui-distro-1.0-x86_64.tar.gz\", \"hashes\": [{\"alg\": \"SHA-256\", \"content\": \"" + B + "\"}]"), json);
        assertTrue(json.contains("\"dependencies\": [{\"ref\": \"pkg:maven/io.github.puipui/puipui-distro@1.0\", \"dependsOn\": [\"source:linux\", \"source:mbedtls\"]}]"), json);
    }

    @Test
    void sameInputsSameBytesAndTheSerialFollowsTheContent() {
        assertEquals(sbom(A).json(), sbom(A).json());
        String serialA = sbom(A).json().lines().filter(l -> l.contains("serialNumber")).findFirst().orElseThrow();
        String serialB = sbom(B).json().lines().filter(l -> l.contains("serialNumber")).findFirst().orElseThrow();
        assertNotEquals(serialA, serialB);
    }

    @Test
    void stringsAreEscaped() {
        assertEquals("\"a\\\"b\\\\c\\nd\\u0001\"", Sbom.str("a\"b\\c\nd\u0001"));
    }
}
