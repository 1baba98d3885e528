package io.reactorsupervisor.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.reactorsupervisor.ComponentSnapshot;
import io.reactorsupervisor.Entities;
import io.reactorsupervisor.EntitiesSpec;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.HealthCheck;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.RestartPolicy;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.SupervisionStrategy;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.SupervisorSpec;
import io.reactorsupervisor.micrometer.SupervisorMetrics;

class AutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ReactorSupervisorAutoConfiguration.class,
                    SupervisorActuatorAutoConfiguration.class));

    static ComponentSpec<String, String> echo(String name) {
        return ComponentSpec.<String, String, StringBuilder>named(name).state(StringBuilder::new)
                .syncHandler((log, message) -> log.append(message).toString()).build();
    }

    @Configuration(proxyBeanMethods = false)
    static class Specs {
        @Bean
        @Order(2)
        ComponentSpec<String, String> billing() {
            return echo("billing");
        }

        @Bean
        @Order(1)
        SupervisorSpec shop() {
            return SupervisorSpec.named("shop").strategy(SupervisionStrategy.REST_FOR_ONE).child(echo("orders"))
                    .build();
        }
    }

    @Test
    void specBeansBecomeTheRootsChildrenInBeanOrderAndTheTreeRuns() {
        runner.withUserConfiguration(Specs.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(Supervisor.class).hasSingleBean(SupervisionLifecycle.class);
            Supervisor root = context.getBean(Supervisor.class);
            assertThat(root.name()).isEqualTo("root");
            assertThat(root.snapshot().children()).extracting(c -> c.name()).containsExactly("shop", "billing");
            assertThat(root.snapshot().child("shop/orders").state()).isEqualTo(ComponentState.RUNNING);
            assertThat(root.<String, String>ref("billing").ask("a").block(Duration.ofSeconds(5))).isEqualTo("a");
        });
    }

    @Test
    void theRootTakesItsNameStrategyIntensityAndEscalationFromProperties() {
        SupervisorProperties props = bind("reactor-supervisor.root.name=app", "reactor-supervisor.root.strategy=one-for-all",
                "reactor-supervisor.root.intensity.max-restarts=3", "reactor-supervisor.root.intensity.within=10s",
                "reactor-supervisor.root.escalate-on-failure=true");
        SupervisorSpec spec = ReactorSupervisorAutoConfiguration.rootSpec(props, java.util.List.of(echo("a")),
                java.util.List.of());
        assertThat(spec.name()).isEqualTo("app");
        assertThat(spec.strategy()).isEqualTo(SupervisionStrategy.ONE_FOR_ALL);
        assertThat(spec.intensity()).isEqualTo(RestartLimit.of(3, Duration.ofSeconds(10)));
        assertThat(spec.escalates()).isTrue();
    }

    @Test
    void customizersAddChildrenAfterTheSpecBeans() {
        runner.withUserConfiguration(Specs.class)
                .withBean("one", SupervisorCustomizer.class, () -> root -> root.child(echo("one")))
                .withBean("two", SupervisorCustomizer.class, () -> root -> root.child(echo("two")))
                .run(context -> assertThat(context.getBean(Supervisor.class).snapshot().children())
                        .extracting(c -> c.name()).containsExactly("shop", "billing", "one", "two"));
    }

    @Test
    void aSpecNestedInASupervisorBeanIsNotAddedTwice() {
        ComponentSpec<String, String> orders = echo("orders");
        runner.withBean("orders", ComponentSpec.class, () -> orders)
                .withBean("shop", SupervisorSpec.class, () -> SupervisorSpec.named("shop").child(orders).build())
                .run(context -> assertThat(context.getBean(Supervisor.class).snapshot().children())
                        .extracting(c -> c.name()).containsExactly("shop"));
    }

    @Test
    void disabledBuildsNothing() {
        runner.withUserConfiguration(Specs.class).withPropertyValues("reactor-supervisor.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(Supervisor.class)
                        .doesNotHaveBean(SupervisionLifecycle.class));
    }

    @Test
    void anApplicationsOwnSupervisorReplacesTheTreeAndGetsTheRest() {
        Supervisor own = Supervisor.named("own").child(echo("x")).start();
        runner.withUserConfiguration(Specs.class).withBean(Supervisor.class, () -> own)
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .run(context -> {
                    assertThat(context.getBean(Supervisor.class)).isSameAs(own);
                    assertThat(context).hasSingleBean(SupervisionLifecycle.class)
                            .hasSingleBean(SupervisorHealthIndicator.class)
                            .hasSingleBean(SupervisorMetricsBinder.class);
                    assertThat(context.getBean(SupervisorMetricsBinder.class).binding()).isNotNull();
                });
        assertThat(own.snapshot().state()).isEqualTo(ComponentState.STOPPED);
    }

    @Test
    void aBadValueFailsStartupNamingItsKey() {
        runner.withUserConfiguration(Specs.class)
                .withPropertyValues("reactor-supervisor.components.billing.mailbox.capacity=-3")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("reactor-supervisor.components[billing].mailbox.capacity"));
        runner.withUserConfiguration(Specs.class)
                .withPropertyValues("reactor-supervisor.defaults.mailbox.capacity=lots")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("reactor-supervisor.defaults.mailbox.capacity"));
        runner.withUserConfiguration(Specs.class).withPropertyValues("reactor-supervisor.recent-events=-1")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("reactor-supervisor.recent-events"));
        runner.withUserConfiguration(Specs.class).withPropertyValues("reactor-supervisor.shutdown-deadline=1m",
                "spring.lifecycle.timeout-per-shutdown-phase=10s")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("reactor-supervisor.shutdown-deadline"));
    }

    @Test
    void aChildThatCannotStartFailsStartup() {
        ComponentSpec<String, String> broken = ComponentSpec.<String, String, Object>named("broken")
                .state(() -> {
                    throw new IllegalStateException("no database");
                }).syncHandler((s, m) -> m).build();
        runner.withBean("broken", ComponentSpec.class, () -> broken)
                .run(context -> assertThat(context).hasFailed().getFailure().hasStackTraceContaining("no database"));
    }

    @Test
    void aPausedContextLeavesTheTreeRunningWithItsState() {
        runner.withUserConfiguration(Specs.class).run(context -> {
            Supervisor root = context.getBean(Supervisor.class);
            assertThat(root.<String, String>ref("billing").ask("a").block(Duration.ofSeconds(5))).isEqualTo("a");

            context.getSourceApplicationContext().pause();
            assertThat(root.snapshot().state()).isEqualTo(ComponentState.RUNNING);
            context.getSourceApplicationContext().restart();

            assertThat(root.<String, String>ref("billing").ask("b").block(Duration.ofSeconds(5)))
                    .as("the same incarnation, its state kept").isEqualTo("ab");
        });
    }

    @Test
    void closingTheContextShutsTheTreeDown() {
        Supervisor[] root = new Supervisor[1];
        runner.withUserConfiguration(Specs.class).run(context -> root[0] = context.getBean(Supervisor.class));
        assertThat(root[0].snapshot().state()).isEqualTo(ComponentState.STOPPED);
    }

    @Test
    void metricsAreBoundToTheApplicationsRegistry() {
        runner.withUserConfiguration(Specs.class).withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .run(context -> {
                    context.getBean(Supervisor.class).<String, String>ref("billing").ask("a")
                            .block(Duration.ofSeconds(5));
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.find(SupervisorMetrics.HANDLED).tag("component", "root/billing").functionCounter())
                            .isNotNull().satisfies(c -> assertThat(c.count()).isEqualTo(1.0));
                });
    }

    @Test
    void metricsCarryTheTagsOfThePropertiesAndAreObservedInTheApplicationsObservationRegistry() {
        java.util.List<String> observed = new java.util.concurrent.CopyOnWriteArrayList<>();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }

            @Override
            public void onStop(Observation.Context context) {
                observed.add(context.getName());
            }
        });
        runner.withUserConfiguration(Specs.class).withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withBean(ObservationRegistry.class, () -> observations)
                .withPropertyValues("reactor-supervisor.metrics.tags.app=shop", "reactor-supervisor.metrics.tags.region=eu")
                .run(context -> {
                    context.getBean(Supervisor.class).<String, String>ref("billing").ask("a")
                            .block(Duration.ofSeconds(5));
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.find(SupervisorMetrics.HANDLED).tags("component", "root/billing", "app", "shop",
                            "region", "eu").functionCounter()).isNotNull().satisfies(c -> assertThat(c.count()).isEqualTo(1.0));
                    assertThat(registry.find(SupervisorMetrics.HANDLED).tag("component", "root/billing").meters())
                            .hasSize(1);
                    assertThat(observed).contains("reactor.supervisor.ask", "reactor.supervisor.handle");
                });
        observed.clear();
        runner.withUserConfiguration(Specs.class).withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withBean(ObservationRegistry.class, () -> observations)
                .withPropertyValues("reactor-supervisor.metrics.observations=false",
                        "reactor-supervisor.metrics.max-tagged-components=0")
                .run(context -> {
                    context.getBean(Supervisor.class).<String, String>ref("billing").ask("a")
                            .block(Duration.ofSeconds(5));
                    assertThat(observed).isEmpty();
                    assertThat(context.getBean(MeterRegistry.class).find(SupervisorMetrics.HANDLED)
                            .tag("component", "root/billing").meters()).isEmpty();
                });
    }

    @Test
    void aBadMetricsTagFailsStartupNamingItsKey() {
        runner.withUserConfiguration(Specs.class).withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("reactor-supervisor.metrics.tags.component=mine")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessage(
                        "tags must not use the keys the binding sets itself (component, supervisor.strategy, reason, "
                                + "outcome, state, breaker), but had 'component'"));
        runner.withUserConfiguration(Specs.class).withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("reactor-supervisor.metrics.tags.component=mine")
                .run(context -> assertThat(context).getFailure().hasStackTraceContaining(
                        "reactor-supervisor.metrics.tags: tags must not use the keys"));
        runner.withUserConfiguration(Specs.class).withPropertyValues("reactor-supervisor.metrics.tags.app= ")
                .run(context -> assertThat(context).getFailure().hasStackTraceContaining(
                        "reactor-supervisor.metrics.tags must have keys and values that are not blank, but had 'app' = ''"));
        runner.withUserConfiguration(Specs.class).withPropertyValues("reactor-supervisor.metrics.max-tagged-components=-1")
                .run(context -> assertThat(context).getFailure().hasStackTraceContaining(
                        "reactor-supervisor.metrics.max-tagged-components must be between 0 and 2147483647, was -1"));
    }

    static final EntitiesSpec<String, String, String> SESSIONS = EntitiesSpec.named("sessions", String.class,
            echo("session")).build();

    @Test
    @SuppressWarnings("unchecked")
    void aSetOfKeyedComponentsAddedByACustomizerRunsAndIsShownInAggregate() {
        runner.withUserConfiguration(Specs.class).withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withBean(SupervisorCustomizer.class, () -> root -> root.entities(SESSIONS))
                .withPropertyValues("management.endpoints.web.exposure.include=supervision",
                        "reactor-supervisor.defaults.mailbox.capacity=50")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Supervisor root = context.getBean(Supervisor.class);
                    for (int i = 0; i < 5; i++) {
                        assertThat(root.entities(SESSIONS).ref("k" + i).ask("m").block(Duration.ofSeconds(5)))
                                .isEqualTo("m");
                    }
                    Map<String, Object> tree = (Map<String, Object>) context.getBean(SupervisionEndpoint.class)
                            .supervision().get("tree");
                    Map<String, Object> set = ((List<Map<String, Object>>) tree.get("children")).get(2);
                    assertThat(set).containsEntry("kind", "entities").containsEntry("path", "root/sessions")
                            .containsEntry("state", "RUNNING").containsEntry("active", 5)
                            .containsEntry("activations", 5L).doesNotContainKey("children");
                    assertThat(context.getBean(SupervisionEndpoint.class).child(new String[] {"sessions"}))
                            .containsEntry("kind", "entities");
                    Health health = context.getBean(SupervisorHealthIndicator.class).health();
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    assertThat(context.getBean(SupervisorReadinessHealthIndicator.class).health().getStatus())
                            .isEqualTo(Status.UP);
                    assertThat(context.getBean(MeterRegistry.class).getMeters()).extracting(m -> m.getId().getTag("component"))
                            .contains("root/sessions", "root/sessions/*").noneMatch(c -> c.startsWith("root/sessions/k"));
                    // six meters of its own, tagged with its path
                    assertThat(context.getBean(MeterRegistry.class).getMeters()).filteredOn(m -> m.getId().getName()
                            .startsWith("reactor.supervisor.entities.")).extracting(m -> m.getId().getTag("component"))
                            .hasSize(6).containsOnly("root/sessions");
                });
    }

    /** A set whose keys crash on "boom" and restart at once. */
    static final EntitiesSpec<String, String, String> FRAGILE = EntitiesSpec.named("fragile", String.class,
            ComponentSpec.<String, String, Object>named("key").state(Object::new).syncHandler((s, m) -> {
                if (m.equals("boom")) {
                    throw new IllegalStateException("boom");
                }
                return m;
            }).build()).build();

    @Test
    void theDefaultsDoNotReachTheKeysOfASet() {
        runner.withUserConfiguration(Specs.class)
                .withBean(SupervisorCustomizer.class, () -> root -> root.entities(FRAGILE))
                .withPropertyValues("reactor-supervisor.defaults.policy=temporary")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Supervisor root = context.getBean(Supervisor.class);
                    assertThat(((ComponentSnapshot) root.snapshot().child("billing")).state())
                            .isEqualTo(ComponentState.RUNNING);
                    Entities<String, String, String> fragile = root.entities(FRAGILE); // the set as coded
                    assertThat(fragile.ref("k").ask("a").block(Duration.ofSeconds(5))).isEqualTo("a");
                    fragile.ref("k").tell("boom");
                    // temporary would drop the key; the template is permanent: it is restarted
                    SupervisionEvent restarted = root.events().filter(e -> e.path().equals("root/fragile/k"))
                            .filter(SupervisionEvent.Restarted.class::isInstance).blockFirst(Duration.ofSeconds(5));
                    assertThat(restarted).isNotNull();
                    assertThat(fragile.snapshot("k")).get().extracting(ComponentSnapshot::restarts).isEqualTo(1L);
                    // the same default does reach an ordinary component
                    root.ref("billing").tell(42); // a ClassCastException in its handler: a crash
                    SupervisionEvent billingEnded = root.events().filter(e -> e.path().equals("root/billing"))
                            .filter(e -> e instanceof SupervisionEvent.Removed || e instanceof SupervisionEvent.Restarted)
                            .blockFirst(Duration.ofSeconds(5));
                    assertThat(billingEnded).isInstanceOf(SupervisionEvent.Removed.class);
                });
    }

    @Test
    void anOverrideNamingASetFailsStartupSayingWhereToConfigureIt() {
        runner.withUserConfiguration(Specs.class)
                .withBean(SupervisorCustomizer.class, () -> root -> root.entities(SESSIONS))
                .withPropertyValues("reactor-supervisor.components.sessions.policy=transient")
                .run(context -> assertThat(context).getFailure().hasStackTraceContaining(
                        "reactor-supervisor.components[sessions] names a set of keyed components: configure it, and "
                                + "its keys, in its EntitiesSpec"));
    }

    @Test
    void eachOptionalPartHasItsCondition() {
        runner.withUserConfiguration(Specs.class).run(context -> assertThat(context)
                .hasSingleBean(SupervisorHealthIndicator.class)
                .doesNotHaveBean(SupervisionEndpoint.class));
        runner.withUserConfiguration(Specs.class).withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("reactor-supervisor.metrics.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(SupervisorMetricsBinder.class));
        runner.withUserConfiguration(Specs.class).withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withClassLoader(new FilteredClassLoader(SupervisorMetrics.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SupervisorMetricsBinder.class));
        runner.withUserConfiguration(Specs.class)
                .run(context -> assertThat(context.getBean(SupervisorMetricsBinder.class).binding()).isNull());
        runner.withUserConfiguration(Specs.class).withPropertyValues("management.health.reactor-supervisor.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(SupervisorHealthIndicator.class));
        runner.withUserConfiguration(Specs.class)
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.health.contributor"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SupervisorHealthIndicator.class));
        runner.withUserConfiguration(Specs.class)
                .withPropertyValues("management.endpoints.web.exposure.include=supervision")
                .run(context -> assertThat(context).hasSingleBean(SupervisionEndpoint.class));
        runner.withUserConfiguration(Specs.class)
                .withPropertyValues("management.endpoints.web.exposure.include=supervision",
                        "management.endpoint.supervision.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(SupervisionEndpoint.class));
    }

    static SupervisorProperties bind(String... pairs) {
        java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            map.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return new org.springframework.boot.context.properties.bind.Binder(
                new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(map))
                .bindOrCreate("reactor-supervisor", SupervisorProperties.class);
    }
}
