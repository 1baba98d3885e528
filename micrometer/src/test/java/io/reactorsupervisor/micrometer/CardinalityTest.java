package io.reactorsupervisor.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.SupervisorSpec;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Components past the limit are counted in their supervisor's group: the number of meters is bounded. */
class CardinalityTest extends VirtualTimeTest {

    private static SupervisorSpec.Builder supervisor(String name, int components) {
        SupervisorSpec.Builder s = Supervisor.named(name);
        for (int i = 0; i < components; i++) {
            s.child(echo(name + "-" + i));
        }
        return s;
    }

    @Test
    void fifteenHundredComponentsWithAThousandTaggedHaveAThousandAndOneSetsOfMeters() {
        Supervisor root = start(Supervisor.named("root")
                .child(supervisor("a", 500)).child(supervisor("b", 500)).child(supervisor("c", 500)));
        SupervisorMetrics.Binding binding = bind(SupervisorMetrics.of(root)); // at most 1,000 by default

        // a and b, in start order, have meters of their own; c's components share root/c/*
        assertThat(registry.getMeters()).hasSize(1_001 * SupervisorMetrics.METERS_PER_COMPONENT);
        assertThat(((TreeMeters) binding).taggedComponents()).isEqualTo(1_000);
        assertThat(((TreeMeters) binding).groupedComponents()).isEqualTo(500);
        assertThat(meters("root/b/b-499")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT);
        assertThat(meters("root/c/c-0")).isZero();
        assertThat(meters("root/c/*")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT);

        for (int i = 0; i < 3; i++) {
            StepVerifier.create(root.ref("c/c-" + i).ask("m")).expectNext("m").verifyComplete();
        }
        assertThat(counter(SupervisorMetrics.HANDLED, "root/c/*")).isEqualTo(3);
        assertThat(timer("root/c/*", "success").count()).isEqualTo(3);
        assertThat(gauge(SupervisorMetrics.STATE, "root/c/*", "state", "running")).isEqualTo(500);
        assertThat(gauge(SupervisorMetrics.MAILBOX_CAPACITY, "root/c/*")).isEqualTo(500.0 * 10_000);

        // a removed member's counts stay in its group; a freed place goes to the next component that starts
        root.supervisor("c").removeChild("c-0", Duration.ofSeconds(1)).subscribe();
        root.supervisor("a").removeChild("a-0", Duration.ofSeconds(1)).subscribe();
        advance(1);
        assertThat(counter(SupervisorMetrics.HANDLED, "root/c/*")).isEqualTo(3);
        assertThat(gauge(SupervisorMetrics.STATE, "root/c/*", "state", "running")).isEqualTo(499);
        root.supervisor("c").startChild(echo("c-new")).subscribe();
        root.supervisor("c").startChild(echo("c-newer")).subscribe();
        advance(1);
        assertThat(meters("root/c/c-new")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT);
        assertThat(meters("root/c/c-newer")).isZero();
        assertThat(gauge(SupervisorMetrics.STATE, "root/c/*", "state", "running")).isEqualTo(500);
        assertThat(registry.getMeters()).hasSize(1_001 * SupervisorMetrics.METERS_PER_COMPONENT);
    }

    @Test
    void withNoneTaggedEachSupervisorHasOneGroupAndAnEmptyGroupIsRemoved() {
        Supervisor root = start(supervisor("root", 3).child(supervisor("x", 2)));
        bind(SupervisorMetrics.of(root).withMaxTaggedComponents(0));

        assertThat(registry.getMeters()).hasSize(2 * SupervisorMetrics.METERS_PER_COMPONENT);
        assertThat(gauge(SupervisorMetrics.STATE, "root/*", "state", "running")).isEqualTo(3);
        assertThat(gauge(SupervisorMetrics.STATE, "root/x/*", "state", "running")).isEqualTo(2);
        ComponentRef<String, String> x0 = root.ref("x/x-0");
        StepVerifier.create(x0.ask("m")).expectNext("m").verifyComplete();
        assertThat(counter(SupervisorMetrics.HANDLED, "root/x/*")).isEqualTo(1);

        root.removeChild("x", Duration.ofSeconds(1)).subscribe();
        advance(1);
        assertThat(meters("root/x/*")).isZero();
        assertThat(registry.getMeters()).hasSize(SupervisorMetrics.METERS_PER_COMPONENT);
    }
}
