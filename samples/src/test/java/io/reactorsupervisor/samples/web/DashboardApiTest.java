package io.reactorsupervisor.samples.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Objects;

import io.reactorsupervisor.ComponentSnapshot;
import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.Directive;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.samples.shop.Shop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * The dashboard's endpoints over HTTP, against the running application: each failure of a
 * call to a component answers with its HTTP status.
 */
@DashboardTest
class DashboardApiTest {

    @Autowired
    WebTestClient client;

    /** The page sends it with every action; without it the server refuses them (see actionsNeedThePagesHeader). */
    /**
     * The tests share one application: each leaves every component running (a crash or a root
     * restart takes a restart delay to settle), so that the next one, here or in another class
     * of the same context, starts from a calm shop.
     */
    @AfterEach
    void settled() {
        await().atMost(Duration.ofSeconds(30)).until(() -> Shop.COMPONENTS.stream()
                .allMatch(p -> shop.component(p).state() == ComponentState.RUNNING));
    }

    @BeforeEach
    void asThePage() {
        client = client.mutate().defaultHeader(ShopController.ACTION_HEADER, ShopController.ACTION_HEADER_VALUE).build();
    }

    @Autowired
    Shop shop;

    @Test
    void theTreeIsTheSnapshotAsJson() {
        client.get().uri("/api/tree").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.name").isEqualTo("shop")
                .jsonPath("$.kind").isEqualTo("supervisor")
                .jsonPath("$.strategy").isEqualTo("ONE_FOR_ONE")
                .jsonPath("$.children[*].name").isEqualTo(java.util.List.of("pricing", "pipeline", "ingest"))
                .jsonPath("$.children[0].circuitBreakers.pricing").exists()
                .jsonPath("$.children[1].strategy").isEqualTo("REST_FOR_ONE")
                .jsonPath("$.children[1].children[*].name").isEqualTo(java.util.List.of("store", "price", "parse"))
                .jsonPath("$.children[1].children[0].mailboxDepth").isNumber()
                .jsonPath("$.children[1].children[0].hangable").isEqualTo(true)
                .jsonPath("$.children[1].children[2].hangable").isEqualTo(false);
    }

    @Test
    void anOrderLineGoesThroughThePipelineTo202AndIntoTheBook() {
        client.post().uri("/api/orders").contentType(MediaType.TEXT_PLAIN).bodyValue("9001,kiwi,2").exchange()
                .expectStatus().isAccepted()
                .expectBody()
                .jsonPath("$.outcome").isEqualTo("accepted 9001");
        await().atMost(Duration.ofSeconds(5)).until(() -> shop.book().get("9001") != null);
        assertThat(shop.book().get("9001")).isEqualTo("9001,KIWI,2,50,quoted");
    }

    @Test
    void anInvalidOrderLineIs422WithTheParsersReason() {
        client.post().uri("/api/orders").contentType(MediaType.TEXT_PLAIN).bodyValue("9002,kiwi").exchange()
                .expectStatus().isEqualTo(422)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.problem").isEqualTo("invalid-order")
                .jsonPath("$.detail").isEqualTo("expected id,sku,qty");
    }

    @Test
    void theWebAssemblyParserAnswersWithTheFieldsAnd500WhenALineTrapsIt() {
        client.post().uri("/api/parse").contentType(MediaType.TEXT_PLAIN).bodyValue("12,fig,3").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.id").isEqualTo("12")
                .jsonPath("$.sku").isEqualTo("FIG")
                .jsonPath("$.qty").isEqualTo(3);
        client.post().uri("/api/parse").contentType(MediaType.TEXT_PLAIN).bodyValue("12,fig,three").exchange()
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.detail").isEqualTo("qty must be 1 to 4 digits");
        // MessageCrashedException: the request's message crashed the component
        client.post().uri("/api/parse").contentType(MediaType.TEXT_PLAIN).bodyValue("13,f\u0001ig,3").exchange()
                .expectStatus().isEqualTo(500)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.problem").isEqualTo("message-crashed")
                .jsonPath("$.cause").isEqualTo("WebAssembly trap UNREACHABLE in 'handle'");
    }

    @Test
    void anOversizedOrderLineIs422AndParseRejectsItWithoutARestart() {
        await().atMost(Duration.ofSeconds(10)).until(() -> shop.parse().state() == ComponentState.RUNNING);
        long restarts = parse().restarts();
        String line = "9005," + "x".repeat(70_000) + ",1"; // more than the WebAssembly guest's whole memory
        String tooLong = "order line of 70007 bytes is longer than the maximum of 1024 bytes";

        client.post().uri("/api/orders").contentType(MediaType.TEXT_PLAIN).bodyValue(line).exchange()
                .expectStatus().isEqualTo(422)
                .expectBody()
                .jsonPath("$.problem").isEqualTo("invalid-order")
                .jsonPath("$.detail").isEqualTo(tooLong);
        // OrderLineTooLongException: the ask fails with the cause itself, parse's RESUME directive
        client.post().uri("/api/parse").contentType(MediaType.TEXT_PLAIN).bodyValue(line).exchange()
                .expectStatus().isEqualTo(422)
                .expectBody()
                .jsonPath("$.problem").isEqualTo("invalid-order")
                .jsonPath("$.detail").isEqualTo(tooLong);
        // the same instance carries on: no restart
        client.post().uri("/api/parse").contentType(MediaType.TEXT_PLAIN).bodyValue("15,fig,3").exchange()
                .expectStatus().isOk();
        assertThat(parse().restarts()).isEqualTo(restarts);
        assertThat(parse().lastDirective()).isEqualTo(Directive.RESUME);

        SupervisionEvent.Crashed rejected = shop.events()
                .filter(e -> e instanceof SupervisionEvent.Crashed && e.path().equals(Shop.PARSE))
                .map(SupervisionEvent.Crashed.class::cast)
                .filter(e -> e.directive() == Directive.RESUME)
                .blockFirst(Duration.ofSeconds(5));
        assertThat(EventView.of(Objects.requireNonNull(rejected))).satisfies(e -> {
            assertThat(e.type()).isEqualTo("Crashed");
            assertThat(e.directive()).isEqualTo("RESUME");
            assertThat(e.summary()).isEqualTo("rejected \"9005,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\","
                    + " kept its state (RESUME): OrderLineTooLongException: " + tooLong);
        });
    }

    private ComponentSnapshot parse() {
        return (ComponentSnapshot) shop.snapshot().child(Shop.PARSE.substring(Shop.ROOT.length() + 1));
    }

    @Test
    void aHungComponentIs504ThenAFullMailboxIs503() {
        client.post().uri("/api/components/hang?path=" + Shop.INGEST).exchange().expectStatus().isAccepted();

        // TimeoutException: the order waits behind the hung message longer than the ask timeout (500 ms)
        client.post().uri("/api/orders").contentType(MediaType.TEXT_PLAIN).bodyValue("9003,fig,1").exchange()
                .expectStatus().isEqualTo(504)
                .expectBody().jsonPath("$.problem").isEqualTo("timeout");

        // MailboxFullException: ingest's mailbox holds 16
        int told = 0;
        while (shop.ingest().tell("9100,pear," + (told % 9 + 1))) {
            told++;
            assertThat(told).isLessThanOrEqualTo(16);
        }
        client.post().uri("/api/orders").contentType(MediaType.TEXT_PLAIN).bodyValue("9004,fig,1").exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "1")
                .expectBody().jsonPath("$.problem").isEqualTo("mailbox-full");

        // ingest's health check restarts it; the queued orders are handled by the next incarnation
        await().atMost(Duration.ofSeconds(15)).until(() -> shop.ingest().state() == ComponentState.RUNNING
                && shop.ingest().mailboxDepth() == 0 && shop.tallies().get(Shop.INGEST).settled());
        assertThat(shop.tallies().get(Shop.INGEST).restarts()).isPositive();
    }

    @Test
    void aStoppedComponentIs503UntilItIsRestarted() {
        // not while parse waits out a restart delay from another test: stopping a child parked for a
        // REST_FOR_ONE group restart, then restartChild, is not what this test is about
        await().atMost(Duration.ofSeconds(10)).until(() -> shop.parse().state() == ComponentState.RUNNING);
        shop.root().supervisor("pipeline").stopChild("parse", Duration.ofSeconds(1)).block(Duration.ofSeconds(5));
        try {
            // ComponentUnavailableException
            client.post().uri("/api/parse").contentType(MediaType.TEXT_PLAIN).bodyValue("14,fig,3").exchange()
                    .expectStatus().isEqualTo(503)
                    .expectBody()
                    .jsonPath("$.problem").isEqualTo("component-unavailable")
                    .jsonPath("$.component").isEqualTo(Shop.PARSE)
                    .jsonPath("$.state").isEqualTo("STOPPED");
        } finally {
            client.post().uri("/api/children/restart?path=" + Shop.PARSE).exchange().expectStatus().isAccepted();
        }
        client.post().uri("/api/parse").contentType(MediaType.TEXT_PLAIN).bodyValue("14,fig,3").exchange()
                .expectStatus().isOk();
    }

    @Test
    void anOpenBreakerIs503WithRetryAfter() {
        shop.breaker().transitionToForcedOpenState();
        try {
            // CallNotPermittedException
            client.get().uri("/api/quote/fig").exchange()
                    .expectStatus().isEqualTo(503)
                    .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                    .expectBody()
                    .jsonPath("$.problem").isEqualTo("circuit-open")
                    .jsonPath("$.breaker").isEqualTo("pricing");
        } finally {
            shop.breaker().transitionToClosedState();
        }
        client.get().uri("/api/quote/fig").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.sku").isEqualTo("FIG")
                .jsonPath("$.cents").isEqualTo(120)
                .jsonPath("$.degraded").isEqualTo(false);
    }

    @Test
    void chaosCommandsNameAnExistingComponentAndHangOnlyAnAsynchronousOne() {
        client.post().uri("/api/components/crash?path=shop/nothing").exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.problem").isEqualTo("no-such-component");
        client.post().uri("/api/components/hang?path=" + Shop.PRICING).exchange()
                .expectStatus().isBadRequest();
        client.post().uri("/api/children/restart?path=nowhere").exchange()
                .expectStatus().isNotFound();
    }

    @Test
    void theEventStreamReplaysRecentEventsThenShowsACrashAndItsRestartLive() {
        long subscribed = System.currentTimeMillis();
        Flux<EventView> events = client.get().uri("/api/events").accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .returnResult(EventView.class)
                .getResponseBody();
        String command = shop.chaos().crashCommand();

        StepVerifier.create(events)
                .assertNext(first -> assertThat(first.timeMillis()).isLessThanOrEqualTo(subscribed)) // history
                .then(() -> shop.component(Shop.PARSE).tell(command))
                .thenConsumeWhile(e -> !e.summary().contains(command))
                .assertNext(e -> {
                    assertThat(e.type()).isEqualTo("Crashed");
                    assertThat(e.directive()).isEqualTo("RESTART");
                    assertThat(e.path()).isEqualTo(Shop.PARSE);
                    assertThat(e.summary()).isEqualTo("crashed on \"" + command + "\": InjectedCrash: crash injected ("
                            + command + ")");
                })
                .assertNext(e -> assertThat(e.summary()).isEqualTo("dead letter CRASHED: \"" + command + "\""))
                .assertNext(e -> assertThat(e.summary()).matches("restarting in [0-9.]+ s \\(attempt [0-9]+ in a row\\)"))
                .thenConsumeWhile(e -> !(e.type().equals("Restarted") && e.path().equals(Shop.PARSE)))
                .assertNext(e -> assertThat(e.summary()).startsWith("restarted (restart #"))
                .thenCancel()
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void theTreeShowsEachComponentsRestartWindowMailboxCapacityAndBreakerFailureRate() {
        client.get().uri("/api/tree").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.mailboxCapacity").doesNotExist() // a supervisor has no mailbox
                .jsonPath("$.children[0].restartLimit.maxRestarts").isEqualTo(3)
                .jsonPath("$.children[0].restartLimit.withinMillis").isEqualTo(30_000)
                .jsonPath("$.children[0].restartsInWindow").isNumber()
                .jsonPath("$.children[0].breakers.pricing.state").isEqualTo(shop.breaker().getState().name())
                .jsonPath("$.children[0].breakers.pricing.failureRate").isNumber()
                .jsonPath("$.children[0].breakers.pricing.bufferedCalls").isNumber()
                .jsonPath("$.children[2].mailboxCapacity").isEqualTo(16)
                .jsonPath("$.children[2].restartLimit.maxRestarts").isEqualTo(10)
                .jsonPath("$.children[1].children[0].mailboxCapacity").isEqualTo(10_000);
    }

    @Test
    void aCrashCountsInTheRestartWindowAndOnTheCharts() {
        await().atMost(Duration.ofSeconds(10)).until(() -> shop.component(Shop.PRICING).state()
                == ComponentState.RUNNING);
        int before = stats(Shop.PRICING).restartsInWindow();
        client.post().uri("/api/components/crash?path=" + Shop.PRICING).exchange().expectStatus().isAccepted();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> client.get().uri("/api/tree").exchange()
                .expectBody().jsonPath("$.children[0].restartsInWindow").isEqualTo(before + 1));
        // the metrics history reads the registry once a second
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            MetricsView m = client.get().uri("/api/metrics").exchange().expectStatus().isOk()
                    .expectBody(MetricsView.class).returnResult().getResponseBody();
            assertThat(m).isNotNull();
            assertThat(m.components()).containsAll(Shop.COMPONENTS);
            assertThat(m.series().keySet()).containsExactly("handled", "crashes", "restarts", "deadLetters");
            assertThat(m.series().get("crashes").get(Shop.PRICING)).hasSameSizeAs(m.times());
            assertThat(count(m, "crashes", Shop.PRICING)).isGreaterThanOrEqualTo(1);
            assertThat(count(m, "restarts", Shop.PRICING)).isGreaterThanOrEqualTo(1);
            // what the page asks each second: the samples after the last it has
            double last = m.times().get(m.times().size() - 1);
            MetricsView newer = client.get().uri("/api/metrics?since=" + m.times().get(m.times().size() - 2))
                    .exchange().expectStatus().isOk()
                    .expectBody(MetricsView.class).returnResult().getResponseBody();
            assertThat(newer).isNotNull();
            assertThat(newer.times()).startsWith(last);
            assertThat(newer.series().get("crashes").get(Shop.PRICING)).hasSameSizeAs(newer.times());
        });
        client.get().uri("/api/metrics?since=NaN").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.detail").isEqualTo("since must be a time in seconds, but was NaN");
        client.get().uri("/api/metrics?since=soon").exchange().expectStatus().isBadRequest();
    }

    @Test
    void restartingTheRootPathRestartsEachOfItsChildren() {
        await().atMost(Duration.ofSeconds(10)).until(() -> Shop.COMPONENTS.stream()
                .allMatch(p -> shop.component(p).state() == ComponentState.RUNNING));
        long ingestRestarts = stats(Shop.INGEST).restarts();
        long pricingRestarts = stats(Shop.PRICING).restarts();
        long pipelineRestarts = ((io.reactorsupervisor.SupervisorSnapshot) shop.snapshot().child("pipeline"))
                .restarts();

        client.post().uri("/api/children/restart?path=" + Shop.ROOT).exchange()
                .expectStatus().isAccepted()
                .expectBody()
                .jsonPath("$.path").isEqualTo(Shop.ROOT)
                .jsonPath("$.restarted").isEqualTo(java.util.List.of(Shop.PRICING, Shop.PIPELINE, Shop.INGEST));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(stats(Shop.INGEST).restarts()).isEqualTo(ingestRestarts + 1);
            assertThat(stats(Shop.PRICING).restarts()).isEqualTo(pricingRestarts + 1);
            assertThat(((io.reactorsupervisor.SupervisorSnapshot) shop.snapshot().child("pipeline")).restarts())
                    .isEqualTo(pipelineRestarts + 1);
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> Shop.COMPONENTS.stream()
                .allMatch(p -> shop.component(p).state() == ComponentState.RUNNING));
        client.post().uri("/api/orders").contentType(MediaType.TEXT_PLAIN).bodyValue("9201,kiwi,1").exchange()
                .expectStatus().isAccepted();
    }

    @Test
    void deadLettersCanBeInspectedByComponentWithReasonCauseAndMessage() {
        // ingest does not redeliver: the message that crashed it is a dead letter
        await().atMost(Duration.ofSeconds(15)).until(() -> shop.ingest().state() == ComponentState.RUNNING);
        String command = shop.chaos().crashCommand();
        shop.component(Shop.INGEST).tell(command);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> client.get()
                .uri("/api/dead-letters?path=" + Shop.INGEST + "&limit=1").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.length()").isEqualTo(1)
                .jsonPath("$[0].path").isEqualTo(Shop.INGEST)
                .jsonPath("$[0].reason").isEqualTo("CRASHED")
                .jsonPath("$[0].cause").isEqualTo("InjectedCrash: crash injected (" + command + ")")
                .jsonPath("$[0].message").isEqualTo("\"" + command + "\"")
                .jsonPath("$[0].id").isNumber());
        client.get().uri("/api/dead-letters?limit=0").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.detail").isEqualTo("limit must be between 1 and 200, but was 0");
        client.get().uri("/api/dead-letters?limit=201").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.detail").isEqualTo("limit must be between 1 and 200, but was 201");
        await().atMost(Duration.ofSeconds(15)).until(() -> shop.ingest().state() == ComponentState.RUNNING);
    }

    @Test
    void errorResponsesNameNoJavaClass() {
        settleParse();
        // a crash command through parse's ask: a RuntimeException of the shop's
        String crashed = client.post().uri("/api/parse").contentType(MediaType.TEXT_PLAIN)
                .bodyValue(shop.chaos().crashCommand()).exchange().expectStatus().isEqualTo(500)
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(crashed).contains("\"cause\":\"crash injected (!crash#").doesNotContainPattern(JAVA_CLASS)
                .doesNotContain("InjectedCrash").doesNotContain("Exception");
        settleParse();

        for (String uri : java.util.List.of("/api/faults/pricing-outage?down=maybe", "/api/dead-letters?limit=x",
                "/api/nothing", "/api/children/restart")) {
            String body = client.post().uri(uri).exchange().expectStatus().is4xxClientError()
                    .expectBody(String.class).returnResult().getResponseBody();
            assertThat(body).as(uri).doesNotContainPattern(JAVA_CLASS).doesNotContain("Exception");
        }
    }

    /** A qualified Java class name, as {@code Throwable.toString()} writes it. */
    private static final java.util.regex.Pattern JAVA_CLASS =
            java.util.regex.Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.){2,}[A-Z]");

    @Test
    void theConfigurationTellsThePageThatActionsAreEnabled() {
        client.get().uri("/api/config").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.actionsEnabled").isEqualTo(true)
                .jsonPath("$.root").isEqualTo(Shop.ROOT);
    }

    @Test
    void theTreeIsInTheLivenessAndReadinessGroups() {
        client.get().uri("/actuator/health/liveness").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components.livenessState.status").isEqualTo("UP")
                .jsonPath("$.components.reactorSupervisor.details.root").isEqualTo(Shop.ROOT)
                .jsonPath("$.components.reactorSupervisor.details.state").isEqualTo("RUNNING");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> client.get().uri("/actuator/health/readiness")
                .exchange()
                .expectBody()
                .jsonPath("$.components.reactorSupervisorReadiness.status").isEqualTo("UP"));
    }

    @Test
    void theStartersEndpointShowsTheTreeAndRefusesWrites() {
        client.get().uri("/actuator/supervision").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).contains("\"" + Shop.INGEST + "\""));
        long restarts = stats(Shop.STORE).restarts();
        client.post().uri("/actuator/supervision/pipeline/store").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"action\":\"restart\"}").exchange()
                .expectStatus().value(status -> assertThat(status).isIn(404, 405));
        assertThat(stats(Shop.STORE).restarts()).isEqualTo(restarts);
    }

    @Test
    void actionsNeedThePagesHeaderWhichAnotherSiteCannotSend() {
        WebTestClient plain = client.mutate().defaultHeaders(h -> h.remove(ShopController.ACTION_HEADER)).build();
        long restarts = stats(Shop.STORE).restarts();
        for (String uri : java.util.List.of("/api/components/crash?path=" + Shop.STORE,
                "/api/children/restart?path=" + Shop.STORE, "/api/faults/pricing-outage?down=true")) {
            plain.post().uri(uri).exchange()
                    .expectStatus().isForbidden()
                    .expectBody().jsonPath("$.detail").isEqualTo(
                            "an action needs the header X-Dashboard-Action: confirmed, which the dashboard's page sends");
        }
        assertThat(shop.faults().pricingDown()).isFalse();
        assertThat(stats(Shop.STORE).restarts()).isEqualTo(restarts);

        // a browser asks before it sends the header cross-origin, and is not allowed
        plain.options().uri("/api/components/crash?path=" + Shop.STORE)
                .header(HttpHeaders.ORIGIN, "https://elsewhere.example")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, ShopController.ACTION_HEADER)
                .exchange()
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS);
    }

    @Test
    void anUnknownPathIsRepeatedOnlyInPart() {
        String path = "shop/" + "x".repeat(3_000); // Netty refuses a request line over 4 KiB (414) before the controller
        client.post().uri("/api/components/crash?path=" + path).exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.detail").isEqualTo("no component or supervisor '" + path.substring(0, 200)
                        + "...' in the shop");
    }

    /** How many the rates add up to over the charts' window: rate times step, summed. */
    private static long count(MetricsView m, String series, String path) {
        java.util.List<Double> rates = m.series().get(series).get(path);
        double count = 0;
        for (int i = 1; i < rates.size(); i++) {
            count += rates.get(i) * (m.times().get(i) - m.times().get(i - 1));
        }
        return Math.round(count);
    }

    /** The tree's own ref's stats: the shop hands out counting refs, which have none. */
    private io.reactorsupervisor.ComponentStats stats(String path) {
        return shop.root().ref(path.substring(Shop.ROOT.length() + 1)).stats();
    }

    /**
     * Parse running, and a message handled since its last crash: its restart delay grows with
     * crashes in a row (1.5 s, 3 s, 6 s...) and a handled message starts it over.
     */
    private void settleParse() {
        await().atMost(Duration.ofSeconds(15)).until(() -> shop.parse().state() == ComponentState.RUNNING);
        assertThat(shop.parse().ask("1,fig,1").block(Duration.ofSeconds(5))).isEqualTo("1,FIG,1");
    }
}
