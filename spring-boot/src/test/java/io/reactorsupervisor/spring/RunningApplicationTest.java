package io.reactorsupervisor.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

import io.reactorsupervisor.ComponentSnapshot;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.Entities;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.SupervisorSpec;

/** A running WebFlux application with the starter: health, probes, the endpoint, graceful shutdown. */
class RunningApplicationTest {

    /** What a handler records; a message "crash" throws. */
    static final List<String> HANDLED = new CopyOnWriteArrayList<>();
    static volatile CountDownLatch gate = new CountDownLatch(0);
    static volatile CountDownLatch entered = new CountDownLatch(1);
    static final AtomicBoolean DESTROYED = new AtomicBoolean();
    static final List<String> HANDLED_AFTER_DESTROY = new CopyOnWriteArrayList<>();

    @SpringBootApplication
    static class App {

        @Bean
        ComponentSpec<String, String> billing() {
            return ComponentSpec.<String, String, Object>named("billing").state(Object::new)
                    .syncHandler((state, message) -> {
                        if (message.equals("crash")) {
                            throw new IllegalStateException("crash requested");
                        }
                        entered.countDown();
                        try {
                            gate.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        if (DESTROYED.get()) {
                            HANDLED_AFTER_DESTROY.add(message);
                        }
                        HANDLED.add(message);
                        return message;
                    }).build();
        }

        @Bean
        SupervisorSpec shop() {
            return SupervisorSpec.named("shop").child(AutoConfigurationTest.echo("orders")).build();
        }

        /** A set of keyed components, added in code as the README shows. */
        @Bean
        SupervisorCustomizer sessions() {
            return root -> root.entities(AutoConfigurationTest.SESSIONS);
        }

        /** A bean the handlers' work would need: destroyed when the context closes. */
        @Bean
        DisposableBean database() {
            return () -> DESTROYED.set(true);
        }
    }

    private ConfigurableApplicationContext context;

    private WebTestClient start(String... properties) {
        HANDLED.clear();
        HANDLED_AFTER_DESTROY.clear();
        DESTROYED.set(false);
        gate = new CountDownLatch(0);
        entered = new CountDownLatch(1);
        context = new SpringApplicationBuilder(App.class).properties("server.port=0",
                "management.endpoints.web.exposure.include=health,supervision",
                "management.endpoint.health.show-details=always", "management.endpoint.health.probes.enabled=true")
                .properties(properties).run();
        String port = context.getEnvironment().getProperty("local.server.port");
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(10))
                .build();
    }

    @AfterEach
    void close() {
        gate.countDown();
        if (context != null) {
            context.close();
        }
    }

    @Test
    void healthGoesDownAndLivenessBrokenWhenTheRootEscalates() {
        WebTestClient web = start("reactor-supervisor.root.escalate-on-failure=true",
                "reactor-supervisor.components.billing.limit.max-restarts=0",
                "reactor-supervisor.components.billing.limit.within=1m");
        web.get().uri("/actuator/health").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.components.reactorSupervisor.status").isEqualTo("UP")
                .jsonPath("$.components.reactorSupervisor.details.state").isEqualTo("RUNNING");
        web.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();

        Supervisor root = context.getBean(Supervisor.class);
        root.<String, String>ref("billing").tell("crash");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> web.get().uri("/actuator/health").exchange()
                .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE).expectBody()
                .jsonPath("$.components.reactorSupervisor.status").isEqualTo("DOWN"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> web.get().uri("/actuator/health/liveness")
                .exchange().expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE).expectBody()
                .jsonPath("$.status").isEqualTo("DOWN"));
        web.get().uri("/actuator/health/readiness").exchange().expectStatus()
                .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    }

    @Test
    void readinessRefusesTrafficWhileAMailboxIsPastItsThresholdAndAcceptsItAfter() throws InterruptedException {
        // the probe groups show no components unless told to
        WebTestClient web = start("reactor-supervisor.components.billing.mailbox.capacity=10",
                "management.endpoint.health.group.readiness.show-details=always");
        web.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.components.reactorSupervisorReadiness.status").isEqualTo("UP");
        Supervisor root = context.getBean(Supervisor.class);
        gate = new CountDownLatch(1);
        root.<String, String>ref("billing").tell("slow");
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 10; i++) {
            root.<String, String>ref("billing").tell("queued " + i);
        }

        web.get().uri("/actuator/health/readiness").exchange().expectStatus()
                .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE).expectBody()
                .jsonPath("$.status").isEqualTo("OUT_OF_SERVICE")
                .jsonPath("$.components.reactorSupervisorReadiness.status").isEqualTo("OUT_OF_SERVICE")
                .jsonPath("$.components.reactorSupervisorReadiness.details.notReady['root/billing']").exists();
        web.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();

        gate.countDown();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> web.get().uri("/actuator/health/readiness")
                .exchange().expectStatus().isOk());
    }

    @Test
    void readinessRefusesTrafficWhileAComponentRestartsAndAcceptsItAfter() {
        WebTestClient web = start("reactor-supervisor.components.billing.restart.strategy=delayed",
                "reactor-supervisor.components.billing.restart.delay=5s");
        web.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
        context.getBean(Supervisor.class).<String, String>ref("billing").tell("crash");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> web.get().uri("/actuator/health/readiness")
                .exchange().expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE).expectBody()
                .jsonPath("$.status").isEqualTo("OUT_OF_SERVICE").jsonPath("$.components").doesNotExist());
        assertThat(context.getBean(SupervisorReadinessHealthIndicator.class).health().getDetails())
                .isEqualTo(Map.of("notReady", Map.of("root/billing", "RESTARTING")));
        // not in the primary group: /actuator/health stays 200, the tree's own indicator says why
        web.get().uri("/actuator/health").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.components.reactorSupervisorReadiness").doesNotExist()
                .jsonPath("$.components.reactorSupervisor.details.notReady['root/billing']").isEqualTo("RESTARTING");
        web.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> web.get().uri("/actuator/health/readiness")
                .exchange().expectStatus().isOk());
    }

    @Test
    void aFailedChildInDegradedModeIsReportedWithTheTreeStillUp() {
        WebTestClient web = start("reactor-supervisor.components.billing.limit.max-restarts=0",
                "reactor-supervisor.components.billing.limit.within=1m");
        context.getBean(Supervisor.class).<String, String>ref("billing").tell("crash");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> web.get().uri("/actuator/health").exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.components.reactorSupervisor.details.failed[0]").isEqualTo("root/billing"));
        web.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
    }

    @Test
    void theEndpointReadsTheTreeEventsAndDeadLetters() throws InterruptedException {
        WebTestClient web = start("reactor-supervisor.components.billing.mailbox.capacity=1");
        Supervisor root = context.getBean(Supervisor.class);
        gate = new CountDownLatch(1);
        root.<String, String>ref("billing").tell("slow");
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        root.<String, String>ref("billing").tell("queued");
        root.<String, String>ref("billing").tell("refused");
        gate.countDown();
        // whether the message in progress counts against the capacity or not, "refused" does not fit
        await().atMost(Duration.ofSeconds(10)).until(() -> HANDLED.contains("slow")
                && !context.getBean(RecentEvents.class).deadLetters().isEmpty());

        web.get().uri("/actuator/supervision").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.tree.name").isEqualTo("root")
                .jsonPath("$.tree.children[0].name").isEqualTo("billing")
                .jsonPath("$.tree.children[1].children[0].path").isEqualTo("root/shop/orders")
                .jsonPath("$.events[0].type").isEqualTo("Started")
                .jsonPath("$.deadLetters[0].path").isEqualTo("root/billing")
                .jsonPath("$.deadLetters[0].reason").isEqualTo("MAILBOX_FULL")
                .jsonPath("$.deadLetters[0].message").isEqualTo("String");
        web.get().uri("/actuator/supervision/shop/orders").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.state").isEqualTo("RUNNING").jsonPath("$.mailboxDepth").isEqualTo(0);
        web.get().uri("/actuator/supervision/shop/nope").exchange().expectStatus().isNotFound();
    }

    @Test
    void theEndpointRestartsAndStopsAChildByPath() {
        WebTestClient web = start();
        web.post().uri("/actuator/supervision/shop/orders").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("action", "restart")).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.path").isEqualTo("shop/orders").jsonPath("$.state").isEqualTo("RUNNING");
        assertThat(context.getBean(RecentEvents.class).events()).anySatisfy(e -> assertThat(e.toString())
                .contains("root/shop/orders").containsAnyOf("Restarted", "Stopped"));

        web.post().uri("/actuator/supervision/billing").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("action", "stop")).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.state").isEqualTo("STOPPED");
        assertThat(context.getBean(Supervisor.class).snapshot().child("billing").state())
                .isEqualTo(ComponentState.STOPPED);

        web.post().uri("/actuator/supervision/billing").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("action", "explode")).exchange().expectStatus().isBadRequest();
        web.post().uri("/actuator/supervision/nope").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("action", "restart")).exchange().expectStatus().isBadRequest();
        web.post().uri("/actuator/supervision/nope/deeper").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("action", "restart")).exchange().expectStatus().isBadRequest();
    }

    @Test
    void theEndpointReadsRestartsAndStopsAnActiveKeyedComponentByItsPath() {
        WebTestClient web = start();
        Supervisor root = context.getBean(Supervisor.class);
        Entities<String, String, String> sessions = root.entities(AutoConfigurationTest.SESSIONS);
        assertThat(sessions.ref("s-1").ask("hello").block(Duration.ofSeconds(5))).isEqualTo("hello");

        web.get().uri("/actuator/supervision/sessions").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.kind").isEqualTo("entities").jsonPath("$.active").isEqualTo(1);
        web.get().uri("/actuator/supervision/sessions/s-1").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.kind").isEqualTo("component").jsonPath("$.path").isEqualTo("root/sessions/s-1")
                .jsonPath("$.state").isEqualTo("RUNNING").jsonPath("$.handled").isEqualTo(1);
        web.get().uri("/actuator/supervision/sessions/s-2").exchange().expectStatus().isNotFound(); // not active

        web.post().uri("/actuator/supervision/sessions/s-1").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("action", "restart")).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.path").isEqualTo("sessions/s-1").jsonPath("$.state").isEqualTo("RUNNING");
        assertThat(sessions.snapshot("s-1")).get().extracting(ComponentSnapshot::restarts).isEqualTo(1L);
        web.post().uri("/actuator/supervision/sessions/s-1").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("action", "stop")).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.path").isEqualTo("sessions/s-1").jsonPath("$.action").isEqualTo("stop");
        await().atMost(Duration.ofSeconds(10)).until(() -> sessions.snapshot("s-1").isEmpty()); // dropped
        web.post().uri("/actuator/supervision/sessions/s-1").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("action", "restart")).exchange().expectStatus().isBadRequest(); // names nothing now
        assertThat(sessions.ref("s-1").ask("again").block(Duration.ofSeconds(5))).isEqualTo("again"); // afresh
    }

    @Test
    void gracefulShutdownDrainsAQueuedMessageBeforeTheContextCloses() throws Exception {
        start("server.shutdown=graceful", "spring.lifecycle.timeout-per-shutdown-phase=10s");
        Supervisor root = context.getBean(Supervisor.class);
        SupervisionLifecycle lifecycle = context.getBean(SupervisionLifecycle.class);
        List<Object> deadLetters = new CopyOnWriteArrayList<>();
        root.deadLetters().subscribe(deadLetters::add);
        gate = new CountDownLatch(1);
        root.<String, String>ref("billing").tell("in progress");
        root.<String, String>ref("billing").tell("queued");

        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
        await().atMost(Duration.ofSeconds(10)).until(lifecycle::stopping);
        assertThat(closing).isNotDone();
        gate.countDown();
        closing.get(15, TimeUnit.SECONDS);

        assertThat(HANDLED).containsExactly("in progress", "queued");
        assertThat(HANDLED_AFTER_DESTROY).isEmpty();
        assertThat(deadLetters).isEmpty();
        assertThat(DESTROYED).isTrue();
        assertThat(root.snapshot().state()).isEqualTo(ComponentState.STOPPED);
        Mono.when(root.termination()).block(Duration.ofSeconds(1));
    }
}
