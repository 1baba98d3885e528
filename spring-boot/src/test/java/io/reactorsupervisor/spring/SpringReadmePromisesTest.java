package io.reactorsupervisor.spring;

import static io.reactorsupervisor.spring.AutoConfigurationTest.bind;
import static io.reactorsupervisor.spring.AutoConfigurationTest.echo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.mock.env.MockEnvironment;
import reactor.test.StepVerifier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.reactorsupervisor.ChildSpec;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.EntitiesSpec;
import io.reactorsupervisor.HealthCheck;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.RestartPolicy;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.SupervisionStrategy;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.SupervisorSpec;
import io.reactorsupervisor.micrometer.SupervisorMetrics;

/**
 * The promises of README.md's "Spring Boot" section that the other tests of the starter leave
 * out, and what a hostile configuration or operator does to them.
 */
class SpringReadmePromisesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ReactorSupervisorAutoConfiguration.class,
                    SupervisorActuatorAutoConfiguration.class))
            .withUserConfiguration(AutoConfigurationTest.Specs.class)
            .withPropertyValues("management.endpoints.web.exposure.include=supervision");

    private static final List<ChildSpec> TREE = List.of(echo("billing"),
            SupervisorSpec.named("shop").strategy(SupervisionStrategy.REST_FOR_ONE).child(echo("orders")).build());

    private static SupervisorSpec root(SupervisorProperties properties) {
        return ReactorSupervisorAutoConfiguration.rootSpec(properties, TREE, List.of());
    }

    private static ChildSpec find(SupervisorSpec at, String name) {
        return at.children().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private static SupervisorProperties yaml(String yaml) throws IOException {
        List<PropertySource<?>> sources = new YamlPropertySourceLoader().load("application.yml",
                new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)));
        return new Binder(ConfigurationPropertySources.from(sources)).bindOrCreate("reactor-supervisor",
                SupervisorProperties.class);
    }

    /**
     * "{@code reactor-supervisor.components.<path>.*} to one child by its path below the root (write
     * {@code "[shop/billing]"} for a nested one)": in {@code application.yml}, as a user writes it.
     */
    @Test
    void inYamlANestedPathInBracketsAndQuotesReachesTheNestedChild() throws IOException {
        SupervisorSpec spec = root(yaml("""
                reactor-supervisor:
                  components:
                    "[shop/orders]":
                      mailbox: { capacity: 7 }
                """));
        SupervisorSpec shop = (SupervisorSpec) find(spec, "shop");
        assertThat(((ComponentSpec<?, ?>) find(shop, "orders")).mailbox()).isEqualTo(Mailbox.bounded(7));
        assertThat(((ComponentSpec<?, ?>) find(spec, "billing")).mailbox()).isEqualTo(TREE.get(0) instanceof
                ComponentSpec<?, ?> c ? c.mailbox() : null);
    }

    /**
     * Hostile: the same path without the brackets. Spring drops the '/' of a map key written so;
     * startup fails naming the key as Spring read it and listing the paths the tree has.
     */
    @Test
    void inYamlANestedPathWithoutBracketsFailsListingThePathsTheTreeHas() throws IOException {
        SupervisorProperties properties = yaml("""
                reactor-supervisor:
                  components:
                    shop/orders:
                      mailbox: { capacity: 7 }
                """);
        assertThatThrownBy(() -> root(properties)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reactor-supervisor.components[shoporders] names no child of the tree (paths are relative "
                        + "to the root, such as 'billing' or 'shop/billing'; children: billing, shop, shop/orders)");
    }

    /** "A supervisor's path takes {@code restart}, {@code limit} and {@code policy} only": its restart strategy. */
    @Test
    void aSupervisorsPathTakesARestartStrategy() {
        String p = "reactor-supervisor.components.shop.restart.";
        SupervisorSpec shop = (SupervisorSpec) find(root(bind(p + "strategy=exponential-backoff", p + "initial=200ms",
                p + "max=3s", p + "multiplier=4")), "shop");
        assertThat(shop.restartStrategy())
                .isEqualTo(RestartStrategy.exponentialBackoff(Duration.ofMillis(200), Duration.ofSeconds(3), 4));
        assertThat(shop.restartPolicy()).isEqualTo(RestartPolicy.PERMANENT);
        assertThat(shop.strategy()).isEqualTo(SupervisionStrategy.REST_FOR_ONE);
    }

    /**
     * "the spec as coded, then the defaults, then the path; only the keys given change anything": a
     * spec coded with every setting keeps each one the configuration does not name.
     */
    @Test
    void onlyTheKeysGivenChangeAnythingOfASpecCodedWithEverySetting() {
        ComponentSpec<String, String> coded = ComponentSpec.<String, String, Object>named("billing")
                .state(Object::new).syncHandler((s, m) -> m)
                .restart(RestartStrategy.delayed(Duration.ofSeconds(3)))
                .limit(RestartLimit.of(2, Duration.ofSeconds(10)))
                .policy(RestartPolicy.TRANSIENT)
                .mailbox(Mailbox.bounded(7))
                .healthCheck(HealthCheck.every(Duration.ofSeconds(5)).withTimeout(Duration.ofSeconds(1)))
                .processingTimeout(Duration.ofSeconds(4))
                .build();
        SupervisorSpec spec = ReactorSupervisorAutoConfiguration.rootSpec(bind(
                "reactor-supervisor.defaults.mailbox.capacity=100",
                "reactor-supervisor.defaults.processing-timeout=8s",
                "reactor-supervisor.components.billing.processing-timeout=9s"), List.of(coded), List.of());
        ComponentSpec<?, ?> billing = (ComponentSpec<?, ?>) find(spec, "billing");
        assertThat(billing.mailbox()).isEqualTo(Mailbox.bounded(100));
        assertThat(billing.processingTimeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(billing.restartStrategy()).isEqualTo(RestartStrategy.delayed(Duration.ofSeconds(3)));
        assertThat(billing.restartLimit()).isEqualTo(RestartLimit.of(2, Duration.ofSeconds(10)));
        assertThat(billing.restartPolicy()).isEqualTo(RestartPolicy.TRANSIENT);
        assertThat(billing.healthCheck())
                .isEqualTo(HealthCheck.every(Duration.ofSeconds(5)).withTimeout(Duration.ofSeconds(1)));
    }

    /**
     * "An application's own {@code Supervisor} bean replaces the one the starter builds and gets the
     * rest": the endpoint and the readiness contributor too.
     */
    @Test
    void anApplicationsOwnSupervisorGetsTheEndpointAndTheReadinessContributorToo() {
        Supervisor own = Supervisor.named("own").child(echo("x")).start();
        runner.withBean(Supervisor.class, () -> own).run(context -> {
            assertThat(context).hasNotFailed();
            @SuppressWarnings("unchecked")
            Map<String, Object> tree = (Map<String, Object>) context.getBean(SupervisionEndpoint.class).supervision()
                    .get("tree");
            assertThat(tree).containsEntry("name", "own").containsEntry("path", "own");
            assertThat(context.getBean(SupervisionEndpoint.class).child(new String[] { "x" }))
                    .containsEntry("path", "own/x");
            assertThat(context.getBean(SupervisorReadinessHealthIndicator.class).health().getStatus())
                    .isEqualTo(Status.UP);
        });
        assertThat(own.snapshot().state()).isEqualTo(ComponentState.STOPPED);
    }

    static final EntitiesSpec<String, String, String> SESSIONS = EntitiesSpec.named("sessions", String.class,
            echo("session")).maxActive(50).build();

    /**
     * "the endpoint gives its kind ({@code entities}) and its counts ({@code active},
     * {@code passivating}, {@code restarting}, {@code waiting}, {@code maxActive},
     * {@code activations}, {@code passivations})".
     */
    @Test
    void theEndpointGivesASetsKindAndEachOfItsCounts() {
        runner.withBean(SupervisorCustomizer.class, () -> root -> root.entities(SESSIONS)).run(context -> {
            Supervisor root = context.getBean(Supervisor.class);
            assertThat(root.entities(SESSIONS).ref("a").ask("1").block(Duration.ofSeconds(5))).isEqualTo("1");
            assertThat(root.entities(SESSIONS).ref("b").ask("2").block(Duration.ofSeconds(5))).isEqualTo("2");
            Map<String, Object> set = context.getBean(SupervisionEndpoint.class).child(new String[] { "sessions" });
            assertThat(set).containsEntry("kind", "entities").containsEntry("path", "root/sessions")
                    .containsEntry("active", 2).containsEntry("passivating", 0).containsEntry("restarting", 0)
                    .containsEntry("waiting", 0).containsEntry("maxActive", 50).containsEntry("activations", 2L)
                    .containsEntry("passivations", 0L).doesNotContainKey("children");
        });
    }

    /**
     * "note that setting any other key of that group, such as {@code show-details}, without an
     * {@code include} makes Boot put every indicator in it".
     */
    @Test
    void settingAnotherKeyOfTheReadinessGroupWithoutAnIncludePutsEveryIndicatorInIt() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ReactorSupervisorAutoConfiguration.class,
                        SupervisorActuatorAutoConfiguration.class, ApplicationAvailabilityAutoConfiguration.class,
                        HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
                        AvailabilityHealthContributorAutoConfiguration.class, HealthEndpointAutoConfiguration.class,
                        AvailabilityProbesAutoConfiguration.class))
                .withUserConfiguration(AutoConfigurationTest.Specs.class)
                .withPropertyValues("management.endpoint.health.group.readiness.show-details=always")
                .run(context -> {
                    HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
                    assertThat(groups.get("readiness").isMember("reactorSupervisor")).isTrue();
                    assertThat(groups.get("readiness").isMember("livenessState")).isTrue();
                    assertThat(groups.get("readiness").isMember("reactorSupervisorReadiness")).isTrue();
                    assertThat(groups.get("liveness").isMember("reactorSupervisor")).isFalse();
                });
    }

    /** "{@code reactor-supervisor.metrics.max-tagged-components} (default 1,000)". */
    @Test
    void maxTaggedComponentsIsAThousandUnlessGiven() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> assertThat(
                context.getBean(SupervisorMetricsBinder.class).spec().maxTaggedComponents()).isEqualTo(1_000));
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("reactor-supervisor.metrics.max-tagged-components=7")
                .run(context -> assertThat(context.getBean(SupervisorMetricsBinder.class).spec().maxTaggedComponents())
                        .isEqualTo(7));
        assertThat(SupervisorMetrics.DEFAULT_MAX_TAGGED_COMPONENTS).isEqualTo(1_000);
    }

    /**
     * "the recent events and dead letters ({@code reactor-supervisor.recent-events}, 100; messages
     * shown by type, never content)": the message that crashed a component is shown by its type in
     * the event, and its content appears nowhere in the endpoint's answer.
     */
    @Test
    void theEndpointShowsTheMessageThatCrashedAComponentByTypeAndNeverItsContent() {
        ComponentSpec<String, String> payments = ComponentSpec.<String, String, Object>named("payments")
                .state(Object::new).syncHandler((s, m) -> {
                    if (m.startsWith("card")) {
                        throw new IllegalStateException("refused");
                    }
                    return m;
                }).build();
        runner.withBean("payments", ComponentSpec.class, () -> payments).run(context -> {
            Supervisor root = context.getBean(Supervisor.class);
            root.<String, String>ref("payments").tell("card 4111-1111-1111-1111");
            RecentEvents recent = context.getBean(RecentEvents.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> recent.events().stream()
                    .anyMatch(e -> e instanceof io.reactorsupervisor.SupervisionEvent.Restarted));
            Map<String, Object> out = context.getBean(SupervisionEndpoint.class).supervision();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> events = (List<Map<String, Object>>) out.get("events");
            assertThat(events).filteredOn(e -> e.get("type").equals("Crashed")).singleElement()
                    .satisfies(e -> assertThat(e).containsEntry("path", "root/payments")
                            .containsEntry("message", "String")
                            .containsEntry("cause", "IllegalStateException: refused"));
            assertThat(out.toString()).doesNotContain("4111");
        });
    }

    // ------------------------------------------------------------------ hostile configuration

    /**
     * Hostile: a startup timeout of 300 years. The rule: invalid configuration fails at startup
     * naming the key, the allowed range and the value.
     */
    @Test
    void aStartupTimeoutOfThreeHundredYearsFailsNamingTheKeyTheRangeAndTheValue() {
        assertThatThrownBy(() -> bind("reactor-supervisor.startup-timeout=109500d")).hasStackTraceContaining(
                "reactor-supervisor.startup-timeout must be positive and at most 36500 days (100 years), was PT2628000H");
        assertThatThrownBy(() -> bind("reactor-supervisor.startup-timeout=-1s")).hasStackTraceContaining(
                "reactor-supervisor.startup-timeout must be positive and at most 36500 days (100 years), was PT-1S");
        runner.withPropertyValues("reactor-supervisor.startup-timeout=109500d")
                .run(context -> assertThat(context).hasFailed().getFailure().hasStackTraceContaining(
                        "reactor-supervisor.startup-timeout must be positive and at most 36500 days (100 years)"));
    }

    /** Hostile: a shutdown deadline of 300 years, given or taken from Spring's shutdown phase. */
    @Test
    void aShutdownDeadlineOfThreeHundredYearsFailsNamingTheKeyAndSpringsPhaseIsCappedAtTheLibrarysMaximum() {
        assertThatThrownBy(() -> bind("reactor-supervisor.shutdown-deadline=109500d")).hasStackTraceContaining(
                "reactor-supervisor.shutdown-deadline must be positive and at most 36500 days (100 years), was PT2628000H");
        // Spring's own timeout is not ours to refuse: the tree waits the longest its library allows
        MockEnvironment forever = new MockEnvironment().withProperty("spring.lifecycle.timeout-per-shutdown-phase",
                "109500d");
        assertThat(ReactorSupervisorAutoConfiguration.shutdownDeadline(bind(), forever))
                .isEqualTo(Duration.ofDays(36_500));
        Supervisor tree = Supervisor.named("t").child(echo("x")).start();
        StepVerifier.create(tree.shutdown(ReactorSupervisorAutoConfiguration.shutdownDeadline(bind(), forever)))
                .verifyComplete();
    }

    /**
     * Hostile: paths a user may copy from elsewhere: with a trailing '/', or with the root's name as
     * health and events show it. Each fails naming the key and listing the paths the tree has.
     */
    @Test
    void aPathWithATrailingSlashOrTheRootsNameNamesNoChild() {
        for (String path : List.of("billing/", "root/billing", "shop/orders/", "/billing", "shop//orders")) {
            assertThatThrownBy(() -> root(bind("reactor-supervisor.components[" + path + "].policy=transient")))
                    .as(path).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("reactor-supervisor.components[" + path + "] names no child of the tree (paths are "
                            + "relative to the root, such as 'billing' or 'shop/billing'; children: billing, shop, "
                            + "shop/orders)");
        }
        // the endpoint, asked the same: nothing there (404), and a write refused (400)
        runner.run(context -> {
            SupervisionEndpoint endpoint = context.getBean(SupervisionEndpoint.class);
            assertThat(endpoint.child(new String[] { "billing", "" })).isNull();
            assertThat(endpoint.child(new String[] { "root", "billing" })).isNull();
            assertThatThrownBy(() -> endpoint.act(new String[] { "billing", "" }, "restart"))
                    .isInstanceOf(InvalidEndpointRequestException.class)
                    .hasMessage("a child's path below the root is required");
        });
    }

    /**
     * Hostile: unknown enum names, and values Spring cannot convert, fail startup naming the key
     * and the value received.
     */
    @Test
    void anUnknownEnumNameOrAnUnconvertibleValueFailsStartupNamingTheKeyAndTheValue() {
        Map<String, String> cases = Map.of("reactor-supervisor.root.strategy", "round-robin",
                "reactor-supervisor.components.billing.policy", "sometimes",
                "reactor-supervisor.components.billing.restart.strategy", "linear",
                "reactor-supervisor.recent-events", "lots",
                "reactor-supervisor.startup-timeout", "soon",
                "reactor-supervisor.components.billing.mailbox.capacity", "1e3");
        cases.forEach((key, value) -> runner.withPropertyValues(key + "=" + value)
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("Failed to bind properties under '" + key + "'")
                        .hasStackTraceContaining("for value [" + value + "]")));
    }

    // ------------------------------------------------------------------ hostile timing

    /**
     * Hostile: the endpoint and the health asked while the tree is still starting (before the
     * context's lifecycle has waited for it): the child is shown STARTING, the readiness contributor
     * is OUT_OF_SERVICE with "the path and reason as details", the tree's health is UP.
     */
    @Test
    void askedWhileAChildIsStartingTheEndpointShowsItAndReadinessIsOutOfService() {
        CountDownLatch release = new CountDownLatch(1);
        ComponentSpec<String, String> slow = ComponentSpec.<String, String, Object>named("slow").state(() -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Object();
        }).syncHandler((s, m) -> m).build();
        Supervisor root = Supervisor.named("root").child(slow).start();
        RecentEvents recent = new RecentEvents(root, 10);
        try {
            SupervisionEndpoint endpoint = new SupervisionEndpoint(root, recent, Duration.ofSeconds(5));
            assertThat(endpoint.child(new String[] { "slow" })).containsEntry("state", "STARTING");
            Health readiness = new SupervisorReadinessHealthIndicator(root).health();
            assertThat(readiness.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            assertThat(readiness.getDetails()).isEqualTo(Map.of("notReady", Map.of("root/slow", "STARTING")));
            assertThat(new SupervisorHealthIndicator(root).health().getStatus()).isEqualTo(Status.UP);
            release.countDown();
            assertThat(root.started().block(Duration.ofSeconds(10))).isNull();
            assertThat(new SupervisorReadinessHealthIndicator(root).health().getStatus()).isEqualTo(Status.UP);
        } finally {
            release.countDown();
            recent.close();
            root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        }
    }

    /**
     * Hostile: the endpoint after the tree has shut down. It still reads the tree (STOPPED); a
     * restart is a request the tree can no longer serve: 400 with the reason, not a server error.
     */
    @Test
    void afterTheTreeShutDownTheEndpointReadsItAndRefusesARestartWithTheReason() {
        runner.run(context -> {
            Supervisor root = context.getBean(Supervisor.class);
            SupervisionEndpoint endpoint = context.getBean(SupervisionEndpoint.class);
            root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
            assertThat(endpoint.child(new String[] { "billing" })).containsEntry("state", "STOPPED");
            StepVerifier.create(endpoint.act(new String[] { "billing" }, "restart"))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(InvalidEndpointRequestException.class)
                            .hasMessage("supervisor 'root' is STOPPED"))
                    .verify(Duration.ofSeconds(5));
            assertThat(root.snapshot().child("billing").state()).isEqualTo(ComponentState.STOPPED);
        });
    }

    /**
     * Hostile: health and readiness probes racing the tree's shutdown. Every answer is a health
     * (no exception); the tree's health ends DOWN with the root STOPPED.
     */
    @Test
    void healthProbesRacingTheShutdownAlwaysAnswer() throws InterruptedException {
        runner.run(context -> {
            Supervisor root = context.getBean(Supervisor.class);
            SupervisorHealthIndicator health = context.getBean(SupervisorHealthIndicator.class);
            SupervisorReadinessHealthIndicator readiness = context.getBean(SupervisorReadinessHealthIndicator.class);
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Set<String> seen = ConcurrentHashMap.newKeySet();
            List<Thread> probes = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Thread t = new Thread(() -> {
                    try {
                        while (!done.get()) {
                            seen.add(health.health().getStatus().getCode());
                            readiness.health();
                            context.getBean(SupervisionEndpoint.class).supervision();
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                t.start();
                probes.add(t);
            }
            root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
            done.set(true);
            for (Thread t : probes) {
                t.join(10_000);
            }
            assertThat(failure.get()).isNull();
            assertThat(seen).isSubsetOf("UP", "DOWN");
            Health last = health.health();
            assertThat(last.getStatus()).isEqualTo(Status.DOWN);
            assertThat(last.getDetails()).containsEntry("state", "STOPPED");
        });
    }

    /**
     * Hostile: the endpoint's recent events subscribing to a tree that has already terminated:
     * nothing fails, and they show the tree's last events, which its event stream replays.
     */
    @Test
    void recentEventsOfATreeAlreadyTerminatedShowItsLastEvents() {
        Supervisor root = Supervisor.named("root").child(echo("x")).start();
        root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        RecentEvents late = new RecentEvents(root, 10);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> late.events().size() == 4);
            assertThat(late.events()).extracting(e -> e.getClass().getSimpleName() + " " + e.path())
                    .containsExactly("Started root", "Started root/x", "Stopped root/x", "Stopped root");
            assertThat(new SupervisionEndpoint(root, late, Duration.ofSeconds(1)).supervision())
                    .containsEntry("deadLetters", List.of());
        } finally {
            late.close();
        }
    }

    /**
     * "only the keys given change anything", read with "Keys: {@code restart} ({@code strategy: ...},
     * {@code delay}, ...)": each of {@code restart}, {@code limit}, {@code mailbox} and
     * {@code health-check} replaces the spec's whole, so a path that gives a {@code delay} without its
     * {@code strategy} fails naming the key it lacks, rather than guessing from the defaults.
     */
    @Test
    void aRestartLimitOrHealthCheckGivenInPartFailsNamingTheKeyItLacks() {
        String d = "reactor-supervisor.defaults.";
        String c = "reactor-supervisor.components.billing.";
        assertThatThrownBy(() -> root(bind(d + "restart.strategy=delayed", d + "restart.delay=1s", c + "restart.delay=5s")))
                .hasMessage("reactor-supervisor.components[billing].restart.strategy is required (immediate, delayed or "
                        + "exponential-backoff)");
        assertThatThrownBy(() -> root(bind(c + "health-check.timeout=2s")))
                .hasMessage("reactor-supervisor.components[billing].health-check.interval is required for a health check");
        assertThatThrownBy(() -> root(bind(c + "limit.within=1m")))
                .hasMessage("reactor-supervisor.components[billing].limit.max-restarts is required (or unlimited: true)");
    }

    /**
     * "The {@code reactorSupervisor} health indicator is DOWN when the root has terminated": already
     * while it is stopping, its children draining their mailboxes.
     */
    @Test
    void healthIsDownWhileTheTreeIsStopping() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        ComponentSpec<String, String> slow = ComponentSpec.<String, String, Object>named("slow").state(Object::new)
                .syncHandler((s, m) -> {
                    entered.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return m;
                }).build();
        Supervisor root = Supervisor.named("root").child(slow).start();
        try {
            root.<String, String>ref("slow").tell("work");
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            root.shutdown(Duration.ofSeconds(20)).subscribe();
            await().atMost(Duration.ofSeconds(10)).until(() -> root.snapshot().state() == ComponentState.STOPPING);
            Health stopping = new SupervisorHealthIndicator(root).health();
            assertThat(stopping.getStatus()).isEqualTo(Status.DOWN);
            assertThat(stopping.getDetails()).containsEntry("state", "STOPPING");
        } finally {
            release.countDown();
            root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        }
        assertThat(new SupervisorHealthIndicator(root).health().getDetails()).containsEntry("state", "STOPPED");
    }

    /**
     * Hostile: the endpoint's recent events subscribing while the tree shuts down: they get every
     * event once, in order, up to the root's Stopped.
     */
    @Test
    void recentEventsSubscribingDuringTheShutdownSeeEachEventOnce() throws InterruptedException {
        for (int round = 0; round < 20; round++) {
            Supervisor root = Supervisor.named("root").child(echo("a")).child(echo("b")).start();
            root.started().block(Duration.ofSeconds(5));
            Thread stopper = new Thread(() -> root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10)));
            stopper.start();
            RecentEvents recent = new RecentEvents(root, 100);
            try {
                stopper.join(10_000);
                await().atMost(Duration.ofSeconds(10)).until(() -> recent.events().size() == 6);
                assertThat(recent.events()).extracting(e -> e.getClass().getSimpleName() + " " + e.path())
                        .as("round %d", round).containsExactly("Started root", "Started root/a", "Started root/b",
                                "Stopped root/b", "Stopped root/a", "Stopped root");
            } finally {
                recent.close();
            }
        }
    }

    /**
     * The README's dependency block, {@code io.reactorsupervisor:reactor-supervisor-spring-boot-starter}
     * at {@code 0.1.0-SNAPSHOT} "(Spring Boot 4)": the coordinates this module is built with.
     */
    @Test
    void theReadmesDependencyBlockNamesThisModule() throws IOException {
        java.nio.file.Path module = java.nio.file.Paths.get("").toAbsolutePath();
        String pom = java.nio.file.Files.readString(module.resolve("pom.xml"), StandardCharsets.UTF_8);
        String parent = java.nio.file.Files.readString(module.resolve("../pom.xml"), StandardCharsets.UTF_8);
        String readme = java.nio.file.Files.readString(module.resolve("../README.md"), StandardCharsets.UTF_8);
        java.util.regex.Matcher version = java.util.regex.Pattern.compile(
                "<artifactId>reactor-supervisor-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(parent);
        assertThat(version.find()).isTrue();
        assertThat(pom).contains("<artifactId>reactor-supervisor-spring-boot-starter</artifactId>");
        assertThat(parent).contains("<spring-boot.version>4.");
        String section = readme.substring(readme.indexOf("## Spring Boot"), readme.indexOf("## Testing your components"));
        assertThat(section).contains("""
                <dependency>
                  <groupId>io.reactorsupervisor</groupId>
                  <artifactId>reactor-supervisor-spring-boot-starter</artifactId>
                  <version>%s</version>
                </dependency>
                """.formatted(version.group(1)));
    }
}
