package io.reactorsupervisor.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

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
}
