package io.reactorsupervisor.samples.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.SupervisorSnapshot;
import io.reactorsupervisor.samples.shop.Shop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Promises of README.md's "The dashboard" section that {@link DashboardApiTest},
 * {@link ActionsDisabledTest} and the browser tests do not check, over HTTP.
 */
@DashboardTest
class DashboardPromisesTest {

    @Autowired
    WebTestClient client;

    @Autowired
    Shop shop;

    @BeforeEach
    void asThePage() {
        client = client.mutate().defaultHeader(ShopController.ACTION_HEADER, ShopController.ACTION_HEADER_VALUE).build();
    }

    @AfterEach
    void settled() {
        await().atMost(Duration.ofSeconds(30)).until(() -> Shop.COMPONENTS.stream()
                .allMatch(p -> shop.component(p).state() == ComponentState.RUNNING));
    }

    /**
     * "The page is static HTML and plain JavaScript (no front-end build); its charts are uPlot,
     * served from the {@code org.webjars.npm:uplot} WebJar."
     */
    @Test
    void thePageIsStaticHtmlAndItsChartsLibraryIsServedFromTheWebJar() {
        client.get().uri("/").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectBody(String.class).value(html -> assertThat(html)
                        .contains("/webjars/uplot/dist/uPlot.iife.min.js")
                        .contains("/webjars/uplot/dist/uPlot.min.css")
                        .contains("dashboard.js"));
        client.get().uri("/webjars/uplot/dist/uPlot.iife.min.js").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(js -> assertThat(js).contains("uPlot"));
        client.get().uri("/webjars/uplot/dist/uPlot.min.css").exchange().expectStatus().isOk();
        client.get().uri("/dashboard.js").exchange().expectStatus().isOk();
    }

    /**
     * "{@code GET /api/shop}: order counts, the breaker's state, whether the pricing outage is on"
     * and "{@code POST /api/faults/pricing-outage?down=true|false}: action: the pricing backend
     * fails every call, or not".
     */
    @Test
    void theShopEndpointShowsOrderCountsTheBreakerAndThePricingOutageWhichItsActionSwitches() {
        try {
            client.post().uri("/api/faults/pricing-outage?down=true").exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.pricingOutage").isEqualTo(true);
            assertThat(shop.faults().pricingDown()).isTrue();
            client.get().uri("/api/shop").exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.pricingOutage").isEqualTo(true)
                    .jsonPath("$.breaker").isEqualTo(shop.breaker().getState().name())
                    .jsonPath("$.accepted").isNumber()
                    .jsonPath("$.rejected").isNumber()
                    .jsonPath("$.quarantined").isNumber()
                    .jsonPath("$.stored").isNumber()
                    .jsonPath("$.degraded").isNumber();
        } finally {
            client.post().uri("/api/faults/pricing-outage?down=false").exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.pricingOutage").isEqualTo(false);
        }
        assertThat(shop.faults().pricingDown()).isFalse();
        client.get().uri("/api/shop").exchange()
                .expectBody().jsonPath("$.pricingOutage").isEqualTo(false);
    }

    /**
     * "{@code POST /api/children/restart?path=…}: action: {@code restartChild} on a component or a
     * nested supervisor".
     */
    @Test
    void restartingANestedSupervisorsPathRestartsThatSupervisor() {
        long before = pipeline().restarts();
        client.post().uri("/api/children/restart?path=" + Shop.PIPELINE).exchange()
                .expectStatus().isAccepted()
                .expectBody()
                .jsonPath("$.path").isEqualTo(Shop.PIPELINE)
                .jsonPath("$.restarted").isEqualTo(List.of(Shop.PIPELINE));
        await().atMost(Duration.ofSeconds(10)).until(() -> pipeline().restarts() == before + 1);
    }

    private SupervisorSnapshot pipeline() {
        return (SupervisorSnapshot) shop.snapshot().child("pipeline");
    }

    /**
     * "{@code MessageCrashedException}: 500, with the component and the cause's message".
     */
    @Test
    void aRequestThatCrashesAComponentIs500NamingTheComponentAndTheCausesMessage() {
        await().atMost(Duration.ofSeconds(15)).until(() -> shop.parse().state() == ComponentState.RUNNING);
        client.post().uri("/api/parse").contentType(MediaType.TEXT_PLAIN).bodyValue("16,f\u0002ig,3").exchange()
                .expectStatus().isEqualTo(500)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.problem").isEqualTo("message-crashed")
                .jsonPath("$.component").isEqualTo(Shop.PARSE)
                .jsonPath("$.cause").isEqualTo("WebAssembly trap UNREACHABLE in 'handle'");
    }

    /**
     * "{@code GET /api/dead-letters?path=…&limit=…}: the last dead letters (up to 200 kept), newest
     * first, optionally of one component", each with "the message as the shop describes it
     * (quoted, cut at 40 characters ...)".
     */
    @Test
    void deadLettersComeNewestFirstWithTheMessageQuotedAndCut() {
        await().atMost(Duration.ofSeconds(15)).until(() -> shop.parse().state() == ComponentState.RUNNING);
        String older = "9301," + "a".repeat(2_000) + ",1";
        String newer = "9302," + "b".repeat(2_000) + ",1";
        for (String line : List.of(older, newer)) {
            client.post().uri("/api/parse").contentType(MediaType.TEXT_PLAIN).bodyValue(line).exchange()
                    .expectStatus().isEqualTo(422);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> client.get()
                .uri("/api/dead-letters?path=" + Shop.PARSE + "&limit=2").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.length()").isEqualTo(2)
                .jsonPath("$[0].reason").isEqualTo("REJECTED")
                .jsonPath("$[0].message").isEqualTo("\"" + newer.substring(0, 40) + "...\"")
                .jsonPath("$[1].message").isEqualTo("\"" + older.substring(0, 40) + "...\""));
        client.get().uri("/api/dead-letters?limit=200").exchange().expectStatus().isOk();
    }
}
