package io.reactorsupervisor.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.mock.env.MockEnvironment;

import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.EntitiesSpec;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.Supervisor;

/** The README's "Spring Boot" promises that the other tests of the starter leave out: defaults, messages, availability. */
class StarterPromisesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ReactorSupervisorAutoConfiguration.class,
                    SupervisorActuatorAutoConfiguration.class, ApplicationAvailabilityAutoConfiguration.class))
            .withUserConfiguration(AutoConfigurationTest.Specs.class);

    @Test
    void theDefaultsAreThoseTheReadmeGives() {
        SupervisorProperties properties = AutoConfigurationTest.bind();
        assertThat(properties.enabled()).isTrue();
        assertThat(properties.root().name()).isEqualTo("root");
        assertThat(properties.startupTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(properties.recentEvents()).isEqualTo(100);
        assertThat(properties.metrics().enabled()).isTrue();
        assertThat(properties.metrics().observations()).isTrue();
        // the shutdown deadline is Spring's shutdown phase timeout unless given
        assertThat(ReactorSupervisorAutoConfiguration.shutdownDeadline(properties, new MockEnvironment()))
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(ReactorSupervisorAutoConfiguration.shutdownDeadline(properties, new MockEnvironment()
                .withProperty("spring.lifecycle.timeout-per-shutdown-phase", "20s"))).isEqualTo(Duration.ofSeconds(20));
        assertThat(ReactorSupervisorAutoConfiguration.shutdownDeadline(AutoConfigurationTest.bind(
                "reactor-supervisor.shutdown-deadline=5s"), new MockEnvironment()
                .withProperty("spring.lifecycle.timeout-per-shutdown-phase", "20s"))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aBadValueFailsStartupWithTheReadmesMessage() {
        runner.withPropertyValues("reactor-supervisor.components.billing.mailbox.capacity=0")
                .run(context -> assertThat(context).hasFailed().getFailure().hasStackTraceContaining(
                        "reactor-supervisor.components[billing].mailbox.capacity: capacity must be >= 1, but was 0"));
    }

    @Test
    void aTreeStoppedWhileTheApplicationRunsMakesTheInstanceBrokenAndRefuseTraffic() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            running(context); // as SpringApplication publishes once the context has started
            context.getBean(Supervisor.class).shutdown(Duration.ofSeconds(1)).block(Duration.ofSeconds(5));
            ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(availability.getLivenessState()).isEqualTo(LivenessState.BROKEN);
                assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
            });
        });
    }

    @Test
    void aTreeStoppedByTheContextLeavesTheInstanceLive() {
        runner.run(context -> {
            running(context);
            context.getBean(SupervisionLifecycle.class).stop(); // the context's stop, as in a close
            assertThat(context.getBean(Supervisor.class).termination().block(Duration.ofSeconds(5))).isNull();
            ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
            assertThat(availability.getLivenessState()).isEqualTo(LivenessState.CORRECT);
            assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
        });
    }

    /** A set whose keys crash on "boom" and wait 30 s before their restart. */
    static final EntitiesSpec<String, String, String> SLOW_TO_RESTART = EntitiesSpec.named("carts", String.class,
            ComponentSpec.<String, String, Object>named("cart").state(Object::new).syncHandler((s, m) -> {
                if (m.equals("boom")) {
                    throw new IllegalStateException("boom");
                }
                return m;
            }).restart(RestartStrategy.delayed(Duration.ofSeconds(30))).build()).build();

    @Test
    void readinessIsOutOfServiceWhileAKeyedComponentRestarts() {
        runner.withBean(SupervisorCustomizer.class, () -> root -> root.entities(SLOW_TO_RESTART)).run(context -> {
            Supervisor root = context.getBean(Supervisor.class);
            SupervisorReadinessHealthIndicator readiness = context.getBean(SupervisorReadinessHealthIndicator.class);
            assertThat(root.entities(SLOW_TO_RESTART).ref("c-42").ask("a").block(Duration.ofSeconds(5))).isEqualTo("a");
            assertThat(readiness.health().getStatus()).isEqualTo(Status.UP);
            root.entities(SLOW_TO_RESTART).ref("c-42").tell("boom");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                Health health = readiness.health();
                assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
                assertThat(health.getDetails()).isEqualTo(Map.of("notReady", Map.of("root/carts/c-42", "RESTARTING")));
            });
        });
    }

    private static void running(ApplicationContext context) {
        AvailabilityChangeEvent.publish(context, LivenessState.CORRECT);
        AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
        assertThat(context.getBean(ApplicationAvailability.class).getLivenessState()).isEqualTo(LivenessState.CORRECT);
    }
}
