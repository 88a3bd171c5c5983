package io.github.puipui.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The site's page on the puipui-distro packaging shows exactly the bindings of its lifecycle mapping. */
class LifecyclePageTest {
    @Test
    void thePackagingPageListsEveryBindingOfTheLifecycleMapping() throws Exception {
        Element phases = (Element) DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Path.of("src/main/resources/META-INF/plexus/components.xml").toFile())
                .getElementsByTagName("phases").item(0);
        List<String> expected = new ArrayList<>();
        NodeList children = phases.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            Node phase = children.item(i);
            if (phase.getNodeType() != Node.ELEMENT_NODE) {
                continue;
            }
            for (String binding : phase.getTextContent().split(",")) {
                String[] gav = binding.trim().split(":"); // groupId:artifactId:version:goal
                String plugin = gav[1].startsWith("maven-") && gav[1].endsWith("-plugin")
                        ? gav[1].substring(6, gav[1].length() - 7) : "puipui";
                String row = "| " + phase.getNodeName() + " | `" + plugin + ":" + gav[3] + "`";
                expected.add(plugin.equals("puipui") ? row : row + " (" + gav[1] + " " + gav[2] + ")");
            }
        }
        List<String> rows = Files.readAllLines(Path.of("src/site/markdown/lifecycle.md")).stream()
                .filter(l -> l.startsWith("| ") && !l.startsWith("| phase") && !l.startsWith("|---")).toList();
        assertEquals(expected.size(), rows.size(), "one row per binding: " + rows);
        for (int i = 0; i < rows.size(); i++) {
            assertTrue(rows.get(i).startsWith(expected.get(i)), "row " + (i + 1) + " is " + rows.get(i) + ", expected "
                    + expected.get(i));
        }
    }
}
