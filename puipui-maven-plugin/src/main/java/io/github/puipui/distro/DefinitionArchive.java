package io.github.puipui.distro;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import io.github.puipui.fetch.Source;
import io.github.puipui.files.ConfinedPaths;
import io.github.puipui.files.FileTrees;
import io.github.puipui.files.ReproducibleTar;
import io.github.puipui.userland.Component;

/**
 * A distro's definition as one reproducible tarball, published beside its images so that other distros can derive
 * from it. Under a single top directory {@code distro/}:
 * <pre>
 * distro.xml                         sources, components, file modes, output timestamp (the POM's element names)
 * kconfig/&lt;arch&gt;.config              each arch's kernel config, fragments merged
 * fs/                                the root file system template, overlays applied, removals left out
 * components/&lt;name&gt;/config           a component's config file
 * components/&lt;name&gt;/patches/NN-*     its patch series, in order
 * components/&lt;name&gt;/source/          the files of a component built from a directory of its project
 * </pre>
 */
public final class DefinitionArchive {
    public static final String TOP = "distro";
    /**
     * The format this plugin writes. 2 added a component's {@code <staging>}, {@code <configureScript>},
     * {@code <sourceDirectory>} (its files under {@code components/<name>/source/}), {@code <links>} and
     * {@code <linkLists>}, and the cmake, meson and make recipes; 3 added {@code <binaries>}, the digest and the steps
     * of each arch's published binaries ({@link DistroBinaries}). This plugin reads 1 to 3, and refuses an element
     * it does not know, so that a definition made by a newer plugin fails clearly instead of building something else.
     */
    public static final int FORMAT = 3;

    private DefinitionArchive() {
    }

    /**
     * Writes the definition of {@code d} (with these arches' kernel configs, and the index of each arch's published
     * binaries) to {@code target}, atomically.
     */
    public static void write(DistroDefinition d, List<String> archIds, List<DistroBinaries.Index> binaries, Path target,
            long mtime) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        Map<String, Path> tree = new TreeMap<>();
        Map<String, Integer> modes = new TreeMap<>();
        for (String arch : archIds) {
            files.put("kconfig/" + arch + ".config", d.kconfigText(arch).getBytes(StandardCharsets.UTF_8));
        }
        for (Path layer : d.fsLayers()) {
            collect(layer, "fs", tree);
        }
        for (String removed : d.removedFiles()) {
            String p = "fs" + removed;
            tree.keySet().removeIf(k -> k.equals(p) || k.startsWith(p + "/"));
        }
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<distro format=\"" + FORMAT + "\">\n");
        if (d.outputTimestamp() != null) {
            element(xml, 1, "outputTimestamp", d.outputTimestamp());
        }
        list(xml, 1, "fileModes", "fileMode", d.fileModes());
        xml.append("  <sources>\n");
        for (Source s : d.sources()) {
            xml.append("    <source>\n");
            element(xml, 3, "name", s.name());
            element(xml, 3, "version", s.version());
            element(xml, 3, "license", s.license());
            element(xml, 3, "file", s.file());
            element(xml, 3, "url", s.url());
            element(xml, 3, "sha256", s.sha256());
            element(xml, 3, "debian", s.debian());
            if (!s.alternatives().isEmpty()) {
                xml.append("      <alternatives>\n");
                for (Source.Alternative a : s.alternatives()) {
                    xml.append("        <alternative>\n");
                    element(xml, 5, "file", a.file());
                    element(xml, 5, "sha256", a.sha256());
                    xml.append("        </alternative>\n");
                }
                xml.append("      </alternatives>\n");
            }
            xml.append("    </source>\n");
        }
        xml.append("  </sources>\n  <components>\n");
        for (Component c : d.components()) {
            xml.append("    <component>\n");
            element(xml, 3, "name", c.name());
            element(xml, 3, "source", c.declaredSource());
            element(xml, 3, "recipe", c.recipe());
            String dir = "components/" + c.name() + "/";
            if (c.config() != null) {
                element(xml, 3, "config", dir + "config");
                files.put(dir + "config", Files.readAllBytes(Path.of(c.config())));
            }
            List<String> patches = new ArrayList<>();
            for (int i = 0; i < c.patches().size(); i++) {
                Path p = Path.of(c.patches().get(i));
                String name = dir + "patches/" + String.format("%02d-", i + 1) + p.getFileName();
                patches.add(name);
                files.put(name, Files.readAllBytes(p));
            }
            list(xml, 3, "patches", "patch", patches);
            list(xml, 3, "dependsOn", "dependsOn", c.dependsOn());
            list(xml, 3, "configureArgs", "arg", c.configureArgs());
            if (!c.configureEnv().isEmpty()) {
                xml.append("      <configureEnv>\n");
                for (Map.Entry<String, String> e : new TreeMap<>(c.configureEnv()).entrySet()) {
                    if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                        throw new IllegalArgumentException("component " + c.name() + ": configureEnv name '" + e.getKey() + "'");
                    }
                    element(xml, 4, e.getKey(), e.getValue());
                }
                xml.append("      </configureEnv>\n");
            }
            list(xml, 3, "makeArgs", "arg", c.makeArgs());
            list(xml, 3, "installs", "install", c.installs());
            list(xml, 3, "options", "option", c.options());
            if (c.staging() != null) {
                element(xml, 3, "staging", Boolean.toString(c.stagesLibrary()));
            }
            element(xml, 3, "configureScript", c.configureScript());
            if (c.sourceDirectory() != null) {
                String src = dir + "source";
                element(xml, 3, "sourceDirectory", src);
                for (FileTrees.Entry f : FileTrees.list(Path.of(c.sourceDirectory()))) {
                    tree.put(src + "/" + f.relative(), f.path());
                }
            }
            list(xml, 3, "links", "link", c.links());
            list(xml, 3, "linkLists", "linkList", c.linkLists());
            xml.append("    </component>\n");
        }
        xml.append("  </components>\n");
        if (!binaries.isEmpty()) {
            xml.append("  <binaries>\n");
            for (DistroBinaries.Index b : binaries) {
                xml.append("    <binary>\n");
                element(xml, 3, "arch", b.arch());
                element(xml, 3, "sha256", b.sha256());
                list(xml, 3, "steps", "step", b.lines());
                xml.append("    </binary>\n");
            }
            xml.append("  </binaries>\n");
        }
        xml.append("</distro>\n");
        files.put("distro.xml", xml.toString().getBytes(StandardCharsets.UTF_8));
        for (String f : files.keySet()) {
            modes.put(f, 0644);
        }

        ReproducibleTar.write(target, TOP, tree, files, mtime);
    }

    /** Adds every file, link and directory under {@code root} to {@code tree} as {@code prefix/relative path}. */
    private static void collect(Path root, String prefix, Map<String, Path> tree) throws IOException {
        for (FileTrees.Entry e : FileTrees.list(root)) {
            tree.put(prefix + "/" + e.relative(), e.path());
        }
    }

    private static void element(StringBuilder xml, int depth, String name, String value) {
        if (value != null) {
            xml.append("  ".repeat(depth)).append('<').append(name).append('>').append(escape(value))
                    .append("</").append(name).append(">\n");
        }
    }

    private static void list(StringBuilder xml, int depth, String name, String item, List<String> values) {
        if (values.isEmpty()) {
            return;
        }
        xml.append("  ".repeat(depth)).append('<').append(name).append(">\n");
        for (String v : values) {
            element(xml, depth + 1, item, v);
        }
        xml.append("  ".repeat(depth)).append("</").append(name).append(">\n");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Reads the definition extracted at {@code dir} (the archive's top directory); its files stay there. */
    public static DistroDefinition read(Path dir) throws IOException {
        Path xmlFile = dir.resolve("distro.xml");
        Element root = parse(xmlFile);

        List<Source> sources = new ArrayList<>();
        for (Element s : children(child(root, "sources"))) {
            known(xmlFile, s, "name", "version", "license", "file", "url", "sha256", "debian", "alternatives");
            List<Source.Alternative> alternatives = new ArrayList<>();
            for (Element a : children(child(s, "alternatives"))) {
                alternatives.add(new Source.Alternative(text(a, "file"), text(a, "sha256")));
            }
            Source src = new Source(text(s, "name"), text(s, "version"), text(s, "file"), text(s, "url"),
                    text(s, "sha256"), text(s, "license"), text(s, "debian"), alternatives);
            sources.add(src);
        }
        List<Component> components = new ArrayList<>();
        for (Element e : children(child(root, "components"))) {
            // a base's definition is not pinned: what it names must stay inside it
            known(xmlFile, e, "name", "source", "recipe", "config", "patches", "dependsOn", "configureArgs",
                    "configureEnv", "makeArgs", "installs", "options", "staging", "configureScript", "sourceDirectory",
                    "links", "linkLists");
            String name = ConfinedPaths.identifier("the base's component name", text(e, "name"));
            String config = text(e, "config");
            if (config != null) {
                ConfinedPaths.inside(dir, "the base's component " + name + ": config", config);
            }
            String sourceDirectory = text(e, "sourceDirectory");
            if (sourceDirectory != null) {
                ConfinedPaths.inside(dir, "the base's component " + name + ": sourceDirectory", sourceDirectory);
            }
            List<String> patches = texts(e, "patches");
            for (String patch : patches) {
                ConfinedPaths.inside(dir, "the base's component " + name + ": patch", patch);
            }
            java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
            for (Element v : children(child(e, "configureEnv"))) {
                env.put(v.getTagName(), v.getTextContent());
            }
            String staging = text(e, "staging");
            if (staging != null && !staging.equals("true") && !staging.equals("false")) {
                throw new IllegalArgumentException("the base's component " + name + ": <staging> is '" + staging
                        + "', not true or false");
            }
            Component c = new Component(name, text(e, "source"), text(e, "recipe"), config, patches,
                    texts(e, "dependsOn"), texts(e, "configureArgs"), env, texts(e, "makeArgs"), texts(e, "installs"),
                    texts(e, "options"), staging == null ? null : Boolean.valueOf(staging), text(e, "configureScript"),
                    sourceDirectory, texts(e, "links"), texts(e, "linkLists"));
            components.add(c.resolvedAgainst(dir));
        }
        DistroDefinition d = DistroDefinition.of(sources, components, dir.resolve("kconfig"), dir.resolve("fs"),
                texts(root, "fileModes"));
        return new DistroDefinition(d.sources(), d.components(), d.kconfigFiles(), List.of(), d.fsLayers(), List.of(),
                d.fileModes(), text(root, "outputTimestamp"));
    }

    /**
     * The index of each arch's published binaries in the definition extracted at {@code dir}, by arch; empty for a
     * definition without (format 1 and 2, or a distro that published none).
     */
    public static Map<String, DistroBinaries.Index> readBinaries(Path dir) throws IOException {
        Path xmlFile = dir.resolve("distro.xml");
        Map<String, DistroBinaries.Index> out = new TreeMap<>();
        for (Element b : children(child(parse(xmlFile), "binaries"))) {
            known(xmlFile, b, "arch", "sha256", "steps");
            String arch = ConfinedPaths.identifier("the base's binaries arch", text(b, "arch"));
            if (out.put(arch, DistroBinaries.Index.of(arch, text(b, "sha256"), texts(b, "steps"))) != null) {
                throw new IOException(xmlFile + ": the binaries of " + arch + " are listed twice");
            }
        }
        return out;
    }

    private static Element parse(Path xmlFile) throws IOException {
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            javax.xml.parsers.DocumentBuilder builder = f.newDocumentBuilder();
            builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() {
                @Override
                public void fatalError(org.xml.sax.SAXParseException e) throws org.xml.sax.SAXException {
                    throw e;
                }
            });
            doc = builder.parse(xmlFile.toFile());
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new IOException("cannot read " + xmlFile + ": " + e.getMessage(), e);
        }
        Element root = doc.getDocumentElement();
        if (!"distro".equals(root.getTagName()) || !List.of("1", "2", "3").contains(root.getAttribute("format"))) {
            throw new IOException(xmlFile + " is not a distro definition of format 1 to " + FORMAT
                    + " (a newer plugin may be needed to derive from it)");
        }
        known(xmlFile, root, "outputTimestamp", "fileModes", "sources", "components", "binaries");
        return root;
    }

    /** Refuses a child element of {@code parent} that is none of {@code names}: a newer plugin's definition. */
    private static void known(Path xmlFile, Element parent, String... names) throws IOException {
        for (Element e : children(parent)) {
            if (!List.of(names).contains(e.getTagName())) {
                throw new IOException(xmlFile + ": <" + parent.getTagName() + "> has an element this plugin does not"
                        + " know, <" + e.getTagName() + "> (a newer plugin may be needed to derive from it)");
            }
        }
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        if (parent != null) {
            for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent();
    }

    private static List<String> texts(Element parent, String name) {
        return children(child(parent, name)).stream().map(Element::getTextContent).toList();
    }
}
