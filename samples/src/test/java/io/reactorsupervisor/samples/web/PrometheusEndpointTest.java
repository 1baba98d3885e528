package io.reactorsupervisor.samples.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.samples.shop.Shop;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The shop's meters in the actuator's Prometheus scrape, after an order went through. */
@DashboardTest
class PrometheusEndpointTest {

    @Autowired
    Shop shop;

    @Autowired
    WebTestClient client;

    private String scrape() {
        return client.get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk()
                .expectHeader().value("Content-Type", type -> assertThat(type).startsWith("text/plain"))
                .expectBody(String.class).returnResult().getResponseBody();
    }

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        assertThat(m.find()).as("the scrape has a line for %s:%n%s", series, scrape).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void theScrapeHasTheShopsMetersWithTheirValues() {
        // the context is shared with other tests, which crash and restart components
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Shop.COMPONENTS.stream()
                .allMatch(p -> shop.component(p).state() == ComponentState.RUNNING))
                .as("every component running:%n%s", shop.snapshot().render()).isTrue());
        client.post().uri("/api/orders").contentType(MediaType.TEXT_PLAIN).bodyValue("9101,kiwi,2").exchange()
                .expectStatus().isAccepted();
        String scrape = scrape();

        assertThat(value(scrape, "reactor_supervisor_component_handled_total{app=\"shop\",component=\"shop/ingest\","
                + "supervisor_strategy=\"one_for_one\"}")).isGreaterThanOrEqualTo(1);
        assertThat(value(scrape, "reactor_supervisor_component_handling_seconds_count{app=\"shop\","
                + "component=\"shop/pipeline/parse\",outcome=\"success\",supervisor_strategy=\"rest_for_one\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(value(scrape, "reactor_supervisor_component_state{app=\"shop\",component=\"shop/pipeline/store\","
                + "state=\"running\",supervisor_strategy=\"rest_for_one\"}")).isEqualTo(1);
        assertThat(value(scrape, "reactor_supervisor_component_mailbox_capacity{app=\"shop\","
                + "component=\"shop/ingest\",supervisor_strategy=\"one_for_one\"}")).isEqualTo(16);
        assertThat(value(scrape, "reactor_supervisor_component_breaker_state{app=\"shop\",breaker=\"pricing\","
                + "component=\"shop/pricing\",state=\"closed\",supervisor_strategy=\"one_for_one\"}")).isEqualTo(1);
        assertThat(value(scrape, "reactor_supervisor_component_dead_letters_total{app=\"shop\","
                + "component=\"shop/ingest\",reason=\"mailbox_full\",supervisor_strategy=\"one_for_one\"}"))
                .isGreaterThanOrEqualTo(0);
        // the observations, through Spring Boot's observation registry and its meter handler
        assertThat(scrape).contains("reactor_supervisor_ask_seconds_count{component=\"shop/pipeline/parse\"");
    }
}
