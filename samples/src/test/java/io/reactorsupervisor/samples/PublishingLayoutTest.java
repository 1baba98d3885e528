package io.reactorsupervisor.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What a user of the published artifacts relies on, read from the build itself: the BOM names every
 * library module at the parent's version, every library module has a stable module name, and the
 * modules that are not libraries are never installed or deployed. (That {@code mvn verify} attaches
 * sources and javadoc jars is checked by {@code .ci/run} after the build.)
 */
class PublishingLayoutTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Set<String> NOT_LIBRARIES = Set.of("bom", "samples", "benchmarks");

    @Test
    void theBomPinsEveryLibraryModuleAtTheParentsVersionAndNothingElse() throws Exception {
        Document parent = read(ROOT.resolve("pom.xml"));
        Document bom = read(ROOT.resolve("bom/pom.xml"));

        assertThat(bom.getDocumentElement().getElementsByTagName("parent").getLength())
                .as("the BOM has no parent, so that it hands out no versions but the library's")
                .isZero();
        assertThat(child(bom.getDocumentElement(), "version")).isEqualTo(child(parent.getDocumentElement(), "version"));

        Set<String> libraries = new TreeSet<>();
        for (String module : modules(parent)) {
            if (!NOT_LIBRARIES.contains(module)) {
                libraries.add(child(read(ROOT.resolve(module).resolve("pom.xml")).getDocumentElement(), "artifactId"));
            }
        }
        Set<String> pinned = new TreeSet<>();
        NodeList dependencies = bom.getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            assertThat(child(dependency, "groupId")).isEqualTo("io.reactorsupervisor");
            assertThat(child(dependency, "version")).isEqualTo("${project.version}");
            pinned.add(child(dependency, "artifactId"));
        }
        assertThat(pinned).isEqualTo(libraries).contains("reactor-supervisor");
    }

    @Test
    void everyLibraryModuleNamesItsJavaModuleAndTheOthersAreNeverPublished() throws Exception {
        for (String module : modules(read(ROOT.resolve("pom.xml")))) {
            if (module.equals("bom")) {
                continue;
            }
            Element properties = firstChild(read(ROOT.resolve(module).resolve("pom.xml")).getDocumentElement(), "properties");
            assertThat(properties).as(module + " has properties").isNotNull();
            assertThat(child(properties, "automatic-module-name"))
                    .as(module + "'s Automatic-Module-Name")
                    .matches("io\\.reactorsupervisor(\\.[a-z][a-z0-9]*)*");
            String skipped = NOT_LIBRARIES.contains(module) ? "true" : null;
            for (String skip : List.of("maven.install.skip", "maven.deploy.skip", "maven.source.skip", "maven.javadoc.skip")) {
                assertThat(child(properties, skip)).as(module + " " + skip).isEqualTo(skipped);
            }
        }
    }

    private static List<String> modules(Document parent) {
        List<String> modules = new ArrayList<>();
        NodeList nodes = parent.getElementsByTagName("module");
        for (int i = 0; i < nodes.getLength(); i++) {
            modules.add(nodes.item(i).getTextContent().trim());
        }
        assertThat(modules).contains("reactor-supervisor", "bom", "samples", "benchmarks");
        return modules;
    }

    private static Document read(Path pom) throws Exception {
        assertThat(pom).exists();
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        try (var in = Files.newInputStream(pom)) {
            return factory.newDocumentBuilder().parse(in);
        }
    }

    private static Element firstChild(Element element, String name) {
        for (Node node = element.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element && node.getNodeName().equals(name)) {
                return (Element) node;
            }
        }
        return null;
    }

    private static String child(Element element, String name) {
        Element child = firstChild(element, name);
        return child == null ? null : child.getTextContent().trim();
    }
}
