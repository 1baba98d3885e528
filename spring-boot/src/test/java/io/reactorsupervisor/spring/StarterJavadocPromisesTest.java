package io.reactorsupervisor.spring;

import static io.reactorsupervisor.spring.AutoConfigurationTest.bind;
import static io.reactorsupervisor.spring.AutoConfigurationTest.echo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.annotation.Order;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.SupervisionStrategy;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.SupervisorSpec;
import io.reactorsupervisor.micrometer.SupervisorMetrics;

/** The promises of the starter's public javadoc that the other tests of the starter leave out. */
class StarterJavadocPromisesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ReactorSupervisorAutoConfiguration.class,
                    SupervisorActuatorAutoConfiguration.class))
            .withUserConfiguration(AutoConfigurationTest.Specs.class);

    private static ComponentSpec<?, ?> component(SupervisorSpec root, String name) {
        return (ComponentSpec<?, ?>) root.children().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow();
    }

    /** {@link SupervisorProperties.Root}: strategy one-for-one, no escalation, the library's intensity when absent. */
    @Test
    void theRootIsAOneForOneSupervisorThatCarriesOnWithTheLibrarysIntensityByDefault() {
        SupervisorSpec spec = ReactorSupervisorAutoConfiguration.rootSpec(bind(), List.of(echo("a")), List.of());
        assertThat(spec.strategy()).isEqualTo(SupervisionStrategy.ONE_FOR_ONE);
        assertThat(spec.escalates()).isFalse();
        assertThat(spec.intensity()).isEqualTo(SupervisorSpec.named("root").build().intensity());
    }

    /** {@link SupervisorProperties.Restart#multiplier()}: default 2. */
    @Test
    void anExponentialBackoffWithoutAMultiplierGrowsByTwo() {
        String p = "reactor-supervisor.components.billing.restart.";
        SupervisorSpec root = ReactorSupervisorAutoConfiguration.rootSpec(bind(p + "strategy=exponential-backoff",
                p + "initial=100ms", p + "max=5s"), List.of(echo("billing")), List.of());
        assertThat(component(root, "billing").restartStrategy())
                .isEqualTo(RestartStrategy.exponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(5), 2));
    }

    /** {@link SupervisorProperties.MailboxSettings#unbounded()}: then capacity must be absent. */
    @Test
    void anUnboundedMailboxWithACapacityFailsNamingTheCapacityKey() {
        String p = "reactor-supervisor.components.billing.mailbox.";
        assertThatThrownBy(() -> ReactorSupervisorAutoConfiguration.rootSpec(bind(p + "unbounded=true",
                p + "capacity=10"), List.of(echo("billing")), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reactor-supervisor.components[billing].mailbox.capacity");
    }

    /** {@link SupervisorProperties#SupervisorProperties}: recent-events from 0 to {@value SupervisorProperties#MAX_RECENT_EVENTS}. */
    @Test
    void recentEventsAcceptsZeroToTheMaximumAndRefusesOneMore() {
        assertThat(bind("reactor-supervisor.recent-events=0").recentEvents()).isZero();
        assertThat(bind("reactor-supervisor.recent-events=100000").recentEvents())
                .isEqualTo(SupervisorProperties.MAX_RECENT_EVENTS);
        assertThatThrownBy(() -> bind("reactor-supervisor.recent-events=100001"))
                .hasStackTraceContaining("reactor-supervisor.recent-events must be between 0 and 100000, was 100001");
    }

    /** {@link SupervisorProperties#SupervisorProperties}: the shutdown deadline is positive when given. */
    @Test
    void aShutdownDeadlineThatIsNotPositiveFailsStartupNamingItsKey() {
        runner.withPropertyValues("reactor-supervisor.shutdown-deadline=0s")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("reactor-supervisor.shutdown-deadline"));
    }

    /** {@link SupervisorProperties#recentEvents()} and {@link RecentEvents}: 0 keeps nothing for the endpoint. */
    @Test
    void withRecentEventsZeroTheEndpointShowsNoEvents() {
        runner.withPropertyValues("reactor-supervisor.recent-events=0",
                "management.endpoints.web.exposure.include=supervision").run(context -> {
                    Supervisor root = context.getBean(Supervisor.class);
                    root.restartChild("billing").block(Duration.ofSeconds(5));
                    Map<String, Object> out = context.getBean(SupervisionEndpoint.class).supervision();
                    assertThat(out).containsEntry("events", List.of()).containsEntry("deadLetters", List.of());
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class OrderedCustomizers {
        @Bean
        @Order(2)
        SupervisorCustomizer late() {
            return root -> root.child(echo("late"));
        }

        @Bean
        @Order(1)
        SupervisorCustomizer early() {
            return root -> root.child(echo("early"));
        }
    }

    /** {@link SupervisorCustomizer}: customizers run in their {@code @Order}. */
    @Test
    void customizersRunInTheirOrder() {
        runner.withUserConfiguration(OrderedCustomizers.class)
                .run(context -> assertThat(context.getBean(Supervisor.class).snapshot().children())
                        .extracting(c -> c.name()).containsExactly("shop", "billing", "early", "late"));
    }

    /** {@link SupervisorCustomizer}: customizers run before the {@code reactor-supervisor.*} overrides are applied. */
    @Test
    void aChildAddedByACustomizerTakesTheOverridesOfItsPath() {
        SupervisorSpec root = ReactorSupervisorAutoConfiguration.rootSpec(
                bind("reactor-supervisor.components.added.mailbox.capacity=5",
                        "reactor-supervisor.defaults.processing-timeout=2s"),
                List.of(echo("billing")), List.of(builder -> builder.child(echo("added"))));
        assertThat(component(root, "added").mailbox()).isEqualTo(Mailbox.bounded(5));
        assertThat(component(root, "added").processingTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    /** {@link ReactorSupervisorAutoConfiguration}: {@code @ConditionalOnClass(Supervisor.class)}. */
    @Test
    void withoutTheLibraryNothingIsConfigured() {
        runner.withClassLoader(new FilteredClassLoader(Supervisor.class)).run(context -> assertThat(context)
                .hasNotFailed().doesNotHaveBean(SupervisorProperties.class).doesNotHaveBean(SupervisionLifecycle.class)
                .doesNotHaveBean(SupervisorHealthIndicator.class));
    }

    /**
     * {@link ReactorSupervisorAutoConfiguration} and {@link SupervisorActuatorAutoConfiguration}: the application's
     * own {@code Supervisor} replaces the tree; the rest needs a single candidate.
     */
    @Test
    void twoSupervisorsWithoutAPrimaryGetNeitherLifecycleNorHealthNorMetrics() {
        Supervisor one = Supervisor.named("one").child(echo("x")).start();
        Supervisor two = Supervisor.named("two").child(echo("y")).start();
        try {
            runner.withBean("one", Supervisor.class, () -> one).withBean("two", Supervisor.class, () -> two)
                    .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                    .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SupervisionLifecycle.class)
                            .doesNotHaveBean(RecentEvents.class).doesNotHaveBean(SupervisorHealthIndicator.class)
                            .doesNotHaveBean(SupervisorReadinessHealthIndicator.class)
                            .doesNotHaveBean(SupervisorMetricsBinder.class));
        } finally {
            one.shutdown(Duration.ofSeconds(1)).block(Duration.ofSeconds(5));
            two.shutdown(Duration.ofSeconds(1)).block(Duration.ofSeconds(5));
        }
    }

    /** {@link SupervisorActuatorAutoConfiguration}: an application's {@code reactorSupervisorHealthIndicator} replaces the starter's. */
    @Test
    void anApplicationsOwnHealthIndicatorOfThatNameReplacesTheStartersOne() {
        HealthIndicator own = () -> Health.up().withDetail("mine", true).build();
        runner.withBean("reactorSupervisorHealthIndicator", HealthIndicator.class, () -> own)
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(SupervisorHealthIndicator.class);
                    assertThat(context.getBean("reactorSupervisorHealthIndicator")).isSameAs(own);
                    assertThat(context).hasSingleBean(SupervisorReadinessHealthIndicator.class);
                });
    }

    /** {@link SupervisorActuatorAutoConfiguration}: the readiness contributor is switched off by its own property. */
    @Test
    void theReadinessContributorIsSwitchedOffByItsPropertyWhileTheHealthIndicatorStays() {
        runner.withPropertyValues("management.health.reactor-supervisor-readiness.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(SupervisorReadinessHealthIndicator.class)
                        .hasSingleBean(SupervisorHealthIndicator.class));
    }

    /** {@link ReactorSupervisorAutoConfiguration#reactorSupervisorRecentEvents}: {@code @ConditionalOnMissingBean}; the endpoint uses the application's. */
    @Test
    void anApplicationsOwnRecentEventsAreTheOnesTheEndpointShows() {
        Supervisor elsewhere = Supervisor.named("elsewhere").child(echo("x")).start();
        RecentEvents own = new RecentEvents(elsewhere, 10);
        try {
            runner.withPropertyValues("management.endpoints.web.exposure.include=supervision")
                    .withBean("myRecentEvents", RecentEvents.class, () -> own).run(context -> {
                        assertThat(context).hasNotFailed().hasSingleBean(RecentEvents.class);
                        assertThat(context.getBean(RecentEvents.class)).isSameAs(own);
                        elsewhere.restartChild("x").block(Duration.ofSeconds(5));
                        await().atMost(Duration.ofSeconds(5)).until(() -> !own.events().isEmpty());
                        assertThat((List<?>) context.getBean(SupervisionEndpoint.class).supervision().get("events"))
                                .hasSize(own.events().size());
                    });
        } finally {
            elsewhere.shutdown(Duration.ofSeconds(1)).block(Duration.ofSeconds(5));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoRegistries {
        @Bean
        @Primary
        MeterRegistry primaryRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        MeterRegistry otherRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    /** {@link SupervisorMetricsBinder}: bound to the unique or primary {@code MeterRegistry}. */
    @Test
    void amongSeveralRegistriesTheTreeIsBoundToThePrimaryOne() {
        runner.withUserConfiguration(TwoRegistries.class).run(context -> {
            MeterRegistry primary = context.getBean("primaryRegistry", MeterRegistry.class);
            MeterRegistry other = context.getBean("otherRegistry", MeterRegistry.class);
            assertThat(context.getBean(SupervisorMetricsBinder.class).binding()).isNotNull();
            assertThat(primary.find(SupervisorMetrics.HANDLED).tag("component", "root/billing").meters()).hasSize(1);
            assertThat(other.getMeters()).isEmpty();
        });
    }

    /** {@link SupervisorMetricsBinder}: without a unique or primary meter registry it binds nothing. */
    @Test
    void amongSeveralRegistriesWithoutAPrimaryNothingIsBound() {
        runner.withBean("a", MeterRegistry.class, SimpleMeterRegistry::new)
                .withBean("b", MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(SupervisorMetricsBinder.class).binding()).isNull();
                    assertThat(context.getBeansOfType(MeterRegistry.class).values())
                            .allSatisfy(r -> assertThat(r.getMeters()).isEmpty());
                });
    }

    /** {@link SupervisorMetricsBinder}: removes the meters when the context closes. */
    @Test
    void closingTheContextRemovesTheTreesMeters() {
        MeterRegistry registry = new SimpleMeterRegistry();
        runner.withBean(MeterRegistry.class, () -> registry).run(context -> assertThat(registry
                .find(SupervisorMetrics.HANDLED).tag("component", "root/billing").meters()).hasSize(1));
        assertThat(registry.getMeters()).filteredOn(m -> m.getId().getName().startsWith("reactor.supervisor"))
                .isEmpty();
    }

    /**
     * {@link SupervisorHealthIndicator}: UP with the root, its state and the count of children by state; DOWN once
     * the root has stopped.
     */
    @Test
    void healthIsUpWithTheRootsStateAndChildrenAndDownOnceTheRootHasStopped() {
        runner.run(context -> {
            SupervisorHealthIndicator indicator = context.getBean(SupervisorHealthIndicator.class);
            Health up = indicator.health();
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            assertThat(up.getDetails()).containsEntry("root", "root").containsEntry("state", "RUNNING")
                    .containsEntry("children", context.getBean(Supervisor.class).snapshot().countByState())
                    .doesNotContainKeys("failed", "notReady");
            context.getBean(Supervisor.class).shutdown(Duration.ofSeconds(1)).block(Duration.ofSeconds(5));
            Health down = indicator.health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat(down.getDetails()).containsEntry("state", "STOPPED");
        });
    }

    /** {@link SupervisorReadinessHealthIndicator}: OUT_OF_SERVICE while a child is failed, with its path and reason. */
    @Test
    void readinessIsOutOfServiceWithAChildGivenUpInDegradedMode() {
        runner.withPropertyValues("reactor-supervisor.components.billing.limit.max-restarts=0",
                "reactor-supervisor.components.billing.limit.within=1m").run(context -> {
                    Supervisor root = context.getBean(Supervisor.class);
                    SupervisorReadinessHealthIndicator readiness = context.getBean(SupervisorReadinessHealthIndicator.class);
                    assertThat(readiness.health().getStatus()).isEqualTo(Status.UP);
                    root.ref("billing").tell(42);
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                        assertThat(root.snapshot().child("billing").state()).isEqualTo(ComponentState.FAILED);
                        Health health = readiness.health();
                        assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
                        assertThat(health.getDetails()).isEqualTo(Map.of("notReady", Map.of("root/billing", "FAILED")));
                    });
                    assertThat(context.getBean(SupervisorHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
                });
    }

    /** {@link SupervisionLifecycle#PHASE}: after the web server's graceful shutdown, before the web server stops. */
    @Test
    void theLifecyclePhaseLiesBetweenTheGracefulShutdownAndTheWebServer() {
        runner.run(context -> assertThat(context.getBean(SupervisionLifecycle.class).getPhase())
                .isEqualTo(SupervisionLifecycle.PHASE));
        assertThat(SupervisionLifecycle.PHASE).isLessThan(SmartLifecycle.DEFAULT_PHASE - 1024)
                .isGreaterThan(SmartLifecycle.DEFAULT_PHASE - 2048);
    }

    @Configuration(proxyBeanMethods = false)
    static class FailsAfterTheTree {
        static final AtomicReference<Supervisor> TREE = new AtomicReference<>();

        @Bean
        Object needsTheTree(Supervisor root) {
            TREE.set(root);
            throw new IllegalStateException("a later bean failed");
        }
    }

    /** {@link SupervisionLifecycle#close()}: a failed refresh shuts the started tree down. */
    @Test
    void aRefreshThatFailsAfterTheTreeStartedShutsTheTreeDown() {
        runner.withUserConfiguration(FailsAfterTheTree.class)
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("a later bean failed"));
        Supervisor tree = FailsAfterTheTree.TREE.get();
        assertThat(tree).isNotNull();
        assertThat(tree.termination().block(Duration.ofSeconds(10))).isNull();
        assertThat(tree.snapshot().state()).isEqualTo(ComponentState.STOPPED);
    }

    /**
     * {@link SupervisorProperties} and {@code additional-spring-configuration-metadata.json}: the defaults an IDE
     * shows are those the javadoc documents.
     */
    @Test
    void theConfigurationMetadataCarriesTheDocumentedDefaults() throws IOException {
        String metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("reactor-supervisor.enabled", "true");
        defaults.put("reactor-supervisor.root.name", "\"root\"");
        defaults.put("reactor-supervisor.root.strategy", "\"one-for-one\"");
        defaults.put("reactor-supervisor.root.escalate-on-failure", "false");
        defaults.put("reactor-supervisor.startup-timeout", "\"30s\"");
        defaults.put("reactor-supervisor.recent-events", "100");
        defaults.put("reactor-supervisor.metrics.enabled", "true");
        defaults.put("reactor-supervisor.metrics.observations", "true");
        defaults.put("management.health.reactor-supervisor.enabled", "true");
        defaults.put("management.health.reactor-supervisor-readiness.enabled", "true");
        defaults.forEach((key, value) -> assertThat(Pattern.compile("\"name\": \"" + Pattern.quote(key)
                + "\"(?:(?!\"name\")[\\s\\S])*\"defaultValue\": " + Pattern.quote(value)).matcher(metadata).find())
                .as(key + " defaults to " + value).isTrue());
    }

    /** {@link SupervisionLifecycle}: the context waits for the children at most {@code reactor-supervisor.startup-timeout}. */
    @Test
    void aChildSlowerToStartThanTheStartupTimeoutFailsStartupNamingTheKey() {
        CountDownLatch release = new CountDownLatch(1);
        ComponentSpec<String, String> slow = ComponentSpec.<String, String, Object>named("slow").state(() -> {
            try {
                release.await(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Object();
        }).syncHandler((s, m) -> m).build();
        try {
            runner.withBean("slow", ComponentSpec.class, () -> slow)
                    .withPropertyValues("reactor-supervisor.startup-timeout=100ms")
                    .run(context -> {
                        release.countDown();
                        assertThat(context).hasFailed().getFailure().hasStackTraceContaining(
                                "did not start within reactor-supervisor.startup-timeout (PT0.1S)");
                    });
        } finally {
            release.countDown();
        }
    }
}
