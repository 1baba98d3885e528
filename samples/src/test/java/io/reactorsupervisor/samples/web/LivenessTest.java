package io.reactorsupervisor.samples.web;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.reactorsupervisor.samples.shop.Shop;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Liveness through the starter: a tree that ends while the application runs turns the
 * liveness probe DOWN (503), which is what makes Kubernetes restart the pod. Its own
 * application context, since the tree does not come back.
 */
@SpringBootTest(classes = DashboardApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"dashboard.feed-interval=0", "logging.level.root=OFF"})
@AutoConfigureWebTestClient
class LivenessTest {

    @Autowired
    WebTestClient client;

    @Autowired
    Shop shop;

    @Test
    void aTreeThatEndsWhileTheApplicationRunsTurnsLivenessDown() {
        client.get().uri("/actuator/health/liveness").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");

        shop.root().shutdown(Duration.ofSeconds(2)).block(Duration.ofSeconds(10));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> client.get().uri("/actuator/health/liveness")
                .exchange()
                .expectStatus().isEqualTo(503)
                .expectBody()
                .jsonPath("$.status").isEqualTo("DOWN")
                .jsonPath("$.components.livenessState.status").isEqualTo("DOWN")
                .jsonPath("$.components.reactorSupervisor.details.state").isEqualTo("STOPPED"));
        client.get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503);
    }
}
