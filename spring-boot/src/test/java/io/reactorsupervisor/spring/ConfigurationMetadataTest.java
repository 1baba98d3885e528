package io.reactorsupervisor.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The jar carries the metadata an IDE completes {@code reactor-supervisor.*} keys from. */
class ConfigurationMetadataTest {

    @Test
    void everyKeyIsDescribed() throws IOException {
        String metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(metadata).contains("\"reactor-supervisor.root.strategy\"", "\"reactor-supervisor.defaults.restart.strategy\"",
                "\"reactor-supervisor.defaults.mailbox.capacity\"", "\"reactor-supervisor.defaults.health-check.interval\"",
                "\"reactor-supervisor.defaults.processing-timeout\"", "\"reactor-supervisor.components\"",
                "\"reactor-supervisor.shutdown-deadline\"", "\"reactor-supervisor.metrics.enabled\"",
                "\"reactor-supervisor.metrics.tags\"", "\"reactor-supervisor.metrics.observations\"",
                "\"management.health.reactor-supervisor.enabled\"",
                "\"management.health.reactor-supervisor-readiness.enabled\"");
    }

    /**
     * An IDE shows each description as it is: the configuration processor copies the javadoc of
     * {@link SupervisorProperties} without rendering it, so a javadoc tag would show raw. Spring
     * Boot's own descriptions are sentences: a capital first, a period last.
     */
    @Test
    void everyDescriptionIsAPlainSentence() throws IOException {
        String metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher m = Pattern
                .compile("\"name\"\\s*:\\s*\"([^\"]+)\"[^{}]*?\"description\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")
                .matcher(metadata);
        Map<String, String> descriptions = new TreeMap<>();
        while (m.find()) {
            if (m.group(1).startsWith("reactor-supervisor") || m.group(1).startsWith("management.health.reactor-supervisor")) {
                descriptions.put(m.group(1), m.group(2));
            }
        }
        assertThat(descriptions).containsKeys("reactor-supervisor.components", "reactor-supervisor.defaults.policy",
                "reactor-supervisor.metrics.tags", "reactor-supervisor.shutdown-deadline",
                "reactor-supervisor.defaults.health-check.unhealthy-after");
        assertThat(descriptions).allSatisfy((name, description) -> assertThat(description).as(name)
                .doesNotContain("{@").matches("[A-Z].*\\.").doesNotContain("<"));
    }
}
