package io.reactorsupervisor.samples.web;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.samples.shop.Shop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The children's readiness in Actuator's readiness group (the starter's
 * {@code reactorSupervisorReadiness}), as Kubernetes' readiness probe reads it: 503 while a child
 * restarts, with its path and reason, 200 once it runs again; liveness stays UP meanwhile.
 */
@DashboardTest
class ReadinessProbeTest {

    @Autowired
    WebTestClient client;

    @Autowired
    Shop shop;

    @AfterEach
    void settled() {
        await().atMost(Duration.ofSeconds(30)).until(() -> Shop.COMPONENTS.stream()
                .allMatch(p -> shop.component(p).state() == ComponentState.RUNNING));
    }

    @Test
    void readinessIsOutOfServiceWhileAChildRestartsWithItsReason() {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> client.get().uri("/actuator/health/readiness")
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.components.reactorSupervisorReadiness.status").isEqualTo("UP"));

        shop.component(Shop.INGEST).tell(shop.chaos().crashCommand()); // 1.5 s restart delay

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> client.get().uri("/actuator/health/readiness")
                .exchange().expectStatus().isEqualTo(503).expectBody()
                .jsonPath("$.status").isEqualTo("OUT_OF_SERVICE")
                .jsonPath("$.components.reactorSupervisorReadiness.details.notReady['" + Shop.INGEST + "']")
                .isEqualTo("RESTARTING"));
        client.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> client.get().uri("/actuator/health/readiness")
                .exchange().expectStatus().isOk());
    }
}
