package io.reactorsupervisor.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.GuardReports;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.Supervisor;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Registries that fail never reach the tree; breaker gauges appear with the breaker. On virtual time. */
class RobustnessTest extends VirtualTimeTest {

    private static ComponentSpec<String, String> crashOnBoom(String name) {
        return ComponentSpec.<String, String, Object>named(name)
                .state(Object::new)
                .handler((s, m) -> m.equals("boom") ? Mono.error(new IllegalStateException("boom")) : Mono.just(m))
                .restart(RestartStrategy.immediate())
                .build();
    }

    @Test
    void aMeterRegistryAndAnObservationRegistryThatThrowDoNotBreakTheTree() {
        Clock broken = new Clock() {
            @Override
            public long wallTime() {
                throw new IllegalStateException("clock broke");
            }

            @Override
            public long monotonicTime() {
                throw new IllegalStateException("clock broke");
            }
        };
        SimpleMeterRegistry refusing = new SimpleMeterRegistry(SimpleConfig.DEFAULT, broken);
        refusing.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (id.getName().equals(SupervisorMetrics.HANDLED) || id.getName().equals(SupervisorMetrics.STATE)) {
                    throw new IllegalArgumentException("registry broke on " + id.getName());
                }
                return id;
            }
        });
        ObservationRegistry throwing = ObservationRegistry.create();
        throwing.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public void onStart(Observation.Context context) {
                throw new IllegalStateException("handler broke");
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }
        });
        Supervisor root = start(Supervisor.named("root").child(crashOnBoom("c")));
        SupervisorMetrics.Binding binding = SupervisorMetrics.of(root).withObservationRegistry(throwing)
                .bindTo(refusing);
        ComponentRef<String, String> ref = root.ref("c");

        StepVerifier.create(ref.ask("a")).expectNext("a").verifyComplete();
        ref.tell("boom");
        advance(1);
        StepVerifier.create(ref.ask("b")).expectNext("b").verifyComplete();
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
        assertThat(ref.stats().handled()).isEqualTo(2);
        assertThat(ref.stats().restarts()).isEqualTo(1);
        // what the registry took is there: 21 meters less the handled counter and the 6 state gauges it
        // refused, and the 2 timers, whose construction reads the broken clock
        assertThat(refusing.getMeters()).hasSize(SupervisorMetrics.METERS_PER_COMPONENT - 9);
        assertThat(refusing.get(SupervisorMetrics.CRASHES).functionCounter().count()).isEqualTo(1);
        binding.close();
        assertThat(refusing.getMeters()).isEmpty();
    }

    @Test
    void aGuardedComponentHasBreakerGaugesThatFollowItsState() {
        Supervisor root = start(Supervisor.named("root").child(crashOnBoom("guarded")).child(crashOnBoom("plain")));
        ComponentRef<String, String> guarded = root.ref("guarded");
        GuardReports.stateChanged(guarded, "pricing", "CLOSED", "CLOSED"); // a breaker known before the binding
        advance(1);
        bind(SupervisorMetrics.of(root));

        assertThat(registry.find(SupervisorMetrics.BREAKER_STATE).tag("component", "root/guarded").gauges())
                .extracting(g -> g.getId().getTag("state"))
                .containsExactlyInAnyOrder("closed", "open", "half_open", "disabled", "forced_open", "metrics_only");
        assertThat(gauge(SupervisorMetrics.BREAKER_STATE, "root/guarded", "breaker", "pricing", "state", "closed"))
                .isEqualTo(1);
        assertThat(registry.find(SupervisorMetrics.BREAKER_STATE).tag("component", "root/plain").gauges()).isEmpty();

        GuardReports.stateChanged(guarded, "pricing", "CLOSED", "OPEN");
        GuardReports.stateChanged(guarded, "backup", "CLOSED", "CLOSED"); // a second breaker, after the binding
        advance(1);
        assertThat(gauge(SupervisorMetrics.BREAKER_STATE, "root/guarded", "breaker", "pricing", "state", "open"))
                .isEqualTo(1);
        assertThat(gauge(SupervisorMetrics.BREAKER_STATE, "root/guarded", "breaker", "pricing", "state", "closed"))
                .isZero();
        assertThat(gauge(SupervisorMetrics.BREAKER_STATE, "root/guarded", "breaker", "backup", "state", "closed"))
                .isEqualTo(1);
        assertThat(meters("root/guarded")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT + 2 * 6);
        root.shutdown(Duration.ofSeconds(1)).subscribe();
        advance(1_000);
    }
}
