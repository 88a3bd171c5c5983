package io.github.puipui.distpackage;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The distro's software bill of materials in CycloneDX 1.5 JSON: every source it is built from (version, license,
 * download URL, purl and the sha256 of the archive, plus the file actually used when that was an accepted
 * alternative), the digest of each arch's resolved kernel configuration, and every published file with its sha256
 * and size. The text depends only on its inputs (fixed order, the build's output timestamp, a serial number derived
 * from the content), so the same build gives the same bytes.
 */
public final class Sbom {
    /** A source archive the distro is built from. {@code usedFile}/{@code usedSha256}: the file actually verified. */
    public record Component(String name, String version, String license, String url, String file, String sha256,
            String usedFile, String usedSha256) {
    }

    /** A published file: a Maven artifact ({@code within} null) or a member of one. */
    public record PublishedFile(String name, String arch, String classifier, String within, String sha256, long size) {
    }

    private final String groupId;
    private final String artifactId;
    private final String version;
    private final Instant timestamp;
    private final List<Component> components = new ArrayList<>();
    private final Map<String, String> kernelConfigs = new TreeMap<>();
    private final List<PublishedFile> files = new ArrayList<>();

    public Sbom(String groupId, String artifactId, String version, Instant timestamp) {
        this.groupId = groupId;
        this.artifactId = artifactId;
        this.version = version;
        this.timestamp = timestamp;
    }

    public Sbom component(Component c) {
        components.add(c);
        return this;
    }

    public Sbom kernelConfig(String arch, String sha256) {
        kernelConfigs.put(arch, sha256);
        return this;
    }

    public Sbom file(PublishedFile f) {
        files.add(f);
        return this;
    }

    /** The package URL of a source: generic, with its download URL and checksum as qualifiers. */
    static String purl(Component c) {
        return "pkg:generic/" + enc(c.name()) + "@" + enc(c.version()) + "?checksum=sha256:" + c.sha256()
                + "&download_url=" + enc(c.url());
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public String json() {
        String body = body();
        String serial = UUID.nameUUIDFromBytes(body.getBytes(StandardCharsets.UTF_8)).toString();
        return "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.5\",\n  \"serialNumber\": \"urn:uuid:" + serial
                + "\",\n  \"version\": 1,\n" + body + "}\n";
    }

    private String body() {
        StringBuilder sb = new StringBuilder();
        String distroRef = "pkg:maven/" + groupId + "/" + artifactId + "@" + version;
        sb.append("  \"metadata\": {\n    \"timestamp\": ").append(str(timestamp.toString())).append(",\n");
        sb.append("    \"component\": {\"type\": \"operating-system\", \"bom-ref\": ").append(str(distroRef))
                .append(", \"group\": ").append(str(groupId)).append(", \"name\": ").append(str(artifactId))
                .append(", \"version\": ").append(str(version)).append(", \"purl\": ").append(str(distroRef));
        sb.append(", \"properties\": [");
        List<String> props = new ArrayList<>();
        kernelConfigs.forEach((arch, sha) -> props.add(prop("puipui:kernel-config-sha256:" + arch, sha)));
        sb.append(String.join(", ", props)).append("]}\n  },\n");
        sb.append("  \"components\": [\n");
        List<String> items = new ArrayList<>();
        for (Component c : components) {
            StringBuilder i = new StringBuilder("    {\"type\": \"").append(c.name().equals("linux") ? "operating-system" : "library")
                    .append("\", \"bom-ref\": ").append(str("source:" + c.name())).append(", \"name\": ").append(str(c.name()))
                    .append(", \"version\": ").append(str(c.version()));
            if (c.license() != null && !c.license().isBlank()) {
                i.append(", \"licenses\": [").append(c.license().contains(" ")
                        ? "{\"expression\": " + str(c.license()) + "}" : "{\"license\": {\"id\": " + str(c.license()) + "}}").append("]");
            }
            i.append(", \"purl\": ").append(str(purl(c)));
            i.append(", \"externalReferences\": [{\"type\": \"distribution\", \"url\": ").append(str(c.url()))
                    .append(", \"hashes\": [").append(hash(c.sha256())).append("]}]");
            i.append(", \"properties\": [").append(prop("puipui:source-file", c.file()));
            if (!c.usedFile().equals(c.file()) || !c.usedSha256().equals(c.sha256())) {
                i.append(", ").append(prop("puipui:verified-alternative", c.usedFile() + " sha256 " + c.usedSha256()));
            }
            items.add(i.append("]}").toString());
        }
        for (PublishedFile f : files) {
            StringBuilder i = new StringBuilder("    {\"type\": \"file\", \"bom-ref\": ")
                    .append(str("file:" + (f.within() == null ? "" : f.within() + "!/") + f.name()))
                    .append(", \"name\": ").append(str(f.name())).append(", \"hashes\": [").append(hash(f.sha256())).append("]")
                    .append(", \"properties\": [").append(prop("puipui:arch", f.arch())).append(", ")
                    .append(prop("puipui:classifier", f.classifier())).append(", ").append(prop("puipui:size", Long.toString(f.size())));
            if (f.within() != null) {
                i.append(", ").append(prop("puipui:within", f.within()));
            }
            items.add(i.append("]}").toString());
        }
        sb.append(String.join(",\n", items)).append("\n  ],\n");
        sb.append("  \"dependencies\": [{\"ref\": ").append(str(distroRef)).append(", \"dependsOn\": [");
        List<String> refs = new ArrayList<>();
        components.forEach(c -> refs.add(str("source:" + c.name())));
        sb.append(String.join(", ", refs)).append("]}]\n");
        return sb.toString();
    }

    private static String hash(String sha256) {
        return "{\"alg\": \"SHA-256\", \"content\": " + str(sha256) + "}";
    }

    private static String prop(String name, String value) {
        return "{\"name\": " + str(name) + ", \"value\": " + str(value) + "}";
    }

    /** A JSON string literal. */
    static String str(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
